use schema_runtime::Model;

#[derive(Model)]
struct Counter {
    id: i64,
    #[model(collation = "C")]
    hits: i64,
}

fn main() {}
