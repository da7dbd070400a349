use schema_runtime::Model;

#[derive(Model)]
struct Note {
    title: String,
    body: String,
}

fn main() {}
