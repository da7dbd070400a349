use schema_runtime::Model;

#[derive(Model)]
struct Grid {
    id: i64,
    cells: Vec<Vec<i32>>,
}

fn main() {}
