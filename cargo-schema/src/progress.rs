//! Progress while a command works: a bar on a terminal, plain lines in logs
//! and under `--format json` (on stderr, so stdout stays one JSON
//! document), nothing under `-q`. The one place that makes that choice.

use std::io::{self, IsTerminal};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use schema_runtime::introspect::{IntrospectProgress, OnTable};
use schema_runtime::migrator::Progress;

use crate::cli::Format;
use crate::output::Output;

/// Introspection draws a bar only above this many tables; a smaller schema
/// is read before a bar would be worth looking at.
pub const BAR_MIN_TABLES: usize = 20;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// An animated bar on stderr, cleared when the work ends.
    Bar,
    /// One plain line per finished step on stderr.
    Lines,
    /// Nothing.
    Silent,
}

impl Mode {
    /// `-q` silences progress; a bar needs a terminal on stderr and text
    /// output (JSON is for machines, which read lines, not redraws).
    pub fn choose(stderr_is_tty: bool, format: Format, quiet: bool) -> Mode {
        if quiet {
            Mode::Silent
        } else if stderr_is_tty && format == Format::Text {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }

    /// The mode for this process's stderr and flags.
    pub fn of(out: &Output) -> Mode {
        Mode::choose(io::stderr().is_terminal(), out.format, out.quiet)
    }
}

/// Where plain lines go.
type Emit = Arc<dyn Fn(String) + Send + Sync>;

/// The bar (created on first use) or the line printer, per [`Mode`].
struct Display {
    mode: Mode,
    emit: Emit,
    bar: Mutex<Option<ProgressBar>>,
    /// stderr in the CLI; hidden in unit tests, which inspect the bar's
    /// state instead of a terminal.
    target: fn() -> ProgressDrawTarget,
}

impl Display {
    fn new(mode: Mode, out: &Output) -> Display {
        let out = out.clone();
        Display::with(
            mode,
            Arc::new(move |s| out.note(s)),
            ProgressDrawTarget::stderr,
        )
    }

    fn with(mode: Mode, emit: Emit, target: fn() -> ProgressDrawTarget) -> Display {
        Display {
            mode,
            emit,
            bar: Mutex::new(None),
            target,
        }
    }

    fn slot(&self) -> MutexGuard<'_, Option<ProgressBar>> {
        // A panic inside a callback must not take the progress display
        // down with it: the bar is still usable.
        self.bar.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The bar, created as a spinner (no length yet) on first use.
    fn bar(&self) -> ProgressBar {
        self.slot()
            .get_or_insert_with(|| {
                let bar = ProgressBar::with_draw_target(None, (self.target)());
                bar.set_style(spinner_style());
                // Ticks keep the spinner and elapsed time moving during one
                // long statement, when no event arrives.
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            })
            .clone()
    }

    /// Makes the bar a counted one of `total` steps, once.
    fn counted(&self, total: usize) -> ProgressBar {
        let bar = self.bar();
        if bar.length() != Some(total as u64) {
            bar.set_style(bar_style());
            bar.set_length(total as u64);
        }
        bar
    }

    /// A message that stays: a line in `Lines` mode; above the bar in `Bar`
    /// mode (the bar is cleared while it prints, then redrawn).
    fn line(&self, line: String) {
        match self.mode {
            Mode::Silent => {}
            Mode::Lines => (self.emit)(line),
            Mode::Bar => match self.slot().clone() {
                Some(bar) => bar.suspend(|| (self.emit)(line)),
                None => (self.emit)(line),
            },
        }
    }

    /// Clears the bar, so what the command prints next starts on a clean
    /// line.
    fn finish(&self) {
        if let Some(bar) = self.slot().take() {
            bar.finish_and_clear();
        }
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {elapsed:>3} {wide_msg}")
        .expect("the spinner template is valid")
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {elapsed:>3} [{bar:30}] {pos}/{len} {wide_msg}")
        .expect("the bar template is valid")
        .progress_chars("=> ")
}

/// The line for a migration that finished, as printed in `Lines` mode.
pub fn finished_line(
    index: usize,
    total: usize,
    revision: &str,
    message: &str,
    duration: Duration,
) -> String {
    let what = if message.is_empty() {
        revision.to_string()
    } else {
        format!("{revision} {message}")
    };
    format!(
        "[{index}/{total}] {what} ... done in {} ms",
        duration.as_millis()
    )
}

/// The line for a wait on another migrator's lock.
pub fn waiting_line(holder: Option<&str>) -> String {
    format!(
        "waiting for the migration lock{}",
        holder
            .map(|h| format!(" (held by {h})"))
            .unwrap_or_default()
    )
}

/// Progress of `upgrade` / `downgrade`, fed by
/// [`Migrator::on_progress`](schema_runtime::Migrator::on_progress).
/// Dropping it clears the bar, so an error prints on a clean line too.
pub struct MigrationProgress {
    inner: Arc<MigrationInner>,
}

struct MigrationInner {
    display: Display,
    /// The revision running and its message: `Finished` carries only the
    /// id, the line names both.
    running: Mutex<Option<(String, String)>>,
}

impl MigrationProgress {
    /// For this process's stderr and flags.
    pub fn new(out: &Output) -> MigrationProgress {
        MigrationProgress::from_display(Display::new(Mode::of(out), out))
    }

