use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(unique = true)]
    email: String,
}

fn main() {}
