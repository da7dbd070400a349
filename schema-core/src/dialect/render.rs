//! Rendering [`Op`]s to an up and a down migration: the driver shared by
//! all dialects. The statements of each operation come from the dialect
//! object ([`Dialect`]'s `render_op`); shared clause builders live in
//! `clauses.rs`.

use super::clauses::Line;
use super::Dialect;
use crate::ops::Op;

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
}

/// How autogenerate renders: the settings a project can turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Lock-safe forms where the dialect has them (MySQL/MariaDB:
    /// `ALGORITHM=INPLACE, LOCK=NONE`); `online = false` in the config
    /// turns them off.
    pub online: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { online: true }
    }
}

pub(super) fn render_migration(
    d: Dialect,
    ops: &[Op],
    options: RenderOptions,
) -> RenderedMigration {
    let mut warnings = Vec::new();
    let up = render_ops(d, ops, options, &mut warnings);
    let inverse: Vec<Op> = ops.iter().rev().map(Op::inverse).collect();
    let down = render_ops(d, &inverse, options, &mut Vec::new());
    let mut summary = Vec::new();
    for op in ops {
        match op {
            Op::RebuildTable { changes, .. } => summary.extend(
                changes
                    .iter()
                    .map(|c| format!("{} (table rebuild)", c.describe())),
            ),
            _ => summary.push(op.describe()),
        }
    }
    RenderedMigration {
        up,
        down,
        summary,
        warnings,
    }
}

fn render_ops(
    d: Dialect,
    ops: &[Op],
    options: RenderOptions,
    warnings: &mut Vec<String>,
) -> String {
    let mut out = String::new();
    for op in ops {
        for w in op.warnings() {
            out.push_str(&format!("-- WARNING: {w}\n"));
            warnings.push(w);
        }
        for line in d.imp().render_op(op, options) {
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
            }
        }
    }
    out
}
