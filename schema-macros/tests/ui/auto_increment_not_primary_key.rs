use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(auto_increment = true)]
    ticket: i64,
}

fn main() {}
