use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: Option<i64>,
}

fn main() {}
