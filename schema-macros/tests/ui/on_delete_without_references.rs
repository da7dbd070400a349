use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(on_delete = "cascade")]
    org_id: i64,
}

fn main() {}
