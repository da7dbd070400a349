use schema_runtime::Model;

#[derive(Model)]
struct LineItem {
    id: i64,
    price: f64,
    qty: i32,
    #[model(generated = "price * qty", default = 0)]
    total: f64,
}

fn main() {}
