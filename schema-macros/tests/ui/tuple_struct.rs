use schema_runtime::Model;

#[derive(Model)]
struct UserId(i64);

fn main() {}
