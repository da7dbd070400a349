use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(table = "emails")]
    email: String,
}

fn main() {}
