use schema_runtime::Model;

#[derive(Model)]
#[model(index(fields = ["org_id", "emial"]))]
struct User {
    id: i64,
    org_id: i64,
    email: String,
}

fn main() {}
