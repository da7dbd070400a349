//! Printing: results to stdout, diagnostics to stderr, JSON for machines,
//! colour only on a terminal or when asked.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use crate::cli::{ColorChoice, Format, GlobalOpts};

/// Where and how a command prints.
#[derive(Debug, Clone)]
pub struct Output {
    /// `--format`
    pub format: Format,
    /// `-q`
    pub quiet: bool,
    /// `-v`
    pub verbose: bool,
    color: bool,
}

impl Output {
    /// From the global flags.
    pub fn new(global: &GlobalOpts) -> Self {
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Output {
            format: global.format,
            quiet: global.quiet,
            verbose: global.verbose,
            color,
        }
    }

    /// Whether output is JSON.
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// A result line on stdout (text mode only; suppressed by `-q`).
    pub fn line(&self, s: impl AsRef<str>) {
        if !self.quiet && !self.json() {
            write_out(s.as_ref());
        }
    }

    /// A result line on stdout even under `-q` (text mode only): the answer
    /// the command was asked for.
    pub fn answer(&self, s: impl AsRef<str>) {
        if !self.json() {
            write_out(s.as_ref());
        }
    }

    /// A JSON document on stdout (JSON mode only).
    pub fn json_value(&self, v: &serde_json::Value) {
        if self.json() {
            let text = serde_json::to_string_pretty(v).expect("JSON values always serialise");
            write_out(&text);
        }
    }

    /// A note on stderr (suppressed by `-q`).
    pub fn note(&self, s: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(io::stderr(), "{}", s.as_ref());
        }
    }

    /// A warning on stderr, never suppressed.
    pub fn warn(&self, s: impl AsRef<str>) {
        let label = self.paint("warning:", "33");
        let _ = writeln!(io::stderr(), "{label} {}", s.as_ref());
    }

    /// An error on stderr.
    pub fn error(&self, s: impl AsRef<str>) {
        let label = self.paint("error:", "31");
        let _ = writeln!(io::stderr(), "{label} {}", s.as_ref());
    }

    /// Wraps `s` in an ANSI colour when colour is on.
    pub fn paint(&self, s: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not a failure.
fn write_out(s: &str) {
    let mut out = io::stdout().lock();
    if writeln!(out, "{s}").is_err() {
        std::process::exit(0);
    }
}

/// A path for messages: relative to the current directory when it is below
/// it, so file names stay short; as given otherwise.
pub fn display_path(path: &Path) -> String {
    if let Ok(cwd) = std::env::current_dir() {
        if let Ok(rel) = path.strip_prefix(&cwd) {
            return rel.display().to_string();
        }
    }
    path.display().to_string()
}
