//! `cargo schema lint`: statements of a migration that block writes on a
//! large table, or break an application that is still running, with the
//! safe form for each. The rules follow squawk's and strong_migrations';
//! which of them apply is each dialect's fact ([`Dialect::lint_rules`]).
//!
//! Only the up section is read (the down section runs when something has
//! already gone wrong). A table the same migration creates is new and
//! empty, so index, constraint and drop rules leave it alone. A rule is
//! accepted deliberately with a `-- lint: allow RULE[, RULE]` comment
//! anywhere in the file.

use std::collections::BTreeSet;

use crate::dialect::Dialect;
use crate::migration::{split_statements_with, MigrationFile, SplitOptions};
use crate::sql::{Brackets, LexOptions, Lexer, TokenKind};

/// One rule: its id, why it matters, and the safe form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The id a `-- lint: allow` comment names.
    pub id: &'static str,
    /// Why the statement blocks writes (or breaks a running app).
    pub why: &'static str,
    /// What to write instead.
    pub fix: &'static str,
}

/// Every rule, in the order findings are reported within a statement.
pub const RULES: &[Rule] = &[
    Rule {
        id: "require-concurrent-index-creation",
        why: "CREATE INDEX holds a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE waits",
        fix: "CREATE INDEX CONCURRENTLY, in a migration with `-- transaction: false`",
    },
    Rule {
        id: "require-concurrent-index-deletion",
        why: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait",
        fix: "DROP INDEX CONCURRENTLY, in a migration with `-- transaction: false`",
    },
    Rule {
        id: "concurrently-in-transaction",
        why: "CONCURRENTLY cannot run inside a transaction block: the migration fails",
        fix: "put it in a migration of its own with `-- transaction: false`",
    },
    Rule {
        id: "constraint-missing-not-valid",
        why: "adding a foreign key or check scans the whole table under a lock that blocks writes (a foreign key locks the referenced table too)",
        fix: "ADD CONSTRAINT ... NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT ... in a later migration (validation does not block writes)",
    },
    Rule {
        id: "set-not-null",
        why: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
        fix: "ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT ...; then SET NOT NULL (it uses the validated check and skips the scan) and drop the check",
    },
    Rule {
        id: "adding-volatile-default",
        why: "a column added with a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval()) rewrites the whole table under an ACCESS EXCLUSIVE lock",
        fix: "add the column without the default (or with a constant one), set the default, and backfill existing rows in batches",
    },
    Rule {
        id: "changing-column-type",
        why: "changing a column's type usually rewrites the table (and its indexes) under a lock that blocks writes",
        fix: "expand and contract: add a column of the new type, backfill it in batches, switch the application, then drop the old column",
    },
    Rule {
        id: "renaming-column",
        why: "a running application still uses the old name and fails until it is redeployed",
        fix: "add the new column, write both, backfill, switch reads, then drop the old one (or rename behind a view)",
    },
    Rule {
        id: "renaming-table",
        why: "a running application still uses the old name and fails until it is redeployed",
        fix: "create the new table (or a view under the new name), switch the application, then drop the old name",
    },
    Rule {
        id: "ban-drop-column",
        why: "the running application may still read or write the column; its data is gone for good",
        fix: "stop using the column in the application first (deploy), then drop it in a later migration",
    },
    Rule {
        id: "ban-drop-table",
        why: "the running application may still use the table; its data is gone for good",
        fix: "stop using the table in the application first (deploy), then drop it in a later migration",
    },
    Rule {
        id: "prefer-bigint-over-int",
        why: "a 32-bit key runs out at 2,147,483,647 rows, and widening it later rewrites the table and every foreign key to it",
        fix: "BIGINT (an i64 field) for primary keys",
    },
    Rule {
        id: "require-lock-timeout",
        why: "a DDL statement queued behind a long transaction makes every later query on the table queue behind it",
        fix: "a `-- lock_timeout: 5s` header (or `statement_timeout` in the config) so the migration fails fast and can be retried",
    },
    Rule {
        id: "require-online-algorithm",
        why: "without ALGORITHM the server may copy the whole table while blocking writes, silently",
        fix: "ALTER TABLE ... , ALGORITHM=INSTANT (or ALGORITHM=INPLACE, LOCK=NONE): the server then refuses at once where it cannot do the change online",
    },
];

