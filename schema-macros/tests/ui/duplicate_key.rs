use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(max_length = 255)]
    #[model(max_length = 320)]
    email: String,
}

fn main() {}
