//! The revision graph: a DAG through `down_revision` (plus `depends_on`),
//! heads and bases, target resolution, and upgrade / downgrade / stamp plans
//! over the set of applied revisions — the model of Alembic's
//! `script/revision.py`, with the database recording every applied revision
//! rather than only the heads.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use chrono::{DateTime, Utc};

use super::{Location, MigrationError, MigrationFile};

/// One revision of the graph: its file and its resolved edges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The file it came from, as passed to [`RevisionGraph::new`].
    pub origin: String,
    /// The parsed file.
    pub file: MigrationFile,
    /// Revisions whose `down_revision` names this one, oldest first.
    pub children: Vec<String>,
    /// `depends_on` resolved to revision ids (a branch label becomes the
    /// revision that carries it).
    pub dependencies: Vec<String>,
}

impl Revision {
    /// The revision id.
    pub fn id(&self) -> &str {
        &self.file.revision
    }

    /// The parents (`down_revision`).
    pub fn down_revisions(&self) -> &[String] {
        &self.file.down_revisions
    }

    /// Nothing names this revision as its `down_revision`.
    pub fn is_head(&self) -> bool {
        self.children.is_empty()
    }

    /// No `down_revision`.
    pub fn is_base(&self) -> bool {
        self.file.down_revisions.is_empty()
    }

    /// Two or more revisions name this one as their `down_revision`.
    pub fn is_branch_point(&self) -> bool {
        self.children.len() > 1
    }

    /// A merge: two or more `down_revision`s.
    pub fn is_merge_point(&self) -> bool {
        self.file.down_revisions.len() > 1
    }
}

/// Every revision of a migrations directory, in topological order.
///
/// Ancestry (what `upgrade` applies, what `downgrade` keeps) follows both
/// `down_revision` and `depends_on`, as in Alembic; heads, bases and branch
/// points follow `down_revision` only.
#[derive(Debug, Clone)]
pub struct RevisionGraph {
    /// Topological order: parents and dependencies first, ties broken by
    /// `created` (files without one first), then id.
    revisions: Vec<Revision>,
    index: HashMap<String, usize>,
    /// `down_revision` edges as indices into `revisions`.
    parents: Vec<Vec<usize>>,
    /// `down_revision` + `depends_on` edges as indices.
    requires: Vec<Vec<usize>>,
    /// Inverse of `requires`.
    required_by: Vec<Vec<usize>>,
    /// Branch label -> index of the revision carrying it.
    labels: BTreeMap<String, usize>,
}

type Key = (Option<DateTime<Utc>>, String);

impl RevisionGraph {
    /// Builds the graph from `(origin, file)` pairs (origin = the file path,
    /// for messages). Fails on a duplicate revision id, a `down_revision` or
    /// `depends_on` that no file defines, a branch label used twice, or a
    /// cycle.
    pub fn new(files: Vec<(String, MigrationFile)>) -> Result<RevisionGraph, MigrationError> {
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, (origin, file)) in files.iter().enumerate() {
            if let Some(&first) = index.get(&file.revision) {
                let (first_origin, first_file) = &files[first];
                return Err(MigrationError::DuplicateRevision {
                    revision: file.revision.clone(),
                    first: Location {
                        origin: first_origin.clone(),
                        line: first_file.header_lines.revision,
                    },
                    second: Location {
                        origin: origin.clone(),
                        line: file.header_lines.revision,
                    },
                });
            }
            index.insert(file.revision.clone(), i);
        }

        let mut labels: BTreeMap<String, usize> = BTreeMap::new();
        for (i, (origin, file)) in files.iter().enumerate() {
            let at = Location {
                origin: origin.clone(),
                line: file.header_lines.branch_labels,
            };
            for label in &file.branch_labels {
                if index.contains_key(label) {
                    return Err(MigrationError::LabelIsRevision {
                        at,
                        label: label.clone(),
                    });
                }
                if let Some(&first) = labels.get(label) {
                    let (first_origin, first_file) = &files[first];
                    return Err(MigrationError::DuplicateBranchLabel {
                        label: label.clone(),
                        first: Location {
                            origin: first_origin.clone(),
                            line: first_file.header_lines.branch_labels,
                        },
                        second: at,
                    });
                }
                labels.insert(label.clone(), i);
            }
        }

