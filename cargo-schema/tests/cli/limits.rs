//! `--statement-timeout`, `statement_timeout` in the config and the file
//! headers, through the binary (the limits themselves are exercised on the
//! servers by the runtime's `time_limits` tests).

use crate::support::project;

#[test]
fn time_limits_are_read_from_the_flag_the_config_and_the_header() {
    let p = project("limits").file("src/lib.rs", "").build();
    p.schema(&["init"]).ok();
    p.write(
        "migrations/001_aaaaaaaaaaa1_first.sql",
        "-- revision: aaaaaaaaaaa1\n-- down_revision: none\n-- message: first\n-- lock_timeout: 2s\n-- statement_timeout: 1min\n\n-- migrate:up\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE t;\n",
    );
    p.schema(&["upgrade", "--statement-timeout", "soon"])
        .code(2)
        .says("`soon` is not a duration; write e.g. `30s`");
    p.schema(&["upgrade", "--statement-timeout", "30s"])
        .ok()
        .says("first");
    p.schema(&["downgrade", "base"]).ok();

    let manifest = p.read("Cargo.toml");
    p.write(
        "Cargo.toml",
        &manifest.replace(
            "[package.metadata.schema]",
            "[package.metadata.schema]\nstatement_timeout = \"later\"",
        ),
    );
    p.schema(&["upgrade"])
        .code(1)
        .says("key `statement_timeout` must be a duration");
    p.write(
        "Cargo.toml",
        &manifest.replace(
            "[package.metadata.schema]",
            "[package.metadata.schema]\nstatement_timeout = \"5min\"",
        ),
    );
    p.schema(&["upgrade"]).ok().says("first");

    p.write(
        "migrations/002_aaaaaaaaaaa2_second.sql",
        "-- revision: aaaaaaaaaaa2\n-- down_revision: aaaaaaaaaaa1\n-- message: second\n-- lock_timeout: whenever\n\n-- migrate:up\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n",
    );
    p.schema(&["upgrade"])
        .code(1)
        .says("002_aaaaaaaaaaa2_second.sql:4: `lock_timeout`: expected a duration");
}