/// The rule called `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: &'static Rule,
    /// 1-based line of the statement in the file.
    pub line: usize,
    /// The statement's first line.
    pub statement: String,
}

/// What the linter knows beyond the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LintOptions {
    /// A lock or statement timeout is set for every migration (config or
    /// command line).
    pub timeout_configured: bool,
}

/// One statement as words: unquoted words upper-cased, quoted
/// identifiers by their value, punctuation as written, no comments.
struct Words {
    words: Vec<String>,
}

impl Words {
    fn new(sql: &str, dialect: Dialect) -> Words {
        let options = LexOptions {
            backslash_escapes: dialect.backslash_escapes(),
            double_quoted_strings: false,
            brackets: Brackets::Punct,
        };
        let words = Lexer::new(sql, 1, options)
            .filter(|t| !t.is_comment())
            .map(|t| match t.kind {
                TokenKind::Word => t.text.to_ascii_uppercase(),
                TokenKind::QuotedIdent => t.value(false),
                _ => t.text.to_string(),
            })
            .collect();
        Words { words }
    }

    fn starts(&self, seq: &[&str]) -> bool {
        self.words.len() >= seq.len() && self.words.iter().zip(seq).all(|(w, s)| w == s)
    }

    fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }

    /// The table name of `ALTER TABLE [IF EXISTS] [ONLY] name` / `CREATE
    /// TABLE [IF NOT EXISTS] name` / `DROP TABLE [IF EXISTS] name`,
    /// unqualified, as written (quoted names by value).
    fn table_after(&self, start: usize) -> Option<String> {
        let mut i = start;
        while let Some(w) = self.words.get(i) {
            if matches!(w.as_str(), "IF" | "NOT" | "EXISTS" | "ONLY") {
                i += 1;
                continue;
            }
            // `schema.table`: the last part.
            let mut name = w.clone();
            while self.words.get(i + 1).map(String::as_str) == Some(".") {
                i += 2;
                if let Some(n) = self.words.get(i) {
                    name = n.clone();
                }
            }
            return Some(name.to_ascii_lowercase());
        }
        None
    }

    /// The words after position `start`, split at top-level commas.
    fn actions(&self, start: usize) -> Vec<&[String]> {
        let mut out = Vec::new();
        let mut depth = 0i32;
        let mut begin = start;
        for (i, w) in self.words.iter().enumerate().skip(start) {
            match w.as_str() {
                "(" => depth += 1,
                ")" => depth -= 1,
                "," if depth == 0 => {
                    out.push(&self.words[begin..i]);
                    begin = i + 1;
                }
                _ => {}
            }
        }
        if begin < self.words.len() {
            out.push(&self.words[begin..]);
        }
        out
    }
}

/// The name of the index a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT
/// EXISTS] name ...` statement builds, as the catalog holds it (an
/// unquoted name folded to lower case), unqualified; `None` for any other
/// statement. A failed concurrent build leaves an INVALID index of that
/// name behind, which the migrator looks for before the statement runs.
pub fn concurrent_index_build(sql: &str, dialect: Dialect) -> Option<String> {
    let options = LexOptions {
        backslash_escapes: dialect.backslash_escapes(),
        double_quoted_strings: false,
        brackets: Brackets::Punct,
    };
    let tokens: Vec<_> = Lexer::new(sql, 1, options)
        .filter(|t| !t.is_comment())
        .collect();
    let mut i = 0;
    let mut expect = |words: &[&str], optional: bool| -> bool {
        let matched = words
            .iter()
            .enumerate()
            .all(|(k, w)| tokens.get(i + k).is_some_and(|t| t.is_word(w)));
        if matched {
            i += words.len();
        }
        matched || optional
    };
    if !(expect(&["CREATE"], false)
        && expect(&["UNIQUE"], true)
        && expect(&["INDEX", "CONCURRENTLY"], false)
        && expect(&["IF", "NOT", "EXISTS"], true))
    {
        return None;
    }
    let mut name = None;
    while let Some(t) = tokens.get(i) {
        let value = match t.kind {
            TokenKind::QuotedIdent => t.value(false),
            TokenKind::Word if !t.is_word("ON") => t.text.to_ascii_lowercase(),
            _ => return None,
        };
        name = Some(value);
        // `schema.name`: keep the last part.
        if tokens.get(i + 1).is_some_and(|t| t.is_punct(".")) {
            i += 2;
            continue;
        }
        break;
    }
    name
}

