use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    name: String,
    #[model(column = "name")]
    display_name: String,
}

fn main() {}
