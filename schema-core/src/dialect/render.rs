//! Rendering [`Op`]s to an up and a down migration: the driver shared by
//! all dialects. The statements of each operation come from the dialect
//! object ([`Dialect`]'s `render_op`); shared clause builders live in
//! `clauses.rs`. A dialect may place a lock-safe form's statements in a
//! migration of their own before or after the main one (a [`Phase`]); the
//! driver collects them there, and puts each operation's inverse in the
//! down section of the same migration, so a downgrade undoes them in the
//! reverse order.

use super::clauses::{Line, Phase};
use super::Dialect;
use crate::ops::Op;
use crate::renames;

/// An up and a down migration rendered from a list of operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderedMigration {
    /// SQL for `-- migrate:up`: the operations in order, each statement
    /// ending in `;` on its own line(s), destructive ones preceded by a
    /// `-- WARNING: ...` line.
    pub up: String,
    /// SQL for `-- migrate:down`: the inverse operations in reverse order.
    pub down: String,
    /// One line per operation, in words (a SQLite table rebuild contributes
    /// one line per change it makes).
    pub summary: Vec<String>,
    /// The warnings of the up section (also embedded as `-- WARNING:` lines).
    pub warnings: Vec<String>,
    /// Statements to run outside a transaction just before `up`, as a
    /// migration of their own (PostgreSQL: `DROP INDEX CONCURRENTLY` while
    /// the index's columns still exist). `None` when there are none.
    pub before: Option<SeparateMigration>,
    /// Statements to run outside a transaction just after `up`, as a
    /// migration of their own (PostgreSQL: `CREATE INDEX CONCURRENTLY`,
    /// `VALIDATE CONSTRAINT`, `SET NOT NULL` through a validated check).
    /// `None` when there are none.
    pub after: Option<SeparateMigration>,
}

/// The part of a rendered change that runs as a `transaction: false`
/// migration of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeparateMigration {
    /// Its up SQL.
    pub up: String,
    /// Its down SQL: the inverses of its operations, in reverse order.
    pub down: String,
    /// The operations it carries (part of), in words.
    pub summary: Vec<String>,
}

impl RenderedMigration {
    /// The main up section and the separate migrations' up sections, in
    /// the order they run.
    pub fn all_up(&self) -> String {
        let mut parts = Vec::new();
        if let Some(b) = &self.before {
            parts.push(b.up.trim());
        }
        parts.push(self.up.trim());
        if let Some(a) = &self.after {
            parts.push(a.up.trim());
        }
        parts.retain(|p| !p.is_empty());
        parts.join("\n")
    }
}

/// How autogenerate renders: the settings a project can turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Lock-safe forms where the dialect has them (MySQL/MariaDB:
    /// `ALGORITHM=INPLACE, LOCK=NONE`; PostgreSQL: concurrent index builds
    /// and validated constraints in migrations of their own); `online =
    /// false` in the config turns them off. Changes to a table the same
    /// migration creates are always written plainly (it is empty).
    pub online: bool,
    /// Whether statements may go to separate migrations before and after
    /// the main one ([`RenderedMigration::before`] / `after`), as
    /// autogenerate writes them. Without (the default: one migration), a
    /// dialect writes what it can inside the main migration.
    pub separate: bool,
    /// The version of the server the migration is written for, when known
    /// (read from the live database by autogenerate). A lock-safe form the
    /// server is too old for is then written plainly, under a WARNING
    /// naming the version; `None` (offline rendering) assumes a current
    /// server.
    pub server_version: Option<ServerVersion>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            online: true,
            separate: false,
            server_version: None,
        }
    }
}

/// A database server's version: its major and minor number (PostgreSQL
/// `15.4`, MariaDB `10.11`, SQLite `3.45`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServerVersion {
    /// The major number.
    pub major: u32,
    /// The minor number (0 when the server reports none).
    pub minor: u32,
}

impl ServerVersion {
    /// The version at the start of a server's version text: `15.4 (Debian
    /// 15.4-1.pgdg120+1)`, `11.22`, `10.11.6-MariaDB-0+deb12u1`, `3.45.1`,
    /// `16beta2`. `None` when the text does not start with a number.
    pub fn parse(text: &str) -> Option<ServerVersion> {
        let number = |s: &str| -> Option<(u32, usize)> {
            let len = s.bytes().take_while(u8::is_ascii_digit).count();
            s[..len].parse().ok().map(|n| (n, len))
        };
        let text = text.trim();
        let (major, len) = number(text)?;
        let minor = text[len..]
            .strip_prefix('.')
            .and_then(number)
            .map_or(0, |(n, _)| n);
        Some(ServerVersion { major, minor })
    }
}

impl std::fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The three places a rendered line can go.
#[derive(Default)]
struct Sections {
    before: String,
    main: String,
    after: String,
}