/// Whether `words` starts with `seq`.
fn begins(words: &[String], seq: &[&str]) -> bool {
    words.len() >= seq.len() && words.iter().zip(seq).all(|(w, s)| w == s)
}

/// Functions whose value differs per row, so a default using them cannot
/// be stored once for the whole table.
const VOLATILE: &[&str] = &[
    "RANDOM",
    "GEN_RANDOM_UUID",
    "UUID_GENERATE_V4",
    "UUID_GENERATE_V1",
    "CLOCK_TIMESTAMP",
    "TIMEOFDAY",
    "NEXTVAL",
];

/// 32-bit (or smaller) integer type names.
const SMALL_INTEGERS: &[&str] = &[
    "INT",
    "INTEGER",
    "INT4",
    "INT2",
    "SMALLINT",
    "MEDIUMINT",
    "SERIAL",
    "SERIAL4",
    "SMALLSERIAL",
];

/// The `-- lint: allow ...` rule ids of `text`.
fn allowed(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("--") else {
            continue;
        };
        let Some(list) = rest.trim().strip_prefix("lint:") else {
            continue;
        };
        let Some(list) = list.trim().strip_prefix("allow") else {
            continue;
        };
        out.extend(
            list.split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
    }
    out
}

/// The findings for `file` as `dialect` runs it (see
/// [`MigrationFile::for_dialect`]; pass the resolved file), in line order.
pub fn lint(file: &MigrationFile, dialect: Dialect, options: LintOptions) -> Vec<Finding> {
    let applies: BTreeSet<&str> = dialect.lint_rules().iter().copied().collect();
    let allow = allowed(&format!("{}\n{}", file.preamble, file.up));
    let split = SplitOptions {
        backslash_escapes: dialect.backslash_escapes(),
    };
    let statements = split_statements_with(&file.up, file.up_line.max(1), split);
    let mut created: BTreeSet<String> = BTreeSet::new();
    let mut timeout_set = options.timeout_configured
        || file.lock_timeout.is_some()
        || file.statement_timeout.is_some();
    let mut findings = Vec::new();
    let mut not_null = NotNullChecks::default();
    for st in &statements {
        let w = Words::new(&st.sql, dialect);
        let mut hits: Vec<&'static str> = Vec::new();
        let mut ddl_on_existing = false;
        if w.starts(&["SET"])
            && (w.has("LOCK_TIMEOUT") || w.has("STATEMENT_TIMEOUT") || w.has("LOCK_WAIT_TIMEOUT"))
        {
            timeout_set = true;
        }
        if w.starts(&["CREATE", "TABLE"]) || w.starts(&["CREATE", "TEMPORARY", "TABLE"]) {
            let at = if w.words[1] == "TABLE" { 2 } else { 3 };
            if let Some(t) = w.table_after(at) {
                created.insert(t);
            }
            if let Some(open) = w.words.iter().position(|x| x == "(") {
                hits.extend(small_key(&w, open));
            }
        } else if w.starts(&["CREATE", "INDEX"]) || w.starts(&["CREATE", "UNIQUE", "INDEX"]) {
            let concurrently = w.has("CONCURRENTLY");
            let table = w
                .words
                .iter()
                .position(|x| x == "ON")
                .and_then(|i| w.table_after(i + 1));
            let new_table = table.as_ref().is_some_and(|t| created.contains(t));
            if !new_table {
                ddl_on_existing = true;
                if !concurrently {
                    hits.push("require-concurrent-index-creation");
                }
                if !w.has("ALGORITHM") {
                    hits.push("require-online-algorithm");
                }
            }
            if concurrently && file.transaction {
                hits.push("concurrently-in-transaction");
            }
        } else if w.starts(&["DROP", "INDEX"]) {
            ddl_on_existing = true;
            if w.has("CONCURRENTLY") {
                if file.transaction {
                    hits.push("concurrently-in-transaction");
                }
            } else {
                hits.push("require-concurrent-index-deletion");
            }
        } else if w.starts(&["DROP", "TABLE"]) {
            let t = w.table_after(2).unwrap_or_default();
            if !created.contains(&t) {
                ddl_on_existing = true;
                hits.push("ban-drop-table");
            }
        } else if w.starts(&["RENAME", "TABLE"]) {
            ddl_on_existing = true;
            hits.push("renaming-table");
        } else if w.starts(&["ALTER", "TABLE"]) {
            let t = w.table_after(2).unwrap_or_default();
            let new_table = created.contains(&t);
            // The actions start after the table name.
            let name_at = (2..w.words.len())
                .find(|&i| !matches!(w.words[i].as_str(), "IF" | "EXISTS" | "ONLY"))
                .unwrap_or(2);
            let mut first = name_at + 1;
            while w.words.get(first).map(String::as_str) == Some(".") {
                first += 2;
            }
            let mut online = false;
            for action in w.actions(first) {
                if begins(action, &["ALGORITHM"]) || begins(action, &["LOCK"]) {
                    online = true;
                    continue;
                }
                not_null.note(&t, action);
                let checked = |col: &str| not_null.validated(&t, col);
                hits.extend(alter_action(action, new_table, &checked));
            }
            if !new_table {
                ddl_on_existing = true;
                if !online {
                    hits.push("require-online-algorithm");
                }
            }
        }
        if ddl_on_existing && !timeout_set {
            hits.push("require-lock-timeout");
            // Once per file: the fix is one header.
            timeout_set = true;
        }
        let mut seen = BTreeSet::new();
        for id in hits {
            if !applies.contains(id) || allow.contains(id) || !seen.insert(id) {
                continue;
            }
            let rule = rule(id).expect("rule ids are listed");
            findings.push(Finding {
                rule,
                line: st.line,
                statement: st.sql.lines().next().unwrap_or("").trim().to_string(),
            });
        }
    }
    findings
}

