use schema_runtime::Model;

pub struct Decimal;

#[derive(Model)]
struct Account {
    id: i64,
    #[model(precision = 10)]
    balance: Decimal,
}

fn main() {}
