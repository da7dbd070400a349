use schema_runtime::Model;

#[derive(Model)]
struct Slug {
    #[model(primary_key, generated = "lower(title)", stored)]
    slug: String,
    title: String,
}

fn main() {}
