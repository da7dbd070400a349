use schema_runtime::Model;

#[derive(Model)]
#[model(tabel = "users")]
struct User {
    id: i64,
}

fn main() {}
