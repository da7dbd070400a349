use schema_runtime::Model;

#[derive(Model)]
struct Membership {
    #[model(primary_key, auto_increment = true)]
    user_id: i64,
    #[model(primary_key)]
    group_id: i64,
}

fn main() {}