    fn from_display(display: Display) -> MigrationProgress {
        MigrationProgress {
            inner: Arc::new(MigrationInner {
                display,
                running: Mutex::new(None),
            }),
        }
    }

    /// The callback to hand to `Migrator::on_progress`.
    pub fn handler(&self) -> impl Fn(&Progress<'_>) + Send + Sync + 'static {
        let inner = Arc::clone(&self.inner);
        move |p| inner.event(p)
    }

    /// Clears the bar; call before printing the report.
    pub fn finish(&self) {
        self.inner.display.finish();
    }
}

impl Drop for MigrationProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

impl MigrationInner {
    fn event(&self, p: &Progress<'_>) {
        let d = &self.display;
        match *p {
            Progress::WaitingForLock { holder } => match d.mode {
                Mode::Bar => d.bar().set_message(waiting_line(holder)),
                _ => d.line(waiting_line(holder)),
            },
            Progress::Started {
                revision,
                message,
                index,
                total,
            } => {
                *self.running.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((revision.to_string(), message.to_string()));
                if d.mode == Mode::Bar {
                    let bar = d.counted(total);
                    bar.set_position(index.saturating_sub(1) as u64);
                    bar.set_message(format!("{revision} {message}"));
                }
            }
            Progress::Finished {
                revision,
                duration,
                index,
                total,
            } => {
                let running = self
                    .running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take();
                let message = match &running {
                    Some((r, m)) if r == revision => m.as_str(),
                    _ => "",
                };
                match d.mode {
                    Mode::Bar => d.counted(total).set_position(index as u64),
                    _ => d.line(finished_line(index, total, revision, message, duration)),
                }
            }
            Progress::Skipped { revision } => {
                d.line(format!("{revision}: already handled by another migrator"))
            }
            Progress::Notice { revision, message } => d.line(format!("{revision}: {message}")),
            // Events added later are not shown until the CLI learns them.
            _ => {}
        }
    }
}

/// Progress of introspection (`revision --autogenerate`, `check`, `diff`):
/// on a terminal a spinner while the catalog is read and a bar for a schema
/// of more than [`BAR_MIN_TABLES`] tables; otherwise one line with the
/// count once every table is read. Dropping it clears the bar.
pub struct TableProgress {
    inner: Arc<TableInner>,
}

struct TableInner {
    display: Display,
    started: Instant,
}

impl TableProgress {
    /// Starts timing (and, on a terminal, the spinner) now, before the
    /// catalog queries.
    pub fn start(out: &Output) -> TableProgress {
        TableProgress::from_display(Display::new(Mode::of(out), out))
    }

    fn from_display(display: Display) -> TableProgress {
        if display.mode == Mode::Bar {
            display.bar().set_message("reading the database schema");
        }
        TableProgress {
            inner: Arc::new(TableInner {
                display,
                started: Instant::now(),
            }),
        }
    }

    /// The callback for `IntrospectOptions::on_table`.
    pub fn hook(&self) -> OnTable {
        let inner = Arc::clone(&self.inner);
        OnTable::new(move |p| inner.event(p))
    }

