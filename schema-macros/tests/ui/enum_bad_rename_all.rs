use schema_runtime::ModelEnum;

#[derive(ModelEnum)]
#[model(rename_all = "snakecase")]
enum Status {
    Active,
}

fn main() {}
