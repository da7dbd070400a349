use schema_runtime::Model;

#[derive(Model)]
#[model(index(fields = ["email"], include = ["name", "email"]))]
struct User {
    id: i64,
    email: String,
    name: String,
}

fn main() {}
