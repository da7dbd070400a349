use schema_runtime::Model;

#[derive(Model)]
struct LineItem {
    id: i64,
    #[model(stored)]
    total: f64,
}

fn main() {}
