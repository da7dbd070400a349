//! The example runs against a fresh SQLite file, twice (the second start is a
//! no-op upgrade), and its committed migrations match its models.

#[test]
fn starts_migrates_and_writes_posts() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("blog.db").display());
    let first = blog::run(&url).unwrap();
    assert!(first.contains("applied 1 migration"), "{first}");
    assert!(first.contains("schema matches the models"), "{first}");
    assert!(first.contains("1 post(s)"), "{first}");
    let second = blog::run(&url).unwrap();
    assert!(second.contains("nothing to do"), "{second}");
    assert!(second.contains("2 post(s)"), "{second}");
}