/// `CHECK (col IS NOT NULL)` constraints a file adds and validates: a
/// `SET NOT NULL` after one has been validated skips the scan (PostgreSQL
/// 12 and later use the check as proof), so it no longer blocks writes.
#[derive(Default)]
struct NotNullChecks {
    /// (table, constraint) → column, for checks added.
    added: Vec<(String, String, String)>,
    /// (table, constraint) validated.
    validated: BTreeSet<(String, String)>,
}

impl NotNullChecks {
    /// Records what one `ALTER TABLE table` action adds or validates.
    fn note(&mut self, table: &str, a: &[String]) {
        let lower = |w: &String| w.to_ascii_lowercase();
        match a {
            [add, constraint, name, check, open, col, is, not, null, close, ..]
                if add == "ADD"
                    && constraint == "CONSTRAINT"
                    && check == "CHECK"
                    && open == "("
                    && is == "IS"
                    && not == "NOT"
                    && null == "NULL"
                    && close == ")" =>
            {
                self.added
                    .push((table.to_string(), lower(name), lower(col)));
            }
            [validate, constraint, name]
                if validate == "VALIDATE" && constraint == "CONSTRAINT" =>
            {
                self.validated.insert((table.to_string(), lower(name)));
            }
            _ => {}
        }
    }

