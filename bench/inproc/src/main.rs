//! Times a no-op `upgrade` in-process, the application start-up case:
//! migrations embedded at compile time, the database already at head.
//!
//! `inproc ours|sqlx N DB_FILE CALLS` brings `DB_FILE` (SQLite) to head once
//! (untimed), then times `CALLS` further calls, each opening its own
//! connection as an application start would, and prints one line:
//! `calls=C min_us=.. median_us=.. mean_us=..`.

use std::time::{Duration, Instant};

use schema_runtime::{EmbeddedMigrations, Migrator};

static OURS_100: EmbeddedMigrations = schema_runtime::embed_migrations!("fixtures/ours-100");
static OURS_500: EmbeddedMigrations = schema_runtime::embed_migrations!("fixtures/ours-500");

fn ours(n: usize, url: &str, calls: usize) -> Vec<Duration> {
    let migrations: &'static EmbeddedMigrations = match n {
        100 => &OURS_100,
        500 => &OURS_500,
        _ => panic!("no embedded set of {n} migrations (100 or 500)"),
    };
    let first = Migrator::new(migrations)
        .upgrade(url)
        .unwrap_or_else(|e| panic!("first upgrade failed: {e}"));
    eprintln!("applied {} migrations", first.steps.len());
    (0..calls)
        .map(|_| {
            let t = Instant::now();
            let report = Migrator::new(migrations)
                .upgrade(url)
                .unwrap_or_else(|e| panic!("no-op upgrade failed: {e}"));
            let d = t.elapsed();
            assert!(report.steps.is_empty(), "a no-op upgrade applied something");
            d
        })
        .collect()
}

#[cfg(feature = "sqlx")]
fn sqlx_run(n: usize, url: &str, calls: usize) -> Vec<Duration> {
    use sqlx::migrate::Migrator as SqlxMigrator;
    use sqlx::{Connection, SqliteConnection};

    static SQLX_100: SqlxMigrator = sqlx::migrate!("fixtures/sqlx-100");
    static SQLX_500: SqlxMigrator = sqlx::migrate!("fixtures/sqlx-500");
    let migrator: &SqlxMigrator = match n {
        100 => &SQLX_100,
        500 => &SQLX_500,
        _ => panic!("no embedded set of {n} migrations (100 or 500)"),
    };
    let url = format!("{url}?mode=rwc");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let mut conn = SqliteConnection::connect(&url).await.expect("connect");
        migrator.run(&mut conn).await.expect("first run");
        conn.close().await.expect("close");
        let mut out = Vec::with_capacity(calls);
        for _ in 0..calls {
            let t = Instant::now();
            let mut conn = SqliteConnection::connect(&url).await.expect("connect");
            migrator.run(&mut conn).await.expect("no-op run");
            conn.close().await.expect("close");
            out.push(t.elapsed());
        }
        out
    })
}

#[cfg(not(feature = "sqlx"))]
fn sqlx_run(_: usize, _: &str, _: usize) -> Vec<Duration> {
    eprintln!("built without the `sqlx` feature");
    std::process::exit(3);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: inproc ours|sqlx N DB_FILE CALLS");
        std::process::exit(2);
    }
    let n: usize = args[2].parse().expect("N");
    let calls: usize = args[4].parse().expect("CALLS");
    let url = format!("sqlite://{}", args[3]);
    let mut times = match args[1].as_str() {
        "ours" => ours(n, &url, calls),
        "sqlx" => sqlx_run(n, &url, calls),
        other => panic!("unknown tool {other}"),
    };
    times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mean = times.iter().map(|d| us(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "calls={} min_us={:.1} median_us={:.1} mean_us={:.1}",
        times.len(),
        us(times[0]),
        us(times[times.len() / 2]),
        mean
    );
}
