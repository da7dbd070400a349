use schema_runtime::Model;

#[derive(Model)]
struct Post {
    id: i64,
    #[model(default = "rust")]
    tags: Vec<String>,
}

fn main() {}
