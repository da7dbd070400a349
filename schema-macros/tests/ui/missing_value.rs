use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(column)]
    email: String,
}

fn main() {}
