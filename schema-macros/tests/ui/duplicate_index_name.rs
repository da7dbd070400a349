use schema_runtime::Model;

#[derive(Model)]
#[model(index(fields = ["email"]))]
struct User {
    id: i64,
    #[model(index)]
    email: String,
}

fn main() {}
