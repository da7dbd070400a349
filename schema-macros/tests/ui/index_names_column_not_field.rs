use schema_runtime::Model;

#[derive(Model)]
#[model(unique(fields = ["desc"]))]
struct User {
    id: i64,
    #[model(column = "desc")]
    bio: String,
}

fn main() {}
