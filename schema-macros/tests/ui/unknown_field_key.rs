use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(max_len = 255)]
    email: String,
}

fn main() {}
