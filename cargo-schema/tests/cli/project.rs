//! init, models, configuration and URL resolution.

use crate::support::project;

const MODELS: &str = r#"
use schema_runtime::Model;

#[derive(Model)]
#[model(table = "users")]
pub struct User {
    pub id: i64,
    #[model(max_length = 255, unique)]
    pub email: String,
    pub name: Option<String>,
}
"#;

#[test]
fn init_creates_the_directory_and_config_once() {
    let p = project("shop").build();
    p.schema(&["init"]).ok().says("created migrations");
    assert!(p.path().join("migrations").is_dir());
    let manifest = p.read("Cargo.toml");
    assert!(manifest.contains("[package.metadata.schema]"), "{manifest}");
    p.schema(&["init"]).ok().says("already exists");
    assert_eq!(p.read("Cargo.toml"), manifest, "init twice changes nothing");
}

#[test]
fn models_lists_what_discovery_finds() {
    let p = project("shop")
        .file("src/lib.rs", "pub mod models;\n")
        .file("src/models.rs", MODELS)
        .build();
    p.schema(&["models"])
        .ok()
        .says("src/models.rs:6 User -> users (id bigint, email varchar(255), name text?)");
    let json = p.schema(&["--format", "json", "models"]).ok().json();
    assert_eq!(json["models"][0]["table"], "users");
    assert_eq!(json["models"][0]["columns"][2]["nullable"], true);
}

#[test]
fn models_reports_attribute_errors_with_file_and_line() {
    let p = project("shop")
        .file("src/lib.rs", "mod models;\n")
        .file(
            "src/models.rs",
            "#[derive(schema_runtime::Model)]\nstruct T {\n    id: i64,\n    #[model(max_len = 3)]\n    name: String,\n}\n",
        )
        .build();
    p.schema(&["models"])
        .code(1)
        .says("src/models.rs:4:")
        .says("max_length");
}

#[test]
fn missing_url_names_all_three_sources() {
    let p = project("shop").file("src/lib.rs", MODELS).build();
    p.schema(&["init"]).ok();
    p.schema_env(&["current"], &[])
        .code(1)
        .says("--database-url")
        .says("DATABASE_URL")
        .says("database_url");
}

#[test]
fn unknown_command_is_a_usage_error() {
    let p = project("shop").build();
    p.schema(&["frobnicate"]).code(2);
}

#[test]
fn config_keys_and_url_precedence() {
    let p = project("shop")
        .file("src/lib.rs", MODELS)
        .config(
            "migrations_dir = \"db/migrations\"\nversion_table = \"my_versions\"\ndatabase_url = \"sqlite://from_config.db\"\ndatabase_url_env = \"SHOP_DB\"",
        )
        .build();
    p.schema_env(&["init"], &[])
        .ok()
        .says("created db/migrations");
    p.schema_env(&["revision", "--autogenerate", "-m", "init"], &[])
        .ok()
        .says("from_config.db");
    // The config's URL is the fallback ...
    p.schema_env(&["upgrade"], &[]).ok();
    assert!(p.path().join("from_config.db").is_file());
    // ... the env var named by database_url_env beats it, .env included ...
    p.write(".env", "SHOP_DB=sqlite://from_dotenv.db\n");
    p.schema_env(&["upgrade"], &[]).ok().says("from_dotenv.db");
    p.schema_env(&["upgrade"], &[("SHOP_DB", "sqlite://from_env.db")])
        .ok()
        .says("from_env.db");
    // ... and the flag beats everything.
    p.schema_env(
        &["upgrade", "--database-url", "sqlite://from_flag.db"],
        &[("SHOP_DB", "sqlite://from_env.db")],
    )
    .ok()
    .says("from_flag.db");
    assert!(p.path().join("from_flag.db").is_file());
    let tables = crate::support::sqlite3(
        &p.path().join("from_flag.db"),
        "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)",
    );
    assert_eq!(tables, "my_versions,users");
}

#[test]
fn passwords_are_never_printed() {
    let p = project("shop").file("src/lib.rs", MODELS).build();
    p.schema(&["init"]).ok();
    p.schema_env(
        &["current"],
        &[(
            "DATABASE_URL",
            "postgresql+asyncpg://app:s3cret@127.0.0.1:1/app",
        )],
    )
    .code(1)
    .says("app:***@")
    .never_says("s3cret");
}
