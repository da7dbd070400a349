//! Migration files, the statement splitter and the revision graph.
//!
//! Everything here is pure: callers read files and hand in their text (with
//! the path as `origin`, used only in error messages), and receive parsed
//! files, statements, plans and sets of revision ids back.
//!
//! - [`MigrationFile`]: the single-file `.sql` format (header, `-- migrate:up`,
//!   `-- migrate:down`), parsed and rendered losslessly.
//! - [`split_statements`]: splits a section into statements, each with the
//!   line it starts on, over the SQL lexer ([`crate::sql::lexer`]).
//! - [`RevisionGraph`]: the DAG of revisions, target resolution (`head`,
//!   `base`, prefixes, `label@head`, `+N`, `-N`, `REV+N`, ...) and upgrade,
//!   downgrade and stamp plans over a set of applied revisions.
//! - [`checksum()`]: the SHA-256 recorded for each applied revision.
//! - [`migration_files`]: which entries of a migrations directory are
//!   migration files, in the order they are read (the callers do the I/O).

mod checksum;
mod file;
mod graph;
mod listing;
mod split;

pub use checksum::{checksum, normalize_section};
pub use file::{
    file_name, format_duration, is_revision_id, new_revision_id, parse_duration, slug, DialectSql,
    HeaderLines, MigrationFile, DEFAULT_FILE_TEMPLATE, HEADER_KEYS,
};
pub use graph::{Revision, RevisionGraph};
pub use listing::{is_migration_file_name, migration_files, MIGRATION_FILE_EXTENSION};
pub use split::{split_statements, split_statements_with, SplitOptions, Statement};

use std::fmt;

/// The table that records applied revisions unless configured otherwise.
pub const DEFAULT_VERSION_TABLE: &str = "schema_revisions";

/// Where something sits in a migration file: the file (as the caller named
/// it) and, when known, the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as passed to [`MigrationFile::parse`] or [`RevisionGraph::new`].
    pub origin: String,
    /// 1-based line number, when the problem sits on one line.
    pub line: Option<usize>,
}

impl Location {
    /// A location on one line of `origin`.
    pub fn line(origin: &str, line: usize) -> Self {
        Location {
            origin: origin.to_string(),
            line: Some(line),
        }
    }

    /// A location naming the whole file.
    pub fn file(origin: &str) -> Self {
        Location {
            origin: origin.to_string(),
            line: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.origin, line),
            None => f.write_str(&self.origin),
        }
    }
}

/// Renders ` (did you mean `x`?)` or nothing.
fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

