//! The CLI serves all three databases without any system client library:
//! its dependency graph holds no C client `-sys` crate and the binary links
//! no libpq, libmysqlclient or libmariadb.

use std::path::Path;
use std::process::Command;

#[test]
fn the_cli_needs_no_client_library() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "tree",
            "--locked",
            "-p",
            "cargo-schema",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .output()
        .expect("run cargo tree");
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    // The drivers it does serve the servers with.
    for driver in ["tokio-postgres", "mysql_async", "libsqlite3-sys"] {
        assert!(crates.contains(&driver), "{driver} missing:\n{tree}");
    }
    for sys in ["pq-sys", "mysqlclient-sys", "openssl-sys"] {
        assert!(
            !crates.contains(&sys),
            "{sys} is in the CLI's tree:\n{tree}"
        );
    }

    let exe = env!("CARGO_BIN_EXE_cargo-schema");
    match Command::new("ldd").arg(exe).output() {
        Ok(out) if out.status.success() => {
            let libs = String::from_utf8_lossy(&out.stdout);
            for lib in ["libpq", "libmysqlclient", "libmariadb", "libssl"] {
                assert!(!libs.contains(lib), "cargo-schema links {lib}:\n{libs}");
            }
        }
        _ => println!("skipped the ldd check: ldd is not available here"),
    }
}
