//! Who holds the migration lock, and waiting for it: the parts the lock's
//! front (the `lock` module) and the backends that take it share. A module
//! of its own, so the backends need not import the lock's front, which
//! dispatches to them.

use std::time::{Duration, Instant};

use crate::conn::Connection;
use crate::error::{Error, Result};

/// Who takes a lease: written into its row and shown to those who wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseOwner {
    /// The machine's host name.
    pub host: String,
    /// The process id.
    pub pid: u32,
    /// The program's name.
    pub application: String,
    /// A random value unique to this acquisition: the row is ours only
    /// while it carries it (two runners of one process share host and pid).
    pub token: String,
}

impl LeaseOwner {
    /// This process, with a fresh token.
    pub fn current() -> LeaseOwner {
        let mut b = [0u8; 16];
        let token = if getrandom::fill(&mut b).is_ok() {
            b.iter().map(|x| format!("{x:02x}")).collect()
        } else {
            // No randomness: the clock still tells acquisitions apart.
            format!(
                "{:x}-{:x}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default()
            )
        };
        LeaseOwner {
            host: host_name(),
            pid: std::process::id(),
            application: application_name(),
            token,
        }
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_string())
}

fn application_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// Calls `attempt` until it answers `true`, with jittered backoff up to
/// `timeout`; then an [`Error::LockTimeout`] naming the holder.
pub(crate) fn wait_for(
    conn: &mut Connection,
    timeout: Duration,
    on_wait: &mut dyn FnMut(Option<&str>),
    mut attempt: impl FnMut(&mut Connection) -> Result<bool>,
    mut holder: impl FnMut(&mut Connection) -> Option<String>,
) -> Result<()> {
    let start = Instant::now();
    let mut backoff = Duration::from_millis(25);
    let mut next_report = start;
    loop {
        if attempt(conn)? {
            return Ok(());
        }
        let now = Instant::now();
        if now.duration_since(start) >= timeout {
            return Err(Error::LockTimeout {
                database: conn.describe(),
                waited: timeout,
                holder: holder(conn),
            });
        }
        if now >= next_report {
            on_wait(holder(conn).as_deref());
            next_report = now + Duration::from_secs(10);
        }
        let remaining = timeout.saturating_sub(now.duration_since(start));
        std::thread::sleep(jitter(backoff).min(remaining));
        backoff = (backoff * 2).min(Duration::from_secs(1));
    }
}

/// `d` scaled by a random factor in [0.5, 1.5), so replicas started together
/// do not poll in lockstep.
pub(crate) fn jitter(d: Duration) -> Duration {
    let mut b = [0u8; 2];
    let r = if getrandom::fill(&mut b).is_ok() {
        u16::from_le_bytes(b)
    } else {
        u16::MAX / 2
    };
    let factor = 0.5 + f64::from(r) / f64::from(u16::MAX) * 0.999;
    d.mul_f64(factor)
}
