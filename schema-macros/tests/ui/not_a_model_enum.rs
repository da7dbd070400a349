use schema_runtime::Model;

pub enum Status {
    Active,
}

#[derive(Model)]
struct User {
    id: i64,
    status: Option<Status>,
}

fn main() {}
