//! What the pure-Rust drivers share: the runtime their I/O runs on and the
//! rewriting of a URL's query for them.

use std::future::Future;
use std::sync::OnceLock;

use diesel_async::async_connection_wrapper::BlockOn;

/// The runtime the pure-Rust drivers run their I/O on: one per process, with
/// one worker thread, started by the first server connection.
///
/// Not the application's runtime: a sync call blocks on this one, which
/// tokio forbids from inside any runtime, so those calls move to a thread of
/// their own first (see the module docs). The worker keeps a connection's
/// background task (tokio-postgres') running between calls.
#[derive(Debug, Clone, Copy)]
pub struct DriverRuntime;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("schema-runtime-io")
            .enable_all()
            .build()
            // Only fails when the OS refuses a thread: nothing could run then.
            .expect("start the database driver's I/O thread")
    })
}

impl BlockOn for DriverRuntime {
    fn block_on<F: Future>(&self, f: F) -> F::Output {
        runtime().block_on(f)
    }

    fn get_runtime() -> Self {
        DriverRuntime
    }
}

/// `url` with each `key=value` of its query (still percent-encoded) passed
/// through `f`: kept as returned, dropped on `None`, refused on `Err`.
pub(crate) fn rewrite_query(
    url: &str,
    mut f: impl FnMut(&str, &str) -> Result<Option<(&'static str, String)>, String>,
) -> Result<String, String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok(url.to_string());
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if let Some((k, v)) = f(key, value)? {
            kept.push(format!("{k}={v}"));
        }
    }
    Ok(if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_rewritten_pair_by_pair() {
        let out = rewrite_query("x://h/d?a=1&drop=2&b=3", |k, v| match k {
            "drop" => Ok(None),
            "a" => Ok(Some(("alpha", v.to_string()))),
            _ => Ok(Some(("b", v.to_string()))),
        });
        assert_eq!(out.unwrap(), "x://h/d?alpha=1&b=3");
        assert_eq!(
            rewrite_query("x://h/d?drop=1", |_, _| Ok(None)).unwrap(),
            "x://h/d"
        );
        assert_eq!(
            rewrite_query("x://h/d?bad=1", |k, _| Err(k.to_string())).unwrap_err(),
            "bad"
        );
    }

    #[test]
    fn blocks_on_the_shared_runtime_from_several_threads() {
        let sum: u32 = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4u32)
                .map(|i| s.spawn(move || DriverRuntime.block_on(async move { i })))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(sum, 6);
    }
}