        let n = files.len();
        let mut parents = vec![Vec::new(); n];
        let mut deps = vec![Vec::new(); n];
        for (i, (origin, file)) in files.iter().enumerate() {
            for down in &file.down_revisions {
                let Some(&p) = index.get(down) else {
                    return Err(MigrationError::UnknownDownRevision {
                        at: Location {
                            origin: origin.clone(),
                            line: file.header_lines.down_revision,
                        },
                        revision: file.revision.clone(),
                        missing: down.clone(),
                    });
                };
                parents[i].push(p);
            }
            for dep in &file.depends_on {
                let Some(&d) = index.get(dep).or_else(|| labels.get(dep)) else {
                    return Err(MigrationError::UnknownDependency {
                        at: Location {
                            origin: origin.clone(),
                            line: file.header_lines.depends_on,
                        },
                        revision: file.revision.clone(),
                        missing: dep.clone(),
                    });
                };
                if !parents[i].contains(&d) && !deps[i].contains(&d) {
                    deps[i].push(d);
                }
            }
        }
        let requires: Vec<Vec<usize>> = (0..n)
            .map(|i| parents[i].iter().chain(&deps[i]).copied().collect())
            .collect();

        let order = topological_order(&files, &requires)?;
        // Renumber everything into topological order.
        let mut rank = vec![0; n];
        for (pos, &old) in order.iter().enumerate() {
            rank[old] = pos;
        }
        let remap = |v: &[usize]| -> Vec<usize> {
            let mut out: Vec<usize> = v.iter().map(|&o| rank[o]).collect();
            out.sort_unstable();
            out
        };
        let mut slots: Vec<Option<(String, MigrationFile)>> = files.into_iter().map(Some).collect();
        let mut graph = RevisionGraph {
            revisions: Vec::with_capacity(n),
            index: HashMap::with_capacity(n),
            parents: Vec::with_capacity(n),
            requires: Vec::with_capacity(n),
            required_by: vec![Vec::new(); n],
            labels: labels.into_iter().map(|(l, i)| (l, rank[i])).collect(),
        };
        for &old in &order {
            let (origin, file) = slots[old]
                .take()
                .expect("each index appears once in the order");
            graph
                .index
                .insert(file.revision.clone(), graph.revisions.len());
            graph.parents.push(remap(&parents[old]));
            graph.requires.push(remap(&requires[old]));
            graph.revisions.push(Revision {
                origin,
                file,
                children: Vec::new(),
                dependencies: Vec::new(),
            });
        }
        for i in 0..n {
            for &p in &graph.parents[i].clone() {
                let id = graph.revisions[i].file.revision.clone();
                graph.revisions[p].children.push(id);
            }
            for &r in &graph.requires[i].clone() {
                graph.required_by[r].push(i);
            }
        }
        for (old, ds) in deps.iter().enumerate() {
            let ids: Vec<String> = remap(ds)
                .into_iter()
                .map(|d| graph.revisions[d].file.revision.clone())
                .collect();
            graph.revisions[rank[old]].dependencies = ids;
        }
        Ok(graph)
    }

    /// The graph as `dialect` runs it: each file reduced to the sections
    /// that dialect executes ([`MigrationFile::for_dialect`]). Borrowed when
    /// no file has per-dialect sections, which is every single-dialect
    /// project; an error names the first file with no SQL for `dialect`.
    pub fn for_dialect(
        &self,
        dialect: crate::dialect::Dialect,
    ) -> Result<std::borrow::Cow<'_, RevisionGraph>, MigrationError> {
        if self.revisions.iter().all(|r| r.file.dialects.is_empty()) {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        let mut graph = self.clone();
        for rev in &mut graph.revisions {
            if !rev.file.dialects.is_empty() {
                rev.file = rev.file.for_dialect(dialect, &rev.origin)?;
            }
        }
        Ok(std::borrow::Cow::Owned(graph))
    }

    /// Whether any file has per-dialect sections.
    pub fn has_dialect_sections(&self) -> bool {
        self.revisions.iter().any(|r| !r.file.dialects.is_empty())
    }

    /// Every revision in topological order (parents first; ties by
    /// `created`, then id).
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The revision `id` (full id only; see [`resolve`](Self::resolve) for prefixes).
    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.index.get(id).map(|&i| &self.revisions[i])
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// No revisions at all.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// Revisions nothing points down to, in topological order.
    pub fn heads(&self) -> Vec<String> {
        self.ids(self.head_indices())
    }

    /// Revisions without a `down_revision`, in topological order.
    pub fn bases(&self) -> Vec<String> {
        self.ids((0..self.len()).filter(|&i| self.parents[i].is_empty()))
    }

    /// Branch points (revisions with two or more children) and their
    /// children, in topological order.
    pub fn branches(&self) -> Vec<(String, Vec<String>)> {
        self.revisions
            .iter()
            .filter(|r| r.is_branch_point())
            .map(|r| (r.id().to_string(), r.children.clone()))
            .collect()
    }

    /// Merge points (revisions with two or more `down_revision`s), in topological order.
    pub fn merge_points(&self) -> Vec<String> {
        self.ids((0..self.len()).filter(|&i| self.parents[i].len() > 1))
    }

    /// Branch labels and the revision each is attached to.
    pub fn branch_labels(&self) -> BTreeMap<String, String> {
        self.labels
            .iter()
            .map(|(l, &i)| (l.clone(), self.revisions[i].file.revision.clone()))
            .collect()
    }

    /// Strict ancestors of `rev` (through `down_revision` and `depends_on`),
    /// in topological order. `rev` may be any single-revision target.
    pub fn ancestors(&self, rev: &str) -> Result<Vec<String>, MigrationError> {
        let i = self.resolve_one(rev, &BTreeSet::new())?;
        let mut set = self.ancestors_of(&[i]);
        set.remove(&i);
        Ok(self.ids(set))
    }

    /// Strict descendants of `rev` (through `down_revision` and
    /// `depends_on`), in topological order.
    pub fn descendants(&self, rev: &str) -> Result<Vec<String>, MigrationError> {
        let i = self.resolve_one(rev, &BTreeSet::new())?;
        let mut set = self.descendants_of(&[i]);
        set.remove(&i);
        Ok(self.ids(set))
    }

    /// The current head(s) of an applied set: its maximal elements (applied
    /// revisions none of whose children are applied), in topological order.
    /// Ids the graph does not know are left out (see [`unknown_applied`](Self::unknown_applied)).
    pub fn current_heads(&self, applied: &BTreeSet<String>) -> Vec<String> {
        let set = self.known(applied);
        self.ids(self.maximal(&set))
    }

    /// Applied ids that no migration file defines, sorted.
    pub fn unknown_applied(&self, applied: &BTreeSet<String>) -> Vec<String> {
        applied
            .iter()
            .filter(|id| !self.index.contains_key(*id))
            .cloned()
            .collect()
    }

    /// Revisions not applied, in the order `upgrade heads` would apply them.
    pub fn pending(&self, applied: &BTreeSet<String>) -> Vec<String> {
        self.ids((0..self.len()).filter(|&i| !applied.contains(self.id(i))))
    }

    /// Resolves a target to the set of revisions it names, in topological
    /// order (empty = `base`). `applied` is the database's applied set,
    /// needed by `current`, `+N` and `-N`.
    ///
    /// Forms: `head` (the single head; an error listing them when there are
    /// several), `heads`, `base`, `current`, a full id, a branch label, a
    /// unique id prefix of at least 4 characters, `X@head` (the head of the
    /// branch of label or revision `X`), `+N` / `-N` (N revisions up from /
    /// down from the applied set, in plan order), `REV+N` / `REV-N` (N
    /// revisions above / below `REV`; `REV` may be any single-revision
    /// target, e.g. `head-1`), and a comma-separated list of any of these
    /// (their union, e.g. `ae1027a6acf1,27c6a30d7c24` for a state with two
    /// heads).
    pub fn resolve(
        &self,
        target: &str,
        applied: &BTreeSet<String>,
    ) -> Result<Vec<String>, MigrationError> {
        Ok(self.ids(self.resolve_set(target, applied)?))
    }

    /// What `upgrade target` applies: every ancestor-or-self of the target
    /// not yet applied, parents first.
    pub fn plan_upgrade(
        &self,
        applied: &BTreeSet<String>,
        target: &str,
    ) -> Result<Vec<String>, MigrationError> {
        let targets = self.resolve_set(target, applied)?;
        let keep = self.ancestors_of(&targets);
        Ok(self.ids(keep.into_iter().filter(|&i| !applied.contains(self.id(i)))))
    }

    /// What `downgrade target` un-applies: every applied revision that is not
    /// an ancestor-or-self of the target, children first (`base` = all).
    /// Applied ids the graph does not know are left out: there is no file to
    /// run their down section from.
    pub fn plan_downgrade(
        &self,
        applied: &BTreeSet<String>,
        target: &str,
    ) -> Result<Vec<String>, MigrationError> {
        let targets = self.resolve_set(target, applied)?;
        let keep = self.ancestors_of(&targets);
        let mut out = self.known(applied);
        out.retain(|i| !keep.contains(i));
        Ok(self.ids(out.into_iter().rev()))
    }

    /// What `stamp target` records: exactly the ancestors-or-self of the target.
    pub fn stamp_set(
        &self,
        applied: &BTreeSet<String>,
        target: &str,
    ) -> Result<BTreeSet<String>, MigrationError> {
        let targets = self.resolve_set(target, applied)?;
        Ok(self
            .ancestors_of(&targets)
            .into_iter()
            .map(|i| self.id(i).to_string())
            .collect())
    }

    /// Revisions for `history -r A:B`, newest first: those that are
    /// descendants-or-self of `A` and ancestors-or-self of `B`. Either side
    /// may be empty (`:B` from base, `A:` up to the heads); `None` lists
    /// everything.
    pub fn history(
        &self,
        range: Option<&str>,
        applied: &BTreeSet<String>,
    ) -> Result<Vec<&Revision>, MigrationError> {
        let (lower, upper) = match range {
            None => ("", ""),
            Some(r) => r
                .split_once(':')
                .ok_or_else(|| MigrationError::InvalidTarget {
                    target: r.to_string(),
                    reason:
                        "a history range is `[start]:[end]`, e.g. `base:head`, `ae10:`, `:current`"
                            .to_string(),
                })?,
        };
        let upper = match upper.trim() {
            "" => self.ancestors_of(&self.head_indices().collect::<Vec<_>>()),
            u => self.ancestors_of(&self.resolve_set(u, applied)?),
        };
        let lower = match lower.trim() {
            "" | "base" => (0..self.len()).collect(),
            l => self.descendants_of(&self.resolve_set(l, applied)?),
        };
        let mut listed: Vec<&Revision> = upper
            .intersection(&lower)
            .map(|&i| &self.revisions[i])
            .collect();
        listed.reverse();
        Ok(listed)
    }

    // ---- internals -------------------------------------------------------

    fn id(&self, i: usize) -> &str {
        &self.revisions[i].file.revision
    }

    fn ids(&self, it: impl IntoIterator<Item = usize>) -> Vec<String> {
        it.into_iter().map(|i| self.id(i).to_string()).collect()
    }

    fn head_indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|&i| self.revisions[i].children.is_empty())
    }

    fn known(&self, applied: &BTreeSet<String>) -> BTreeSet<usize> {
        applied
            .iter()
            .filter_map(|id| self.index.get(id).copied())
            .collect()
    }

    /// Elements of `set` with no `down_revision` child in `set`.
    fn maximal(&self, set: &BTreeSet<usize>) -> Vec<usize> {
        set.iter()
            .copied()
            .filter(|&i| {
                !self.revisions[i]
                    .children
                    .iter()
                    .any(|c| set.contains(&self.index[c]))
            })
            .collect()
    }

    fn walk(&self, start: &[usize], edges: &[Vec<usize>]) -> BTreeSet<usize> {
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        let mut stack: Vec<usize> = start.to_vec();
        while let Some(i) = stack.pop() {
            if seen.insert(i) {
                stack.extend(edges[i].iter().copied());
            }
        }
        seen
    }

    /// Ancestors-or-self (through `down_revision` and `depends_on`).
    fn ancestors_of(&self, start: &[usize]) -> BTreeSet<usize> {
        self.walk(start, &self.requires)
    }

    /// Descendants-or-self (through `down_revision` and `depends_on`).
    fn descendants_of(&self, start: &[usize]) -> BTreeSet<usize> {
        self.walk(start, &self.required_by)
    }

    fn resolve_set(
        &self,
        target: &str,
        applied: &BTreeSet<String>,
    ) -> Result<Vec<usize>, MigrationError> {
        let target = target.trim();
        if target.contains(',') {
            let mut union = BTreeSet::new();
            for part in target.split(',') {
                union.extend(self.resolve_set(part, applied)?);
            }
            return Ok(union.into_iter().collect());
        }
        match target {
            "" => {
                return Err(MigrationError::InvalidTarget {
                    target: String::new(),
                    reason: "empty target".to_string(),
                })
            }
            "base" => return Ok(Vec::new()),
            "heads" => return Ok(self.head_indices().collect()),
            "head" => {
                let heads: Vec<usize> = self.head_indices().collect();
                if heads.len() > 1 {
                    return Err(MigrationError::MultipleHeads {
                        target: target.to_string(),
                        heads: self.ids(heads),
                    });
                }
                // No revisions at all: `head` is `base`.
                return Ok(heads);
            }
            "current" => return Ok(self.maximal(&self.known(applied))),
            _ => {}
        }
        if let Some(n) = target.strip_prefix('+').and_then(parse_count) {
            return self.relative_up(target, &self.known(applied), None, n);
        }
        if let Some(n) = target.strip_prefix('-').and_then(parse_count) {
            return self.relative_down(target, &self.known(applied), n);
        }
        if let Some((mut base, n, up)) = split_relative(target) {
            // `REV-1+2-1`: the suffixes are peeled in a loop, not by
            // recursion, so a long chain cannot overflow the stack.
            let mut steps = vec![(target, n, up)];
            while let Some((inner, n, up)) = split_relative(base) {
                steps.push((base, n, up));
                base = inner;
            }
            let mut i = self.resolve_one(base, applied)?;
            let mut set = Vec::new();
            for (k, &(text, n, up)) in steps.iter().rev().enumerate() {
                let below = self.ancestors_of(&[i]);
                set = if up {
                    self.relative_up(text, &below, Some(i), n)?
                } else {
                    self.relative_down(text, &below, n)?
                };
                if k + 1 < steps.len() {
                    i = self.single(text, set.clone(), "this target")?;
                }
            }
            return Ok(set);
        }
        if let Some((name, branch_end)) = target.split_once('@') {
            if branch_end != "head" {
                return Err(MigrationError::InvalidTarget {
                    target: target.to_string(),
                    reason: "after `@` only `head` is supported (`label@head`)".to_string(),
                });
            }
            let i = self.resolve_one(name, applied)?;
            let on_branch = self.walk(&[i], &self.children_edges());
            let heads: Vec<usize> = on_branch
                .into_iter()
                .filter(|&h| self.revisions[h].children.is_empty())
                .collect();
            if heads.len() > 1 {
                return Err(MigrationError::MultipleHeads {
                    target: target.to_string(),
                    heads: self.ids(heads),
                });
            }
            return Ok(heads);
        }
        self.resolve_one(target, applied).map(|i| vec![i])
    }

    fn children_edges(&self) -> Vec<Vec<usize>> {
        self.revisions
            .iter()
            .map(|r| r.children.iter().map(|c| self.index[c]).collect())
            .collect()
    }

    /// The one revision of `set`, which `target` resolved to.
    fn single(&self, target: &str, set: Vec<usize>, what: &str) -> Result<usize, MigrationError> {
        match set.as_slice() {
            [i] => Ok(*i),
            [] => Err(MigrationError::InvalidTarget {
                target: target.to_string(),
                reason: format!("{what} names no revision here"),
            }),
            _ => Err(MigrationError::MultipleHeads {
                target: target.to_string(),
                heads: self.ids(set),
            }),
        }
    }

    /// A target naming exactly one revision.
    fn resolve_one(
        &self,
        target: &str,
        applied: &BTreeSet<String>,
    ) -> Result<usize, MigrationError> {
        let target = target.trim();
        let single = |set: Vec<usize>, what: &str| self.single(target, set, what);
        if target == "head" {
            return single(self.head_indices().collect(), "`head`");
        }
        // The forms `resolve_set` reads differently; anything else (`a+b`)
        // is a name here, or `resolve_set` would hand it straight back.
        if matches!(target, "heads" | "base" | "current")
            || target.contains(['@', ','])
            || target
                .strip_prefix('+')
                .is_some_and(|n| parse_count(n).is_some())
            || split_relative(target).is_some()
        {
            return single(self.resolve_set(target, applied)?, "this target");
        }
        if let Some(&i) = self.index.get(target).or_else(|| self.labels.get(target)) {
            return Ok(i);
        }
        let is_hex = !target.is_empty() && target.bytes().all(|b| b.is_ascii_hexdigit());
        if !is_hex {
            return Err(MigrationError::UnknownRevision {
                target: target.to_string(),
            });
        }
        if target.len() < 4 {
            return Err(MigrationError::PrefixTooShort {
                prefix: target.to_string(),
            });
        }
        let prefix = target.to_ascii_lowercase();
        let candidates: Vec<usize> = (0..self.len())
            .filter(|&i| self.id(i).starts_with(&prefix))
            .collect();
        match candidates.as_slice() {
            [i] => Ok(*i),
            [] => Err(MigrationError::UnknownRevision {
                target: target.to_string(),
            }),
            _ => Err(MigrationError::AmbiguousPrefix {
                prefix: target.to_string(),
                candidates: self.ids(candidates),
            }),
        }
    }

    /// The set `from` plus the next `n` revisions of the upgrade towards the
    /// heads (above `anchor` when given), as a target.
    fn relative_up(
        &self,
        target: &str,
        from: &BTreeSet<usize>,
        anchor: Option<usize>,
        n: usize,
    ) -> Result<Vec<usize>, MigrationError> {
        let goal: Vec<usize> = match anchor {
            Some(a) => self
                .walk(&[a], &self.children_edges())
                .into_iter()
                .filter(|&h| self.revisions[h].children.is_empty())
                .collect(),
            None => self.head_indices().collect(),
        };
        let pending: Vec<usize> = self
            .ancestors_of(&goal)
            .into_iter()
            .filter(|i| !from.contains(i))
            .collect();
        if n > pending.len() {
            return Err(MigrationError::RelativeOutOfRange {
                target: target.to_string(),
                wanted: n,
                available: pending.len(),
            });
        }
        let mut set = from.clone();
        set.extend(&pending[..n]);
        Ok(self.maximal(&set))
    }

    /// The set `from` without its `n` topologically last revisions, as a target.
    fn relative_down(
        &self,
        target: &str,
        from: &BTreeSet<usize>,
        n: usize,
    ) -> Result<Vec<usize>, MigrationError> {
        if n > from.len() {
            return Err(MigrationError::RelativeOutOfRange {
                target: target.to_string(),
                wanted: n,
                available: from.len(),
            });
        }
        let rest: BTreeSet<usize> = from.iter().copied().take(from.len() - n).collect();
        Ok(self.maximal(&rest))
    }
}

