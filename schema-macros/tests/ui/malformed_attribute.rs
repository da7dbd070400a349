use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model = "email"]
    email: String,
}

fn main() {}
