use schema_runtime::Model;

#[derive(Model)]
#[model(unique(fields = ["email desc"]))]
#[model(unique(fields = ["name"], where = "name <> ''"))]
struct User {
    id: i64,
    email: String,
    name: String,
}

fn main() {}
