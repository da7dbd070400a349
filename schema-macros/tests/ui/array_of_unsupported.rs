use schema_runtime::Model;

#[derive(Model)]
struct Post {
    id: i64,
    counts: Vec<u32>,
}

fn main() {}
