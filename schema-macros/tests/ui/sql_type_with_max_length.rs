use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(sql_type = "CITEXT", max_length = 255)]
    email: String,
}

fn main() {}
