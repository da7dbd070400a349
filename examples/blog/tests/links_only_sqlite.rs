//! A SQLite-only app links no database client library: the blog depends on
//! `schema-runtime` with its default features (SQLite only), so its own
//! dependency graph holds neither the C client libraries' `-sys` crates nor
//! the pure-Rust server drivers, its binary links no libpq or
//! libmysqlclient, and a server URL is a clear error naming the feature to
//! enable.
//!
//! `cargo tree -p blog` / `cargo build -p blog` resolve features for the
//! blog alone, as in an app's own workspace (inside this one, `cargo test
//! --workspace` unifies them with the CLI's). The build shares the target
//! directory of the `cargo test` running this (cargo releases its lock
//! before it runs tests).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates that would mean a server driver is compiled in.
const SERVER_DRIVERS: &[&str] = &[
    "pq-sys",
    "mysqlclient-sys",
    "pq-src",
    "mysqlclient-src",
    "diesel-async",
    "tokio-postgres",
    "mysql_async",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .to_path_buf()
}

fn cargo(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root()).args(args);
    if args[0] == "build" {
        cmd.arg("--target-dir").arg(target_dir());
    }
    let out = cmd.output().expect("run cargo");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "cargo {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn a_sqlite_only_app_links_no_client_library() {
    let tree = cargo(&[
        "tree",
        "--locked",
        "-p",
        "blog",
        "-e",
        "normal,build",
        "--prefix",
        "none",
    ]);
    assert!(tree.contains("libsqlite3-sys"), "{tree}");
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for driver in SERVER_DRIVERS {
        assert!(
            !crates.contains(driver),
            "{driver} is in the SQLite-only dependency tree:\n{tree}"
        );
    }

    cargo(&["build", "--locked", "-p", "blog"]);
    let exe = target_dir()
        .join("debug")
        .join(format!("blog{}", std::env::consts::EXE_SUFFIX));

    // What the binary links, where the platform can tell.
    match Command::new("ldd").arg(&exe).output() {
        Ok(out) if out.status.success() => {
            let libs = String::from_utf8_lossy(&out.stdout);
            for lib in ["libpq", "libmysqlclient", "libmariadb", "libsqlite3.so"] {
                assert!(!libs.contains(lib), "the blog links {lib}:\n{libs}");
            }
        }
        _ => println!("skipped the ldd check: ldd is not available here"),
    }

    // A server URL in this build: a clear error naming the feature.
    let out = Command::new(&exe)
        .env("DATABASE_URL", "postgres://app:s3cret@127.0.0.1:9/app")
        .output()
        .expect("run the blog");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("this build has no PostgreSQL driver")
            && stderr.contains("enable the `postgres` feature of schema-runtime"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let out = Command::new(&exe)
        .env("DATABASE_URL", "mysql://root@127.0.0.1:9/app")
        .output()
        .expect("run the blog");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no MySQL/MariaDB driver") && stderr.contains("`mysql` feature"),
        "{stderr}"
    );
}
