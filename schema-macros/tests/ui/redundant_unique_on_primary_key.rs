use schema_runtime::Model;

#[derive(Model)]
struct User {
    #[model(unique)]
    id: i64,
}

fn main() {}
