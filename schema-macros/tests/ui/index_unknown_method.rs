use schema_runtime::Model;

#[derive(Model)]
#[model(index(fields = ["tags"], using = "gni"))]
struct Post {
    id: i64,
    #[model(sql_type = "TEXT[]")]
    tags: String,
}

fn main() {}