    /// Whether a validated check of this file proves `table.col` has no NULLs.
    fn validated(&self, table: &str, col: &str) -> bool {
        self.added.iter().any(|(t, name, c)| {
            t == table
                && c.eq_ignore_ascii_case(col)
                && self.validated.contains(&(t.clone(), name.clone()))
        })
    }
}

/// The rules one `ALTER TABLE` action breaks; `checked` says whether a
/// validated check already proves a column NOT NULL.
fn alter_action(
    a: &[String],
    new_table: bool,
    checked: &dyn Fn(&str) -> bool,
) -> Vec<&'static str> {
    let mut hits = Vec::new();
    let has = |w: &str| a.iter().any(|x| x == w);
    if begins(a, &["ADD"]) {
        let constraint = has("FOREIGN") || (has("CHECK") && !has("COLUMN"));
        let is_column =
            !constraint && !has("INDEX") && !has("KEY") && !has("UNIQUE") && !has("PRIMARY");
        if constraint && !new_table && !(has("NOT") && has("VALID")) {
            hits.push("constraint-missing-not-valid");
        }
        if is_column && has("DEFAULT") && a.iter().any(|x| VOLATILE.contains(&x.as_str())) {
            hits.push("adding-volatile-default");
        }
    } else if begins(a, &["ALTER"]) {
        // `ALTER [COLUMN] col ...`
        let col = a
            .iter()
            .skip(1)
            .find(|w| w.as_str() != "COLUMN")
            .map(String::as_str)
            .unwrap_or("");
        if has("SET") && has("NOT") && has("NULL") && !new_table && !checked(col) {
            hits.push("set-not-null");
        }
        if has("TYPE") {
            hits.push("changing-column-type");
        }
    } else if begins(a, &["MODIFY"]) || begins(a, &["CHANGE"]) {
        hits.push("changing-column-type");
        if begins(a, &["CHANGE"]) {
            // `CHANGE [COLUMN] old new type`: a rename when the names differ.
            let names: Vec<&String> = a
                .iter()
                .skip(1)
                .filter(|x| x.as_str() != "COLUMN")
                .take(2)
                .collect();
            if names.len() == 2 && !names[0].eq_ignore_ascii_case(names[1]) {
                hits.push("renaming-column");
            }
        }
    } else if begins(a, &["RENAME", "COLUMN"]) {
        hits.push("renaming-column");
    } else if begins(a, &["RENAME", "TO"]) || begins(a, &["RENAME", "AS"]) {
        hits.push("renaming-table");
    } else if begins(a, &["RENAME"])
        && !begins(a, &["RENAME", "CONSTRAINT"])
        && !begins(a, &["RENAME", "INDEX"])
        && !begins(a, &["RENAME", "KEY"])
    {
        // PostgreSQL's `RENAME old TO new` renames a column.
        hits.push("renaming-column");
    } else if begins(a, &["DROP"]) {
        let what = a.get(1).map(String::as_str);
        let other = matches!(
            what,
            Some("CONSTRAINT" | "INDEX" | "KEY" | "PRIMARY" | "FOREIGN" | "CHECK" | "DEFAULT")
        );
        if !other && !new_table {
            hits.push("ban-drop-column");
        }
    }
    hits
}

