//! Property tests over `Cargo.toml` and its `[package.metadata.schema]`:
//! arbitrary and mutated manifests never make the CLI panic, a refused one
//! gets an error naming `Cargo.toml`, and a refusal writes nothing.
//!
//! Runs in process (`cargo_schema::run`), 32 cases by default;
//! `PROPTEST_CASES=N` runs N.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use cargo_schema::project::Project;
use proptest::prelude::*;
use proptest::sample::Index;

fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 32;
    }
    config.failure_persistence = None;
    config
}

/// A `[package.metadata.schema]` value: right types, wrong types, odd text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"migrations\"".to_string()),
        Just("\"db/migrations\"".to_string()),
        Just("\"{year}_{month}_{day}_{hour}{minute}-{rev}_{slug}\"".to_string()),
        Just("\"{nope}\"".to_string()),
        Just("\"sqlite://app.db\"".to_string()),
        Just("\"postgres://app:Zq9Wv-secret@127.0.0.1:1/app\"".to_string()),
        Just("\"DATABASE_URL\"".to_string()),
        Just("[\"a\", \"b_*\"]".to_string()),
        Just("[1, 2]".to_string()),
        Just("60".to_string()),
        Just("-1".to_string()),
        Just("true".to_string()),
        Just("{ a = 1 }".to_string()),
        Just("\"all\"".to_string()),
        Just("\"table\"".to_string()),
        "\"[a-z_/ .]{0,12}\"",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "migrations_dir",
            "file_template",
            "database_url_env",
            "database_url",
            "version_table",
            "model_packages",
            "ignore_tables",
            "lock_mode",
            "transaction_mode",
            "lock_timeout",
        ])
        .prop_map(str::to_string),
        1 => "[a-z_]{1,15}",
    ]
}

