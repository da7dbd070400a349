use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(default = now())]
    created_at: chrono::NaiveDateTime,
}

fn main() {}
