use schema_runtime::ModelEnum;

#[derive(ModelEnum)]
enum Never {}

fn main() {}
