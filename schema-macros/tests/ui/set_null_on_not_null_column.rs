use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(references = "orgs.id", on_delete = "set_null")]
    org_id: i64,
}

fn main() {}
