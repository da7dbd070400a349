use schema_runtime::{Model, ModelEnum};

#[derive(ModelEnum)]
enum Status {
    Active,
}

#[derive(Model)]
struct User {
    id: i64,
    #[model(max_length = 20)]
    status: Status,
}

fn main() {}