impl Sections {
    fn of(&mut self, phase: Phase) -> &mut String {
        match phase {
            Phase::Before => &mut self.before,
            Phase::Main => &mut self.main,
            Phase::After => &mut self.after,
        }
    }
}

pub(super) fn render_migration(
    d: Dialect,
    ops: &[Op],
    options: RenderOptions,
) -> RenderedMigration {
    // A table created here is new and empty: nothing to keep writable.
    let new_tables = crate::ops::created_tables(ops);
    let options_for = |op: &Op| {
        let mut o = options;
        if new_tables.contains(op.table()) {
            o.online = false;
        }
        if !o.online {
            o.separate = false;
        }
        o
    };
    let mut warnings = Vec::new();
    let mut up = Sections::default();
    let mut phases = Vec::with_capacity(ops.len());
    let mut summary = Vec::new();
    let mut before_summary = Vec::new();
    let mut after_summary = Vec::new();
    // The operation each inverse is rendered from (see below).
    let mut undone = Vec::with_capacity(ops.len());
    for (i, op) in ops.iter().enumerate() {
        let opts = options_for(op);
        let main = up.of(Phase::Main);
        for w in op.warnings() {
            main.push_str(&format!("-- WARNING: {w}\n"));
            warnings.push(w);
        }
        let mut lines = d.imp().render_op(op, opts);
        let mut inverse_of = op.clone();
        if lines.iter().any(|l| l.phase() == Phase::Before) {
            // It runs ahead of this migration's renames, and its inverse
            // after a downgrade has undone them: both in the old names.
            inverse_of = renames::before(op, &ops[..i]);
            lines = d.imp().render_op(&inverse_of, opts);
        }
        let mut phase = Phase::Main;
        for line in lines {
            let (p, line) = line.split();
            if p != Phase::Main {
                phase = p;
            }
            push_line(up.of(p), line, &mut warnings);
        }
        phases.push(phase);
        let described: Vec<String> = match &inverse_of {
            Op::RebuildTable { changes, .. } => changes
                .iter()
                .map(|c| format!("{} (table rebuild)", c.describe()))
                .collect(),
            _ => vec![op.describe()],
        };
        match phase {
            Phase::Before => before_summary.extend(described.iter().cloned()),
            Phase::After => after_summary.extend(described.iter().cloned()),
            Phase::Main => {}
        }
        summary.extend(described);
        undone.push(inverse_of);
    }
    // Each inverse goes to the down section of the migration its operation
    // ran in; the main migration's down runs in a transaction, so there an
    // inverse takes its plain form.
    let mut down = Sections::default();
    for ((op, phase), inverse_of) in ops.iter().zip(&phases).zip(&undone).rev() {
        let inverse = inverse_of.inverse();
        let mut opts = options_for(op);
        if *phase == Phase::Main {
            opts.separate = false;
        }
        for w in inverse.warnings() {
            down.of(*phase).push_str(&format!("-- WARNING: {w}\n"));
        }
        for line in d.imp().render_op(&inverse, opts) {
            let (_, line) = line.split();
            push_line(down.of(*phase), line, &mut Vec::new());
        }
    }
    let separate = |up: String, down: String, summary: Vec<String>| {
        (!up.trim().is_empty()).then_some(SeparateMigration { up, down, summary })
    };
    RenderedMigration {
        up: up.main,
        down: down.main,
        summary,
        warnings,
        before: separate(up.before, down.before, before_summary),
        after: separate(up.after, down.after, after_summary),
    }
}

fn push_line(out: &mut String, line: Line, warnings: &mut Vec<String>) {
    match line {
        Line::Warning(w) => {
            out.push_str(&format!("-- WARNING: {w}\n"));
            warnings.push(w);
        }
        Line::Comment(c) => {
            if c.starts_with("ERROR:") {
                warnings.push(c.clone());
            }
            out.push_str(&format!("-- {c}\n"));
        }
        Line::Stmt(s) => {
            out.push_str(&s);
            out.push_str(";\n");
        }
        Line::In(_, line) => push_line(out, *line, warnings),
    }
}

#[cfg(test)]
mod tests {
    use super::ServerVersion;

    #[test]
    fn server_versions_are_read_from_the_start_of_the_servers_text() {
        let v = |major, minor| Some(ServerVersion { major, minor });
        for (text, expected) in [
            ("15.4 (Debian 15.4-1.pgdg120+1)", v(15, 4)),
            ("11.22", v(11, 22)),
            ("10.11.6-MariaDB-0+deb12u1", v(10, 11)),
            ("3.45.1", v(3, 45)),
            ("16beta2", v(16, 0)),
            ("devel", None),
            ("", None),
        ] {
            assert_eq!(ServerVersion::parse(text), expected, "{text}");
        }
        assert_eq!(
            ServerVersion {
                major: 11,
                minor: 22
            }
            .to_string(),
            "11.22"
        );
    }
}
