use schema_runtime::Model;

#[derive(Model)]
enum Status {
    Active,
    Banned,
}

fn main() {}
