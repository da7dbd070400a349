use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(references = "orgs")]
    org_id: i64,
}

fn main() {}