/// `"3"` -> 3; anything but ASCII digits -> None.
fn parse_count(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `REV+N` / `REV-N` -> (REV, N, is_up).
fn split_relative(target: &str) -> Option<(&str, usize, bool)> {
    let pos = target.rfind(['+', '-'])?;
    if pos == 0 {
        return None;
    }
    let n = parse_count(&target[pos + 1..])?;
    Some((&target[..pos], n, target.as_bytes()[pos] == b'+'))
}

/// Kahn's algorithm over `requires` edges, always taking the ready revision
/// with the smallest `(created, id)`. On a cycle, names its revisions.
fn topological_order(
    files: &[(String, MigrationFile)],
    requires: &[Vec<usize>],
) -> Result<Vec<usize>, MigrationError> {
    let n = files.len();
    let mut missing = vec![0usize; n];
    let mut dependents = vec![Vec::new(); n];
    for (i, reqs) in requires.iter().enumerate() {
        missing[i] = reqs.len();
        for &r in reqs {
            dependents[r].push(i);
        }
    }
    let key = |i: usize| -> Reverse<(Key, usize)> {
        Reverse(((files[i].1.created, files[i].1.revision.clone()), i))
    };
    let mut ready: BinaryHeap<Reverse<(Key, usize)>> =
        (0..n).filter(|&i| missing[i] == 0).map(key).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((_, i))) = ready.pop() {
        order.push(i);
        for &d in &dependents[i] {
            missing[d] -= 1;
            if missing[d] == 0 {
                ready.push(key(d));
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    // Every revision left over still waits on another left-over one, so
    // following those edges from any of them must come back round.
    let start = (0..n)
        .find(|&i| missing[i] > 0)
        .expect("some revision is left over");
    let mut path: Vec<usize> = vec![start];
    let mut cur = start;
    loop {
        let next = *requires[cur]
            .iter()
            .find(|&&r| missing[r] > 0)
            .expect("a left-over revision waits on a left-over revision");
        if let Some(pos) = path.iter().position(|&p| p == next) {
            let cycle = path[pos..]
                .iter()
                .map(|&i| {
                    let (origin, file) = &files[i];
                    (
                        file.revision.clone(),
                        Location {
                            origin: origin.clone(),
                            line: file.header_lines.down_revision,
                        },
                    )
                })
                .collect();
            return Err(MigrationError::Cycle { revisions: cycle });
        }
        path.push(next);
        cur = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_relative_forms() {
        assert_eq!(split_relative("abcd+2"), Some(("abcd", 2, true)));
        assert_eq!(split_relative("head-1"), Some(("head", 1, false)));
        assert_eq!(split_relative("+2"), None);
        assert_eq!(split_relative("abcd"), None);
        assert_eq!(split_relative("a-b"), None);
    }
}
