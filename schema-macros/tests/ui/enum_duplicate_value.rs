use schema_runtime::ModelEnum;

#[derive(ModelEnum)]
enum Status {
    InProgress,
    #[model(rename = "in_progress")]
    Working,
}

fn main() {}