/// A package manifest, with a schema table written as a section, inline,
/// dotted, or as a non-table.
fn manifest() -> impl Strategy<Value = String> {
    let table = prop::collection::vec((key(), value()), 0..5);
    (table, 0..6u8).prop_map(|(entries, form)| {
        let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let head = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
        match form {
            0 => head.to_string(),
            1 => format!("{head}\n[package.metadata.schema]\n{}\n", body.join("\n")),
            2 => format!("{head}metadata.schema = {{ {} }}\n", body.join(", ")),
            3 => format!("{head}\n[package.metadata]\nschema = \"oops\"\n"),
            4 => "package = { name = \"app\", version = \"0.1.0\" }\n".to_string(),
            _ => format!(
                "{head}\n[workspace]\n\n[workspace.metadata.schema]\n{}\n",
                body.join("\n")
            ),
        }
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(Index),
    Insert(Index, String),
    Delete(Index, Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let fragment = prop_oneof![
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("=".to_string()),
        Just("#".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\0".to_string()),
        Just("é🦀".to_string()),
        Just("[package.metadata.schema]\n".to_string()),
        Just("x".repeat(5_000)),
        "\\PC{1,6}",
    ];
    prop_oneof![
        any::<Index>().prop_map(Mutation::Truncate),
        (any::<Index>(), fragment).prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Delete(a, b)),
    ]
}

fn boundary(s: &str, index: &Index) -> usize {
    let mut at = index.index(s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(mut s: String, mutations: &[Mutation]) -> String {
    for m in mutations {
        match m {
            Mutation::Truncate(i) => {
                let at = boundary(&s, i);
                s.truncate(at);
            }
            Mutation::Insert(i, text) => {
                let at = boundary(&s, i);
                s.insert_str(at, text);
            }
            Mutation::Delete(a, b) => {
                let (a, b) = (boundary(&s, a), boundary(&s, b));
                s.replace_range(a.min(b)..a.max(b), "");
            }
        }
    }
    s
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                out.insert(path.clone(), Vec::new());
                stack.push(path);
            } else {
                out.insert(path.clone(), fs::read(&path).expect("read file"));
            }
        }
    }
    out
}

/// Runs `cargo-schema <args>` in process on the manifest at `manifest`.
fn run(manifest: &Path, args: &[&str]) {
    let mut argv = vec![
        "cargo-schema".to_string(),
        "-q".to_string(),
        "--manifest-path".to_string(),
        manifest.display().to_string(),
    ];
    argv.extend(args.iter().map(|a| a.to_string()));
    let _ = cargo_schema::run(argv);
}

/// What the CLI does with the manifest `text` (bytes, maybe not UTF-8).
fn check_manifest(text: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("temp dir");
    // A workspace-level `migrations_dir` is looked for next to the
    // workspace root: keep the project one level down, in the temp dir.
    let root = dir.path().join("app");
    fs::create_dir(&root).expect("mkdir");
    let manifest = root.join("Cargo.toml");
    fs::write(&manifest, text).expect("write manifest");
    let before = snapshot(dir.path());
    let parsed = Project::from_manifest(&manifest);
    if let Err(e) = &parsed {
        prop_assert!(e.to_string().contains("Cargo.toml"), "{}", e);
    }
    // Commands that only read never write.
    for args in [&["history"][..], &["heads"], &["current"]] {
        run(&manifest, args);
        prop_assert_eq!(&snapshot(dir.path()), &before, "{:?} wrote something", args);
    }
    match parsed {
        Err(_) => {
            // A manifest that does not read is left alone by `init` too.
            run(&manifest, &["init"]);
            prop_assert_eq!(
                &snapshot(dir.path()),
                &before,
                "init wrote into a broken project"
            );
        }
        Ok(project) => {
            // `init` may write, but only inside the project, and what it
            // leaves reads back with a configuration.
            let inside = project.migrations_dir().starts_with(&root)
                && !project
                    .migrations_dir()
                    .components()
                    .any(|c| c == Component::ParentDir);
            if inside {
                run(&manifest, &["init"]);
                let after = snapshot(dir.path());
                let changed = after != before;
                if changed && project.package_name.is_some() {
                    let again = Project::from_manifest(&manifest).map_err(|e| {
                        TestCaseError::fail(format!("init left a manifest that does not read: {e}"))
                    })?;
                    prop_assert!(again.has_config);
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn manifests_never_panic(text in manifest()) {
        check_manifest(text.as_bytes())?;
    }

    #[test]
    fn mutated_manifests_never_panic_or_write(
        text in manifest(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        check_manifest(apply(text, &mutations).as_bytes())?;
    }

    #[test]
    fn arbitrary_manifests_never_panic_or_write(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_manifest(&bytes)?;
    }
}

// ---- cases the properties found -------------------------------------------

#[test]
fn a_schema_key_that_is_no_table_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("Cargo.toml");
    fs::write(
        &manifest,
        "[package]\nname = \"app\"\n\n[package.metadata]\nschema = \"oops\"\n",
    )
    .expect("write");
    let err = Project::from_manifest(&manifest).unwrap_err().to_string();
    assert!(err.contains("Cargo.toml"), "{err}");
    assert!(
        err.contains("`package.metadata.schema` must be a table"),
        "{err}"
    );
}

#[test]
fn init_refuses_a_manifest_it_cannot_extend_and_writes_nothing() {
    // Appending `[package.metadata.schema]` to these used to leave a
    // manifest that cargo (and cargo-schema) cannot read.
    for text in [
        "package = { name = \"app\", version = \"0.1.0\" }\n",
        "[package]\nname = \"app\"\nmetadata = { other = 1 }\n",
        "[package]\nname = \"app\"\nmetadata = 5\n",
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let manifest = dir.path().join("Cargo.toml");
        fs::write(&manifest, text).expect("write");
        let before = snapshot(dir.path());
        let project = Project::from_manifest(&manifest).expect("reads");
        assert!(!project.has_config);
        run(&manifest, &["init"]);
        assert_eq!(snapshot(dir.path()), before, "{text}");
    }
}
