use schema_runtime::Model;

#[derive(Model)]
#[model(index(fields = ["org_id", "created_at dsc"]))]
struct Post {
    id: i64,
    org_id: i64,
    created_at: i64,
}

fn main() {}
