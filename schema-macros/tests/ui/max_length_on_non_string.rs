use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(max_length = 3)]
    age: i32,
}

fn main() {}
