use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(default = "yes")]
    active: bool,
}

fn main() {}
