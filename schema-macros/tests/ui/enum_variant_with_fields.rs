use schema_runtime::ModelEnum;

#[derive(ModelEnum)]
enum Shape {
    Circle(f64),
    Square { side: f64 },
    Point,
}

fn main() {}
