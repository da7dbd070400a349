use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    login_count: u32,
}

fn main() {}
