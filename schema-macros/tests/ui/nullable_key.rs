use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(nullable)]
    nickname: String,
}

fn main() {}
