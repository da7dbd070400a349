use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(skip, max_length = 10)]
    cache: String,
}

fn main() {}
