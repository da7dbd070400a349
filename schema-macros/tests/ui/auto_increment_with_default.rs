use schema_runtime::Model;

#[derive(Model)]
struct User {
    #[model(default = 1)]
    id: i64,
}

fn main() {}
