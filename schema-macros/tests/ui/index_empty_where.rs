use schema_runtime::Model;

#[derive(Model)]
#[model(index(fields = ["email"], where = " ", unique))]
#[model(index(fields = ["name(0)"]))]
struct User {
    id: i64,
    email: String,
    name: String,
}

fn main() {}
