use schema_runtime::Model;

pub struct Handle(String);

#[derive(Model)]
struct User {
    id: i64,
    handle: Handle,
}

fn main() {}
