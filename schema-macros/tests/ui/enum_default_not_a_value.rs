use schema_runtime::{Model, ModelEnum};

#[derive(ModelEnum)]
enum Status {
    Active,
    Banned,
}

#[derive(Model)]
struct User {
    id: i64,
    #[model(default = "actve")]
    status: Status,
}

fn main() {}