/// `prefer-bigint-over-int` for a `CREATE TABLE` whose column list opens
/// at `open`: a primary key column of a 32-bit (or smaller) type.
fn small_key(w: &Words, open: usize) -> Option<&'static str> {
    let inner = &w.words[open + 1..];
    let mut depth = 0i32;
    let mut parts: Vec<Vec<&String>> = vec![Vec::new()];
    for x in inner {
        match x.as_str() {
            "(" => depth += 1,
            ")" if depth == 0 => break,
            ")" => depth -= 1,
            "," if depth == 0 => {
                parts.push(Vec::new());
                continue;
            }
            _ => {}
        }
        parts.last_mut().expect("one part at least").push(x);
    }
    let small = |ty: Option<&&String>| ty.is_some_and(|t| SMALL_INTEGERS.contains(&t.as_str()));
    let key_of_table: Vec<String> = parts
        .iter()
        .filter(|p| p.iter().any(|x| *x == "PRIMARY"))
        .filter(|p| {
            matches!(
                p.first().map(|s| s.as_str()),
                Some("PRIMARY" | "CONSTRAINT")
            )
        })
        .flat_map(|p| {
            p.iter()
                .skip_while(|x| x.as_str() != "(")
                .filter(|x| !matches!(x.as_str(), "(" | ")" | ","))
                .map(|x| x.to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    for p in &parts {
        let Some(name) = p.first() else { continue };
        if matches!(
            name.as_str(),
            "PRIMARY" | "CONSTRAINT" | "UNIQUE" | "FOREIGN" | "CHECK" | "KEY" | "INDEX"
        ) {
            continue;
        }
        let inline_key = p.iter().any(|x| *x == "PRIMARY");
        let table_key = key_of_table.len() == 1 && key_of_table[0] == name.to_ascii_lowercase();
        if (inline_key || table_key) && small(p.get(1)) {
            return Some("prefer-bigint-over-int");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(up: &str) -> MigrationFile {
        MigrationFile {
            revision: "0123456789ab".into(),
            up: up.into(),
            up_line: 10,
            ..MigrationFile::default()
        }
    }

    #[test]
    fn the_index_a_concurrent_build_names() {
        let pg = Dialect::Postgres;
        let name = |sql: &str| concurrent_index_build(sql, pg);
        assert_eq!(
            name("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Ix_A\" ON t (a)").as_deref(),
            Some("Ix_A")
        );
        assert_eq!(
            name("create unique index concurrently IX_b on t (b)").as_deref(),
            Some("ix_b")
        );
        assert_eq!(
            name("CREATE INDEX CONCURRENTLY public.ix_c ON t (c)").as_deref(),
            Some("ix_c")
        );
        assert_eq!(name("CREATE INDEX ix_d ON t (d)"), None);
        assert_eq!(name("CREATE INDEX CONCURRENTLY ON t (d)"), None);
        assert_eq!(name("DROP INDEX CONCURRENTLY ix_e"), None);
    }

    fn ids(d: Dialect, f: &MigrationFile) -> Vec<(usize, &'static str)> {
        lint(f, d, LintOptions::default())
            .into_iter()
            .map(|x| (x.line, x.rule.id))
            .collect()
    }

    #[test]
    fn postgres_locking_statements_are_found_with_their_lines() {
        let f = file(
            "CREATE INDEX ix_a ON users (a);\n\
             ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (o) REFERENCES orgs (id);\n\
             ALTER TABLE users ALTER COLUMN a SET NOT NULL, ALTER COLUMN b TYPE bigint;\n\
             ALTER TABLE users ADD COLUMN t uuid DEFAULT gen_random_uuid();\n\
             ALTER TABLE \"users\" RENAME COLUMN a TO b;\n\
             ALTER TABLE users DROP COLUMN c;\n\
             DROP TABLE old;\n\
             DROP INDEX ix_old;",
        );
        assert_eq!(
            ids(Dialect::Postgres, &f),
            [
                (10, "require-concurrent-index-creation"),
                (10, "require-lock-timeout"),
                (11, "constraint-missing-not-valid"),
                (12, "set-not-null"),
                (12, "changing-column-type"),
                (13, "adding-volatile-default"),
                (14, "renaming-column"),
                (15, "ban-drop-column"),
                (16, "ban-drop-table"),
                (17, "require-concurrent-index-deletion"),
            ]
        );
    }

    #[test]
    fn safe_forms_and_new_tables_pass() {
        let mut f = file(
            "CREATE TABLE t (id BIGINT PRIMARY KEY, o BIGINT);\n\
             CREATE INDEX ix_t_o ON t (o);\n\
             ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (o) REFERENCES orgs (id);\n\
             ALTER TABLE users ADD CONSTRAINT fk2 FOREIGN KEY (o) REFERENCES orgs (id) NOT VALID;\n\
             ALTER TABLE users ADD COLUMN at timestamptz DEFAULT now();\n\
             CREATE INDEX CONCURRENTLY ix_u ON users (a);",
        );
        f.transaction = false;
        f.lock_timeout = Some(std::time::Duration::from_secs(5));
        assert_eq!(ids(Dialect::Postgres, &f), []);
        // Inside a transaction, CONCURRENTLY fails.
        f.transaction = true;
        assert_eq!(
            ids(Dialect::Postgres, &f),
            [(15, "concurrently-in-transaction")]
        );
    }

    #[test]
    fn set_not_null_after_a_validated_check_passes() {
        let safe = "ALTER TABLE \"users\" ADD CONSTRAINT \"users_email_not_null\" CHECK (\"email\" IS NOT NULL) NOT VALID;\n\
                    ALTER TABLE \"users\" VALIDATE CONSTRAINT \"users_email_not_null\";\n\
                    ALTER TABLE \"users\" ALTER COLUMN \"email\" SET NOT NULL;\n\
                    ALTER TABLE \"users\" DROP CONSTRAINT \"users_email_not_null\";";
        let mut f = file(safe);
        f.transaction = false;
        f.lock_timeout = Some(std::time::Duration::from_secs(5));
        assert_eq!(ids(Dialect::Postgres, &f), []);
        // Not validated yet, or a check on another column: still a scan.
        for unsafe_sql in [
            safe.replace("VALIDATE CONSTRAINT", "RENAME CONSTRAINT \"x\" TO"),
            safe.replace("CHECK (\"email\"", "CHECK (\"name\""),
        ] {
            let mut f = file(&unsafe_sql);
            f.transaction = false;
            f.lock_timeout = Some(std::time::Duration::from_secs(5));
            assert_eq!(
                ids(Dialect::Postgres, &f),
                [(12, "set-not-null")],
                "{unsafe_sql}"
            );
        }
    }

    #[test]
    fn int_keys_and_allow_comments() {
        let f = file("CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE b (id int NOT NULL, CONSTRAINT pk PRIMARY KEY (id));\nCREATE TABLE c (id bigint, n int, PRIMARY KEY (id));");
        assert_eq!(
            ids(Dialect::Postgres, &f),
            [
                (10, "prefer-bigint-over-int"),
                (11, "prefer-bigint-over-int")
            ]
        );
        let mut f = file("-- lint: allow ban-drop-table, require-lock-timeout\nDROP TABLE legacy;");
        assert_eq!(ids(Dialect::Postgres, &f), []);
        f.preamble = String::new();
        f.up = "DROP TABLE legacy;".into();
        assert_eq!(
            ids(Dialect::Postgres, &f),
            [(10, "ban-drop-table"), (10, "require-lock-timeout")]
        );
    }

    #[test]
    fn mysql_wants_an_online_algorithm_and_sqlite_only_app_rules() {
        let f = file(
            "ALTER TABLE users ADD COLUMN x INT;\n\
             ALTER TABLE users ADD INDEX ix (x), ALGORITHM=INPLACE, LOCK=NONE;\n\
             ALTER TABLE users CHANGE COLUMN a b INT;\n\
             SET SESSION lock_wait_timeout = 5;",
        );
        assert_eq!(
            ids(Dialect::Mysql, &f),
            [
                (10, "require-online-algorithm"),
                (10, "require-lock-timeout"),
                (12, "changing-column-type"),
                (12, "renaming-column"),
                (12, "require-online-algorithm"),
            ]
        );
        let f = file("CREATE INDEX ix ON users (a);\nALTER TABLE users RENAME COLUMN a TO b;");
        assert_eq!(ids(Dialect::Sqlite, &f), [(11, "renaming-column")]);
    }
}
