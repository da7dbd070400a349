use schema_runtime::Model;

#[derive(Model)]
#[model(index(name = "ix_users_email"))]
struct User {
    id: i64,
    email: String,
}

fn main() {}
