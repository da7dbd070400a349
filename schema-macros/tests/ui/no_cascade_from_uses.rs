use schema_runtime::Model;

#[derive(Model)]
struct User {
    id: i64,
    #[model(max_len = 255)]
    email: String,
}

fn main() {
    // The broken model is still a `Model`: only the attribute error shows.
    let table = User::table();
    println!("{}", table.name);
}
