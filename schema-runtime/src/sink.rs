//! Where the engine's SQL goes: a live connection, or an offline script
//! (`upgrade --sql`). The engine and the backend hooks write to a [`Sink`]
//! and do not care which, so a script is exactly what a live run would
//! execute; the few things only a live run can do (read rows, time
//! statements, roll back) are decided here.

use std::time::{Duration, Instant};

use crate::conn::{Connection, Row};
use crate::error::{db_message, Error, Result};

/// A live connection or a script being written.
pub(crate) enum Sink<'a> {
    /// Statements run against the database.
    Live(&'a mut Connection),
    /// Statements are appended to the script, each ending in `;`. Nothing
    /// is read back and nothing fails.
    Script(&'a mut String),
}

impl Sink<'_> {
    /// Runs SQL the engine issues itself; `action` words a failure
    /// ("recording the revision in the version table").
    pub(crate) fn exec(&mut self, sql: &str, action: &str) -> Result<()> {
        match self {
            Sink::Live(c) => c.batch(sql).map_err(|e| c.db_error(action, &e)),
            Sink::Script(out) => {
                push(out, sql);
                Ok(())
            }
        }
    }

    /// [`Sink::exec`], leaving the wording of a failure to the caller.
    pub(crate) fn try_exec(&mut self, sql: &str) -> diesel::QueryResult<()> {
        match self {
            Sink::Live(c) => c.batch(sql),
            Sink::Script(out) => {
                push(out, sql);
                Ok(())
            }
        }
    }

    /// Runs one statement of a migration file; `Err` holds the database's
    /// message.
    pub(crate) fn statement(&mut self, sql: &str) -> std::result::Result<(), String> {
        self.try_exec(sql).map_err(|e| db_message(&e))
    }

    /// Rows a live run reads to decide what to do next; `None` in a script,
    /// where the caller writes what the script should do instead.
    pub(crate) fn query<T: Row>(&mut self, sql: &str, action: &str) -> Result<Option<Vec<T>>> {
        match self {
            Sink::Live(c) => c.load(sql).map(Some).map_err(|e| c.db_error(action, &e)),
            Sink::Script(_) => Ok(None),
        }
    }

    /// The live connection; `None` in a script.
    pub(crate) fn live(&mut self) -> Option<&mut Connection> {
        match self {
            Sink::Live(c) => Some(c),
            Sink::Script(_) => None,
        }
    }

    /// The target, for messages: the database, or `the --sql script`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Sink::Live(c) => c.describe(),
            Sink::Script(_) => "the --sql script".to_string(),
        }
    }

    /// Wraps a diesel error with what we were doing and where.
    pub(crate) fn db_error(&self, action: &str, e: &diesel::result::Error) -> Error {
        match self {
            Sink::Live(c) => c.db_error(action, e),
            Sink::Script(_) => Error::Database {
                action: action.to_string(),
                database: self.describe(),
                message: db_message(e),
            },
        }
    }

    /// Rolls the open transaction back. The original error is what matters;
    /// a failed rollback (e.g. the connection dropped) leaves the
    /// transaction to the server to abort. A script stops at its first
    /// error, so it has nothing to roll back.
    pub(crate) fn rollback(&mut self) {
        if let Sink::Live(c) = self {
            let _ = c.batch("ROLLBACK");
        }
    }

    /// A comment line in a script (a migration's header); nothing live.
    pub(crate) fn comment(&mut self, text: &str) {
        if let Sink::Script(out) = self {
            out.push_str("\n-- ");
            out.push_str(text);
            out.push('\n');
        }
    }

    /// Time since `start`: zero in a script, which runs later.
    pub(crate) fn elapsed(&self, start: Instant) -> Duration {
        match self {
            Sink::Live(_) => start.elapsed(),
            Sink::Script(_) => Duration::ZERO,
        }
    }

    /// The account recorded with a migration that is about to run without
    /// transactional DDL, shown if it never finishes.
    pub(crate) fn in_progress_note(&self, verb: &str) -> String {
        match self {
            Sink::Live(_) => format!(
                "{verb} started at {} and did not finish (the process may have been killed)",
                chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ")
            ),
            Sink::Script(_) => format!(
                "{verb} started from a --sql script and did not finish (the script may have stopped at an error)"
            ),
        }
    }
}

fn push(out: &mut String, sql: &str) {
    out.push_str(sql);
    out.push_str(";\n");
}
