use schema_runtime::Model;

mod rust_decimal {
    pub struct Decimal;
}

#[derive(Model)]
struct Account {
    id: i64,
    balance: rust_decimal::Decimal,
}

fn main() {}