    /// Clears the bar; call before printing the comparison.
    pub fn finish(&self) {
        self.inner.display.finish();
    }
}

impl Drop for TableProgress {
    fn drop(&mut self) {
        self.finish();
    }
}

impl TableInner {
    fn event(&self, p: IntrospectProgress) {
        let d = &self.display;
        match d.mode {
            Mode::Bar if p.total > BAR_MIN_TABLES => {
                let bar = d.counted(p.total);
                bar.set_position(p.done as u64);
                bar.set_message("tables read");
            }
            Mode::Lines if p.done == p.total => d.line(format!(
                "read {} table{} in {} ms",
                p.total,
                if p.total == 1 { "" } else { "s" },
                self.started.elapsed().as_millis()
            )),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_follows_tty_format_and_quiet() {
        use Format::{Json, Text};
        assert_eq!(Mode::choose(true, Text, false), Mode::Bar);
        assert_eq!(Mode::choose(false, Text, false), Mode::Lines);
        assert_eq!(Mode::choose(true, Json, false), Mode::Lines);
        assert_eq!(Mode::choose(false, Json, false), Mode::Lines);
        for (tty, format) in [(true, Text), (false, Text), (true, Json), (false, Json)] {
            assert_eq!(Mode::choose(tty, format, true), Mode::Silent);
        }
    }

    /// A display whose lines are collected and whose bar draws nowhere.
    fn capture(mode: Mode) -> (Display, Arc<Mutex<Vec<String>>>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let emit: Emit = Arc::new(move |s| sink.lock().unwrap().push(s));
        (Display::with(mode, emit, ProgressDrawTarget::hidden), lines)
    }

    fn run_two(handler: &dyn Fn(&Progress<'_>)) {
        handler(&Progress::WaitingForLock {
            holder: Some("pid 7"),
        });
        for (index, (rev, msg)) in [("aaa1", "create users"), ("bbb2", "add email")]
            .into_iter()
            .enumerate()
        {
            handler(&Progress::Started {
                revision: rev,
                message: msg,
                index: index + 1,
                total: 2,
            });
            handler(&Progress::Finished {
                revision: rev,
                duration: Duration::from_millis(5),
                index: index + 1,
                total: 2,
            });
        }
        handler(&Progress::Skipped { revision: "ccc3" });
    }

    #[test]
    fn lines_name_each_finished_migration() {
        let (display, lines) = capture(Mode::Lines);
        let p = MigrationProgress::from_display(display);
        run_two(&p.handler());
        assert_eq!(
            *lines.lock().unwrap(),
            [
                "waiting for the migration lock (held by pid 7)",
                "[1/2] aaa1 create users ... done in 5 ms",
                "[2/2] bbb2 add email ... done in 5 ms",
                "ccc3: already handled by another migrator",
            ]
        );
        assert!(p.inner.display.slot().is_none(), "no bar in Lines mode");
    }

    #[test]
    fn silent_prints_nothing() {
        let (display, lines) = capture(Mode::Silent);
        let p = MigrationProgress::from_display(display);
        run_two(&p.handler());
        assert!(lines.lock().unwrap().is_empty());
        assert!(p.inner.display.slot().is_none());
    }

    #[test]
    fn the_bar_counts_migrations_and_clears() {
        let (display, lines) = capture(Mode::Bar);
        let p = MigrationProgress::from_display(display);
        let handler = p.handler();
        handler(&Progress::WaitingForLock { holder: None });
        let bar = p
            .inner
            .display
            .slot()
            .clone()
            .expect("a spinner while waiting");
        assert_eq!(bar.length(), None);
        assert_eq!(bar.message(), "waiting for the migration lock");
        handler(&Progress::Started {
            revision: "aaa1",
            message: "create users",
            index: 1,
            total: 3,
        });
        assert_eq!((bar.position(), bar.length()), (0, Some(3)));
        assert_eq!(bar.message(), "aaa1 create users");
        handler(&Progress::Finished {
            revision: "aaa1",
            duration: Duration::from_millis(5),
            index: 1,
            total: 3,
        });
        assert_eq!(bar.position(), 1);
        // Finished steps are the bar's business, not extra lines; a skip is
        // worth keeping on screen.
        assert!(lines.lock().unwrap().is_empty());
        handler(&Progress::Skipped { revision: "bbb2" });
        assert_eq!(lines.lock().unwrap().len(), 1);
        p.finish();
        assert!(bar.is_finished());
        assert!(p.inner.display.slot().is_none());
    }

    #[test]
    fn introspection_draws_a_bar_only_for_many_tables() {
        let (display, _) = capture(Mode::Bar);
        let p = TableProgress::from_display(display);
        let hook = p.hook();
        let spinner = p
            .inner
            .display
            .slot()
            .clone()
            .expect("a spinner from the start");
        for done in 1..=3 {
            hook.call(IntrospectProgress { done, total: 3 });
        }
        assert_eq!(spinner.length(), None, "3 tables: still the spinner");

        let (display, _) = capture(Mode::Bar);
        let p = TableProgress::from_display(display);
        let hook = p.hook();
        let total = BAR_MIN_TABLES + 1;
        hook.call(IntrospectProgress { done: 1, total });
        let bar = p.inner.display.slot().clone().unwrap();
        assert_eq!((bar.position(), bar.length()), (1, Some(total as u64)));
        hook.call(IntrospectProgress { done: total, total });
        assert_eq!(bar.position(), total as u64);
        drop(p);
        assert!(bar.is_finished(), "dropping the progress clears the bar");
    }

    #[test]
    fn introspection_lines_say_the_count_once() {
        let (display, lines) = capture(Mode::Lines);
        let p = TableProgress::from_display(display);
        let hook = p.hook();
        for done in 1..=3 {
            hook.call(IntrospectProgress { done, total: 3 });
        }
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("read 3 tables in "), "{lines:?}");

        let (display, lines) = capture(Mode::Silent);
        let p = TableProgress::from_display(display);
        p.hook().call(IntrospectProgress { done: 1, total: 1 });
        assert!(lines.lock().unwrap().is_empty());
    }
}
