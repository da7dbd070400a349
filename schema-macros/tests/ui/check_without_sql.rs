use schema_runtime::Model;

#[derive(Model)]
#[model(check(name = "positive_balance"))]
struct Account {
    id: i64,
    balance: i64,
}

fn main() {}
