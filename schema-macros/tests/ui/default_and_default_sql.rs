use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(default = true, default_sql = "TRUE")]
    active: bool,
}

fn main() {}