/// Every error of migration files, the graph and target resolution.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    /// A header line `-- key: value` whose key is not one of [`HEADER_KEYS`].
    #[error("{at}: unknown header key `{key}`{}", did_you_mean(.suggestion))]
    UnknownHeaderKey {
        /// Where.
        at: Location,
        /// The key as written.
        key: String,
        /// The closest known key, if one is close.
        suggestion: Option<String>,
    },
    /// A line in the header block that is not `-- key: value`.
    #[error("{at}: expected a header line `-- key: value`, found `{text}` (put free comments after a blank line)")]
    MalformedHeaderLine {
        /// Where.
        at: Location,
        /// The line as written.
        text: String,
    },
    /// The same header key twice.
    #[error("{at}: header key `{key}` given twice (first on line {first_line})")]
    DuplicateHeaderKey {
        /// Where (the second occurrence).
        at: Location,
        /// The key.
        key: String,
        /// Line of the first occurrence.
        first_line: usize,
    },
    /// A `-- key: value` line with a header key after the header block,
    /// where it would silently be a comment.
    #[error("{at}: header key `{key}` after the header block; header lines must be together at the top of the file, before the first blank line")]
    HeaderKeyOutsideHeader {
        /// Where.
        at: Location,
        /// The key.
        key: String,
    },
    /// No `revision:` header.
    #[error("{at}: missing header `-- revision: <12 hex chars>`")]
    MissingRevision {
        /// The file.
        at: Location,
    },
    /// A revision id (in `revision`, `down_revision`) that is not 12 lowercase hex chars.
    #[error("{at}: `{key}`: `{value}` is not a revision id (12 lowercase hex characters, e.g. `5ec6405addd0`)")]
    InvalidRevisionId {
        /// Where.
        at: Location,
        /// The header key.
        key: String,
        /// The offending value.
        value: String,
    },
    /// A `created` value that is not an RFC 3339 timestamp.
    #[error(
        "{at}: `created`: `{value}` is not an RFC 3339 timestamp (e.g. `2026-11-23T18:07:42Z`)"
    )]
    InvalidCreated {
        /// Where.
        at: Location,
        /// The offending value.
        value: String,
    },
    /// A yes/no header key with a value other than `true`/`false`.
    #[error("{at}: `{key}`: expected `true` or `false`, found `{value}`")]
    InvalidFlag {
        /// Where.
        at: Location,
        /// The key.
        key: &'static str,
        /// The offending value.
        value: String,
    },
    /// A time-limit header key whose value is not a duration.
    #[error(
        "{at}: `{key}`: expected a duration such as `5s`, `500ms`, `2min` or `1h`, found `{value}`"
    )]
    InvalidDuration {
        /// Where.
        at: Location,
        /// The key.
        key: &'static str,
        /// The offending value.
        value: String,
    },
    /// A `transaction` value other than `true`/`false`.
    #[error("{at}: `transaction`: expected `true` or `false`, found `{value}`")]
    InvalidTransaction {
        /// Where.
        at: Location,
        /// The offending value.
        value: String,
    },
    /// A branch label that is not an identifier or is a reserved word.
    #[error("{at}: branch label `{label}`: {reason}")]
    InvalidBranchLabel {
        /// Where.
        at: Location,
        /// The label.
        label: String,
        /// Why it is refused.
        reason: String,
    },
    /// The same id twice in one comma list (`down_revision`, `depends_on`, `branch_labels`).
    #[error("{at}: `{key}` lists `{value}` twice")]
    DuplicateListEntry {
        /// Where.
        at: Location,
        /// The header key.
        key: String,
        /// The repeated value.
        value: String,
    },
    /// A `-- migrate:up` or `-- migrate:down` marker is missing (`section`
    /// may name a dialect: `up postgres`).
    #[error("{at}: missing `-- migrate:{section}` section")]
    MissingSection {
        /// The file.
        at: Location,
        /// `up` or `down`, with the dialect of a qualified section.
        section: String,
    },
    /// A section marker given twice.
    #[error("{at}: second `-- migrate:{section}` marker (first on line {first_line})")]
    DuplicateSection {
        /// Where (the second marker).
        at: Location,
        /// `up` or `down`, with the dialect of a qualified section.
        section: String,
        /// Line of the first marker.
        first_line: usize,
    },
    /// `-- migrate:down` before `-- migrate:up` (of the same dialect).
    #[error(
        "{at}: `-- migrate:{down}` comes before `-- migrate:{up}`; the up section must come first"
    )]
    SectionOrder {
        /// Where (the down marker).
        at: Location,
        /// The up marker's words (`up`, `up postgres`).
        up: String,
        /// The down marker's words.
        down: String,
    },
    /// `-- migrate:up <dialect>` with a dialect name we do not know.
    #[error("{at}: `-- migrate:{section} {name}`: unknown dialect `{name}`; a section is for one of sqlite, postgres, mysql (or, unqualified, for every dialect)")]
    UnknownSectionDialect {
        /// Where (the marker).
        at: Location,
        /// `up` or `down`.
        section: &'static str,
        /// What followed it.
        name: String,
    },
    /// SQL in the `-- migrate:state` section, which holds comments only.
    #[error("{at}: the `-- migrate:state` section holds `--` comment lines only, found `{text}`")]
    SqlInState {
        /// Where.
        at: Location,
        /// The line.
        text: String,
    },
    /// A file with per-dialect sections only, none for the database at hand.
    #[error("{at}: this migration has SQL for {} only, not for {dialect}; add `-- migrate:up {dialect}` and `-- migrate:down {dialect}` sections, or unqualified `-- migrate:up` / `-- migrate:down` ones that serve every dialect", .has.iter().map(|d| d.name()).collect::<Vec<_>>().join(", "))]
    NoSectionFor {
        /// The file.
        at: Location,
        /// The dialect that has none.
        dialect: crate::dialect::Dialect,
        /// The dialects the file has sections for.
        has: Vec<crate::dialect::Dialect>,
    },
    /// SQL between the header and the first section marker.
    #[error("{at}: SQL before the first `-- migrate:up` section (only `--` comments may appear there): `{text}`")]
    SqlOutsideSection {
        /// Where.
        at: Location,
        /// The line.
        text: String,
    },
    /// Two files define the same revision id.
    #[error("revision `{revision}` is defined twice: in {first} and in {second}")]
    DuplicateRevision {
        /// The id.
        revision: String,
        /// The first file.
        first: Location,
        /// The second file.
        second: Location,
    },
    /// A `down_revision` naming a revision no file defines.
    #[error("{at}: down_revision `{missing}` of revision `{revision}` is not defined by any migration file")]
    UnknownDownRevision {
        /// Where.
        at: Location,
        /// The revision whose header names it.
        revision: String,
        /// The missing id.
        missing: String,
    },
    /// A `depends_on` naming neither a revision nor a branch label.
    #[error("{at}: depends_on `{missing}` of revision `{revision}` is neither a revision id nor a branch label of any migration file")]
    UnknownDependency {
        /// Where.
        at: Location,
        /// The revision whose header names it.
        revision: String,
        /// The missing id or label.
        missing: String,
    },
    /// The graph has a cycle.
    #[error("revision cycle: {} -> back to {}", .revisions.iter().map(|(r, at)| format!("{r} ({at})")).collect::<Vec<_>>().join(" -> "), .revisions.first().map(|(r, _)| r.as_str()).unwrap_or(""))]
    Cycle {
        /// The revisions on the cycle, each followed by its down revision, with their files.
        revisions: Vec<(String, Location)>,
    },
    /// A branch label used by two revisions.
    #[error("branch label `{label}` is used twice: in {first} and in {second}")]
    DuplicateBranchLabel {
        /// The label.
        label: String,
        /// The first file.
        first: Location,
        /// The second file.
        second: Location,
    },
    /// A branch label equal to a revision id.
    #[error("{at}: branch label `{label}` is also a revision id")]
    LabelIsRevision {
        /// Where.
        at: Location,
        /// The label.
        label: String,
    },
    /// `head` with several heads.
    #[error("`{target}` is ambiguous: there are {} heads ({}); use `heads`, name one head, or join them with `cargo schema merge -m MSG heads`", .heads.len(), .heads.join(", "))]
    MultipleHeads {
        /// The target as given.
        target: String,
        /// The heads.
        heads: Vec<String>,
    },
    /// A target naming no revision or label.
    #[error("unknown revision `{target}`")]
    UnknownRevision {
        /// The target as given.
        target: String,
    },
    /// A prefix matching several revisions.
    #[error("revision prefix `{prefix}` is ambiguous; it matches {}", .candidates.join(", "))]
    AmbiguousPrefix {
        /// The prefix.
        prefix: String,
        /// Every revision it matches.
        candidates: Vec<String>,
    },
    /// A prefix shorter than 4 characters.
    #[error("revision prefix `{prefix}` is too short; give at least 4 characters")]
    PrefixTooShort {
        /// The prefix.
        prefix: String,
    },
    /// A target that cannot be parsed or used here.
    #[error("invalid target `{target}`: {reason}")]
    InvalidTarget {
        /// The target as given.
        target: String,
        /// Why.
        reason: String,
    },
    /// A relative target reaching past the ends of the graph.
    #[error(
        "relative target `{target}` needs {wanted} revision(s) but only {available} are available"
    )]
    RelativeOutOfRange {
        /// The target as given.
        target: String,
        /// N.
        wanted: usize,
        /// How many steps were possible.
        available: usize,
    },
    /// A file template with an unknown `{placeholder}`.
    #[error("file template `{template}`: {reason}")]
    InvalidFileTemplate {
        /// The template.
        template: String,
        /// What is wrong.
        reason: String,
    },
    /// The operating system's random number generator failed.
    #[error("cannot generate a revision id: the system random number generator failed: {0}")]
    Random(String),
}
