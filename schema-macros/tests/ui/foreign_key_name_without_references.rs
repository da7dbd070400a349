use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(foreign_key_name = "FK_UserOrg")]
    org_id: i64,
}

fn main() {}
