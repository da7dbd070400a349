use schema_runtime::Model;

#[derive(Model)]
#[model(tabel = "users")]
#[model(index(fields = ["emial"]))]
struct User {
    #[model(max_len = 255)]
    email: String,
    #[model(on_delete = "cascade")]
    org_id: i64,
}

fn main() {}
