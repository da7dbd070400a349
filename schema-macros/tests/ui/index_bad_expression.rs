use schema_runtime::Model;

#[derive(Model)]
#[model(index(fields = ["(lower(email)"]))]
#[model(index(fields = ["(email)"]))]
#[model(unique(fields = ["(lower(email))"]))]
struct User {
    id: i64,
    email: String,
}

fn main() {}
