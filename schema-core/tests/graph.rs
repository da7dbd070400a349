//! Revision graph: structure, target resolution, plans, errors — unit cases
//! (including graphs checked against what Alembic does) and property tests
//! over random DAGs.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use schema_core::migration::{MigrationError, MigrationFile, RevisionGraph};

/// Readable 12-hex ids.
const BASE: &str = "ba5e00000000";
const A: &str = "aaaa00000001";
const B: &str = "bbbb00000002";
const M: &str = "cccc00000003";
const C: &str = "dddd00000004";

fn file(id: &str, downs: &[&str], minute: u32) -> MigrationFile {
    MigrationFile {
        revision: id.to_string(),
        down_revisions: downs.iter().map(|s| s.to_string()).collect(),
        message: format!("rev {id}"),
        created: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, minute, 0).unwrap()),
        up: format!("SELECT '{id}';"),
        down: format!("SELECT 'undo {id}';"),
        ..MigrationFile::default()
    }
}

fn graph(files: Vec<MigrationFile>) -> RevisionGraph {
    RevisionGraph::new(named(files)).expect("valid graph")
}

fn named(files: Vec<MigrationFile>) -> Vec<(String, MigrationFile)> {
    files
        .into_iter()
        .map(|f| (format!("migrations/{}.sql", f.revision), f))
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// base -> a, base -> b, merge(a, b)
fn diamond() -> RevisionGraph {
    graph(vec![
        file(M, &[A, B], 3),
        file(B, &[BASE], 2),
        file(A, &[BASE], 1),
        file(BASE, &[], 0),
    ])
}

/// base -> a, base -> b (two heads)
fn forked() -> RevisionGraph {
    graph(vec![
        file(BASE, &[], 0),
        file(A, &[BASE], 1),
        file(B, &[BASE], 2),
    ])
}

fn linear() -> RevisionGraph {
    graph(vec![
        file(BASE, &[], 0),
        file(A, &[BASE], 1),
        file(B, &[A], 2),
        file(C, &[B], 3),
    ])
}

#[test]
fn structure_of_a_diamond() {
    let g = diamond();
    let order: Vec<&str> = g.revisions().iter().map(|r| r.id()).collect();
    assert_eq!(order, [BASE, A, B, M]);
    assert_eq!(g.heads(), ids(&[M]));
    assert_eq!(g.bases(), ids(&[BASE]));
    assert_eq!(g.branches(), vec![(BASE.to_string(), ids(&[A, B]))]);
    assert_eq!(g.merge_points(), ids(&[M]));
    assert!(g.get(M).unwrap().is_merge_point());
    assert!(g.get(BASE).unwrap().is_branch_point());
    assert!(g.get(BASE).unwrap().is_base());
    assert!(g.get(M).unwrap().is_head());
    assert_eq!(g.ancestors(M).unwrap(), ids(&[BASE, A, B]));
    assert_eq!(g.descendants(A).unwrap(), ids(&[M]));
}

#[test]
fn ties_are_broken_by_timestamp_then_id() {
    // b created before a: b first.
    let g = graph(vec![
        file(BASE, &[], 0),
        file(A, &[BASE], 5),
        file(B, &[BASE], 1),
    ]);
    let order: Vec<&str> = g.revisions().iter().map(|r| r.id()).collect();
    assert_eq!(order, [BASE, B, A]);
    // Same timestamp: by id.
    let g = graph(vec![
        file(BASE, &[], 0),
        file(B, &[BASE], 1),
        file(A, &[BASE], 1),
    ]);
    let order: Vec<&str> = g.revisions().iter().map(|r| r.id()).collect();
    assert_eq!(order, [BASE, A, B]);
    // Topology beats timestamps: a child created "earlier" still comes after its parent.
    let g = graph(vec![file(BASE, &[], 9), file(A, &[BASE], 1)]);
    let order: Vec<&str> = g.revisions().iter().map(|r| r.id()).collect();
    assert_eq!(order, [BASE, A]);
}

// ---- the diamond, compared with Alembic ----------------------------------
// alembic: base -> a, base -> b, merge (down_revision = (a, b)).

#[test]
fn diamond_upgrade_head_from_empty_applies_everything_parents_first() {
    let g = diamond();
    assert_eq!(
        g.plan_upgrade(&set(&[]), "head").unwrap(),
        ids(&[BASE, A, B, M])
    );
}

#[test]
fn diamond_downgrade_to_one_parent_removes_merge_and_the_other_branch() {
    // alembic downgrade a (from the merge): -merge, -b.
    let g = diamond();
    let all = set(&[BASE, A, B, M]);
    assert_eq!(g.plan_downgrade(&all, A).unwrap(), ids(&[M, B]));
    assert_eq!(g.plan_downgrade(&all, B).unwrap(), ids(&[M, A]));
}

#[test]
fn diamond_downgrade_minus_one_unmerges() {
    // alembic downgrade -1 from the merge: current heads become a and b.
    let g = diamond();
    let all = set(&[BASE, A, B, M]);
    assert_eq!(g.plan_downgrade(&all, "-1").unwrap(), ids(&[M]));
    let after = set(&[BASE, A, B]);
    assert_eq!(g.current_heads(&after), ids(&[A, B]));
}

#[test]
fn diamond_upgrade_to_merge_from_one_branch_applies_the_other_first() {
    let g = diamond();
    assert_eq!(g.plan_upgrade(&set(&[BASE, A]), M).unwrap(), ids(&[B, M]));
}

#[test]
fn diamond_downgrade_base_empties_children_first() {
    let g = diamond();
    let all = set(&[BASE, A, B, M]);
    assert_eq!(
        g.plan_downgrade(&all, "base").unwrap(),
        ids(&[M, B, A, BASE])
    );
}

#[test]
fn diamond_stamp_sets() {
    let g = diamond();
    let none = set(&[]);
    assert_eq!(g.stamp_set(&none, B).unwrap(), set(&[BASE, B]));
    assert_eq!(g.stamp_set(&none, "head").unwrap(), set(&[BASE, A, B, M]));
    assert_eq!(g.stamp_set(&none, "base").unwrap(), set(&[]));
    // stamp ignores what is applied, including ids it does not know.
    assert_eq!(
        g.stamp_set(&set(&[M, "ffffffffffff"]), A).unwrap(),
        set(&[BASE, A])
    );
}

// ---- branches -----------------------------------------------------------

#[test]
fn head_with_two_heads_is_an_error_suggesting_merge() {
    let g = forked();
    let err = g.plan_upgrade(&set(&[]), "head").unwrap_err();
    assert_eq!(
        err,
        MigrationError::MultipleHeads {
            target: "head".into(),
            heads: ids(&[A, B]),
        }
    );
    let msg = err.to_string();
    assert!(msg.contains("heads") && msg.contains("merge"), "{msg}");
}

#[test]
fn heads_upgrades_every_branch() {
    let g = forked();
    assert_eq!(
        g.plan_upgrade(&set(&[]), "heads").unwrap(),
        ids(&[BASE, A, B])
    );
    assert_eq!(
        g.plan_upgrade(&set(&[BASE, B]), "heads").unwrap(),
        ids(&[A])
    );
}

#[test]
fn upgrading_one_branch_leaves_the_other() {
    let g = forked();
    assert_eq!(g.plan_upgrade(&set(&[]), B).unwrap(), ids(&[BASE, B]));
    // Downgrading one branch to the branch point keeps the other's untouched revisions.
    let all = set(&[BASE, A, B]);
    assert_eq!(
        g.plan_downgrade(&all, &format!("{BASE},{A}")).unwrap(),
        ids(&[B])
    );
    assert_eq!(g.current_heads(&all), ids(&[A, B]));
}

#[test]
fn comma_list_target_is_a_union() {
    let g = forked();
    assert_eq!(
        g.resolve(&format!("{B}, {A}"), &set(&[])).unwrap(),
        ids(&[A, B])
    );
}

// ---- target forms ---------------------------------------------------------

#[test]
fn base_heads_head_current() {
    let g = linear();
    let applied = set(&[BASE, A]);
    assert_eq!(g.resolve("base", &applied).unwrap(), ids(&[]));
    assert_eq!(g.resolve("head", &applied).unwrap(), ids(&[C]));
    assert_eq!(g.resolve("heads", &applied).unwrap(), ids(&[C]));
    assert_eq!(g.resolve("current", &applied).unwrap(), ids(&[A]));
    assert_eq!(g.resolve("current", &set(&[])).unwrap(), ids(&[]));
}

#[test]
fn empty_graph_head_is_base() {
    let g = graph(vec![]);
    assert!(g.is_empty());
    assert_eq!(g.plan_upgrade(&set(&[]), "head").unwrap(), ids(&[]));
}

#[test]
fn full_id_and_prefixes() {
    let g = graph(vec![
        file("abcd11110000", &[], 0),
        file("abcd22220000", &["abcd11110000"], 1),
        file("ef0100000000", &["abcd22220000"], 2),
    ]);
    let none = set(&[]);
    assert_eq!(
        g.resolve("abcd22220000", &none).unwrap(),
        ids(&["abcd22220000"])
    );
    assert_eq!(g.resolve("abcd1", &none).unwrap(), ids(&["abcd11110000"]));
    assert_eq!(g.resolve("ef01", &none).unwrap(), ids(&["ef0100000000"]));
    assert_eq!(
        g.resolve("abcd", &none).unwrap_err(),
        MigrationError::AmbiguousPrefix {
            prefix: "abcd".into(),
            candidates: ids(&["abcd11110000", "abcd22220000"]),
        }
    );
    assert_eq!(
        g.resolve("abc", &none).unwrap_err(),
        MigrationError::PrefixTooShort {
            prefix: "abc".into()
        }
    );
    assert_eq!(
        g.resolve("abce", &none).unwrap_err(),
        MigrationError::UnknownRevision {
            target: "abce".into()
        }
    );
    assert_eq!(
        g.resolve("nonsense", &none).unwrap_err(),
        MigrationError::UnknownRevision {
            target: "nonsense".into()
        }
    );
    let msg = g.resolve("abcd", &none).unwrap_err().to_string();
    assert!(
        msg.contains("abcd11110000") && msg.contains("abcd22220000"),
        "{msg}"
    );
}

#[test]
fn relative_up_and_down_from_the_applied_set() {
    let g = linear();
    let none = set(&[]);
    assert_eq!(g.plan_upgrade(&none, "+1").unwrap(), ids(&[BASE]));
    assert_eq!(g.plan_upgrade(&none, "+2").unwrap(), ids(&[BASE, A]));
    assert_eq!(
        g.plan_upgrade(&set(&[BASE, A]), "+2").unwrap(),
        ids(&[B, C])
    );
    let all = set(&[BASE, A, B, C]);
    assert_eq!(g.plan_downgrade(&all, "-1").unwrap(), ids(&[C]));
    assert_eq!(g.plan_downgrade(&all, "-3").unwrap(), ids(&[C, B, A]));
    assert_eq!(g.plan_downgrade(&all, "-4").unwrap(), ids(&[C, B, A, BASE]));
    assert_eq!(
        g.plan_downgrade(&all, "-5").unwrap_err(),
        MigrationError::RelativeOutOfRange {
            target: "-5".into(),
            wanted: 5,
            available: 4,
        }
    );
    assert_eq!(
        g.plan_upgrade(&set(&[BASE, A, B]), "+2").unwrap_err(),
        MigrationError::RelativeOutOfRange {
            target: "+2".into(),
            wanted: 2,
            available: 1,
        }
    );
}

#[test]
fn relative_to_a_revision() {
    let g = linear();
    let none = set(&[]);
    assert_eq!(g.resolve(&format!("{A}+1"), &none).unwrap(), ids(&[B]));
    assert_eq!(g.resolve(&format!("{A}+2"), &none).unwrap(), ids(&[C]));
    assert_eq!(g.resolve(&format!("{C}-2"), &none).unwrap(), ids(&[A]));
    assert_eq!(g.resolve("dddd-1", &none).unwrap(), ids(&[B]));
    assert_eq!(g.resolve("head-1", &none).unwrap(), ids(&[B]));
    assert_eq!(g.resolve(&format!("{C}-4"), &none).unwrap(), ids(&[]));
    assert_eq!(g.resolve(&format!("{A}+0"), &none).unwrap(), ids(&[A]));
    assert!(matches!(
        g.resolve(&format!("{A}+3"), &none).unwrap_err(),
        MigrationError::RelativeOutOfRange {
            wanted: 3,
            available: 2,
            ..
        }
    ));
    // Absolute: the applied set plays no part.
    assert_eq!(
        g.plan_downgrade(&set(&[BASE, A, B, C]), &format!("{C}-2"))
            .unwrap(),
        ids(&[C, B])
    );
}

#[test]
fn branch_labels_and_label_at_head() {
    let mut b = file(B, &[BASE], 2);
    b.branch_labels = vec!["billing".into()];
    let g = graph(vec![
        file(BASE, &[], 0),
        file(A, &[BASE], 1),
        b,
        file(C, &[B], 3),
    ]);
    let none = set(&[]);
    assert_eq!(g.resolve("billing@head", &none).unwrap(), ids(&[C]));
    assert_eq!(g.resolve("billing", &none).unwrap(), ids(&[B]));
    assert_eq!(g.resolve(&format!("{A}@head"), &none).unwrap(), ids(&[A]));
    assert_eq!(g.resolve("billing@head-1", &none).unwrap(), ids(&[B]));
    assert_eq!(
        g.plan_upgrade(&none, "billing@head").unwrap(),
        ids(&[BASE, B, C])
    );
    assert_eq!(
        g.branch_labels().into_iter().collect::<Vec<_>>(),
        vec![("billing".to_string(), B.to_string())]
    );
    assert_eq!(
        g.resolve(&format!("{BASE}@head"), &none).unwrap_err(),
        MigrationError::MultipleHeads {
            target: format!("{BASE}@head"),
            heads: ids(&[A, C]),
        }
    );
    assert!(matches!(
        g.resolve("billing@base", &none).unwrap_err(),
        MigrationError::InvalidTarget { .. }
    ));
    assert!(matches!(
        g.resolve("nolabel@head", &none).unwrap_err(),
        MigrationError::UnknownRevision { .. }
    ));
}

#[test]
fn depends_on_orders_and_cascades_like_alembic() {
    // Two independent roots; c depends on the other root's x (created later).
    let x = file("eeee00000005", &[], 9);
    let mut c = file(C, &[BASE], 1);
    c.depends_on = vec!["eeee00000005".into()];
    let g = graph(vec![file(BASE, &[], 0), c, x]);
    // depends_on does not make x a non-head (alembic: heads follow down_revision).
    assert_eq!(g.heads(), ids(&["eeee00000005", C]));
    assert_eq!(g.get(C).unwrap().dependencies, ids(&["eeee00000005"]));
    // Upgrading to c applies its dependency first.
    let order: Vec<&str> = g.revisions().iter().map(|r| r.id()).collect();
    assert_eq!(order, [BASE, "eeee00000005", C]);
    assert_eq!(
        g.plan_upgrade(&set(&[]), C).unwrap(),
        ids(&[BASE, "eeee00000005", C])
    );
    // Downgrading the dependency away takes its dependents with it.
    let all = set(&[BASE, C, "eeee00000005"]);
    assert_eq!(
        g.plan_downgrade(&all, BASE).unwrap(),
        ids(&[C, "eeee00000005"])
    );
}

#[test]
fn depends_on_a_branch_label() {
    let mut x = file("eeee00000005", &[], 0);
    x.branch_labels = vec!["auth".into()];
    let mut c = file(C, &[BASE], 1);
    c.depends_on = vec!["auth".into()];
    let g = graph(vec![file(BASE, &[], 0), c, x]);
    assert_eq!(g.get(C).unwrap().dependencies, ids(&["eeee00000005"]));
}

#[test]
fn applied_ids_unknown_to_the_graph() {
    let g = linear();
    let applied = set(&[BASE, A, "ffff00000000"]);
    assert_eq!(g.unknown_applied(&applied), ids(&["ffff00000000"]));
    assert_eq!(g.current_heads(&applied), ids(&[A]));
    assert_eq!(g.pending(&applied), ids(&[B, C]));
    // They are never planned: there is no file for them.
    assert_eq!(g.plan_downgrade(&applied, "base").unwrap(), ids(&[A, BASE]));
}

#[test]
fn history_ranges_newest_first() {
    let g = linear();
    let none = set(&[]);
    let list = |r: Option<&str>, applied: &BTreeSet<String>| -> Vec<String> {
        g.history(r, applied)
            .unwrap()
            .iter()
            .map(|r| r.id().to_string())
            .collect()
    };
    assert_eq!(list(None, &none), ids(&[C, B, A, BASE]));
    assert_eq!(list(Some(&format!("{A}:{B}")), &none), ids(&[B, A]));
    assert_eq!(list(Some(&format!("{B}:")), &none), ids(&[C, B]));
    assert_eq!(list(Some(&format!(":{A}")), &none), ids(&[A, BASE]));
    assert_eq!(
        list(Some("base:current"), &set(&[BASE, A])),
        ids(&[A, BASE])
    );
    assert_eq!(list(Some("current:"), &set(&[BASE, A])), ids(&[C, B, A]));
    assert!(matches!(
        g.history(Some("abcd"), &none).unwrap_err(),
        MigrationError::InvalidTarget { .. }
    ));
}

// ---- graph errors -----------------------------------------------------------

#[test]
fn duplicate_revision_names_both_files() {
    let err = RevisionGraph::new(vec![
        ("m/one.sql".into(), file(A, &[], 0)),
        ("m/two.sql".into(), file(A, &[], 1)),
    ])
    .unwrap_err();
    assert!(matches!(err, MigrationError::DuplicateRevision { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("m/one.sql") && msg.contains("m/two.sql") && msg.contains(A),
        "{msg}"
    );
}

#[test]
fn unknown_down_revision_names_file_and_line() {
    let text = format!(
        "-- revision: {A}\n-- down_revision: {B}\n-- message: x\n\n-- migrate:up\n-- migrate:down\n"
    );
    let f = MigrationFile::parse(&text, "m/a.sql").unwrap();
    let err = RevisionGraph::new(vec![("m/a.sql".into(), f)]).unwrap_err();
    assert!(matches!(err, MigrationError::UnknownDownRevision { .. }));
    let msg = err.to_string();
    assert!(msg.starts_with("m/a.sql:2:") && msg.contains(B), "{msg}");
}

#[test]
fn unknown_dependency_is_an_error() {
    let mut a = file(A, &[], 0);
    a.depends_on = vec!["nothing".into()];
    let err = RevisionGraph::new(named(vec![a])).unwrap_err();
    assert!(
        matches!(&err, MigrationError::UnknownDependency { missing, .. } if missing == "nothing"),
        "{err}"
    );
}

#[test]
fn cycle_names_its_revisions() {
    let err = RevisionGraph::new(named(vec![
        file(BASE, &[], 0),
        file(A, &[BASE, C], 1),
        file(B, &[A], 2),
        file(C, &[B], 3),
    ]))
    .unwrap_err();
    let MigrationError::Cycle { revisions } = &err else {
        panic!("expected a cycle, got {err}");
    };
    let on_cycle: BTreeSet<&str> = revisions.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(on_cycle, [A, B, C].into_iter().collect());
    let msg = err.to_string();
    assert!(msg.contains("migrations/") && !msg.contains(BASE), "{msg}");
}

#[test]
fn self_reference_is_a_cycle() {
    let err = RevisionGraph::new(named(vec![file(A, &[A], 0)])).unwrap_err();
    assert!(matches!(err, MigrationError::Cycle { ref revisions } if revisions.len() == 1));
}

#[test]
fn depends_on_cycle_is_a_cycle() {
    let mut base = file(BASE, &[], 0);
    base.depends_on = vec![A.into()];
    let err = RevisionGraph::new(named(vec![base, file(A, &[BASE], 1)])).unwrap_err();
    assert!(matches!(err, MigrationError::Cycle { .. }));
}

#[test]
fn branch_label_used_twice() {
    let mut a = file(A, &[], 0);
    a.branch_labels = vec!["x".into()];
    let mut b = file(B, &[A], 1);
    b.branch_labels = vec!["x".into()];
    let err = RevisionGraph::new(named(vec![a, b])).unwrap_err();
    assert!(matches!(err, MigrationError::DuplicateBranchLabel { ref label, .. } if label == "x"));
    let msg = err.to_string();
    assert!(msg.contains(A) && msg.contains(B), "{msg}");
}

#[test]
fn branch_label_equal_to_a_revision_id() {
    let mut a = file(A, &[], 0);
    a.branch_labels = vec![B.into()];
    let err = RevisionGraph::new(named(vec![a, file(B, &[A], 1)])).unwrap_err();
    assert!(matches!(err, MigrationError::LabelIsRevision { .. }));
}

// ---- properties over random DAGs ------------------------------------------

/// A random DAG: node i may point down to earlier nodes only.
fn random_files() -> impl Strategy<Value = Vec<MigrationFile>> {
    (1usize..12)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(any::<u32>(), n),
                prop::collection::vec(prop::collection::vec(any::<prop::sample::Index>(), 0..3), n),
                prop::collection::vec(prop::option::of(any::<prop::sample::Index>()), n),
                prop::collection::vec(prop::option::of(0u32..4), n),
            )
        })
        .prop_map(|(seeds, parents, deps, minutes)| {
            let ids: Vec<String> = seeds
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{s:08x}{i:04x}"))
                .collect();
            let mut files = Vec::new();
            for i in 0..ids.len() {
                let mut f = MigrationFile {
                    revision: ids[i].clone(),
                    created: minutes[i].map(|m| Utc.with_ymd_and_hms(2026, 1, 1, 0, m, 0).unwrap()),
                    ..MigrationFile::default()
                };
                if i > 0 {
                    for p in &parents[i] {
                        let p = ids[p.index(i)].clone();
                        if !f.down_revisions.contains(&p) {
                            f.down_revisions.push(p);
                        }
                    }
                    if let Some(d) = deps[i] {
                        f.depends_on.push(ids[d.index(i)].clone());
                    }
                }
                files.push(f);
            }
            files
        })
}

/// A random graph, a random ancestor-closed applied set and a random target.
fn scenario() -> impl Strategy<Value = (RevisionGraph, BTreeSet<String>, String)> {
    (
        random_files(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(files, start, target)| {
            let g = RevisionGraph::new(named(files)).expect("random DAGs are valid");
            let targets = targets_of(&g);
            let applied = g
                .stamp_set(&BTreeSet::new(), &targets[start.index(targets.len())])
                .unwrap();
            let target = targets[target.index(targets.len())].clone();
            (g, applied, target)
        })
}

fn targets_of(g: &RevisionGraph) -> Vec<String> {
    let mut t: Vec<String> = g.revisions().iter().map(|r| r.id().to_string()).collect();
    t.push("heads".into());
    t.push("base".into());
    t
}

fn requires(g: &RevisionGraph, id: &str) -> Vec<String> {
    let r = g.get(id).unwrap();
    r.down_revisions()
        .iter()
        .chain(&r.dependencies)
        .cloned()
        .collect()
}

fn target_for(g: &RevisionGraph, applied: &BTreeSet<String>) -> String {
    let heads = g.current_heads(applied);
    if heads.is_empty() {
        "base".into()
    } else {
        heads.join(",")
    }
}

proptest! {
    #[test]
    fn upgrade_then_downgrade_returns_to_the_start((g, start, target) in scenario()) {
        let up = g.plan_upgrade(&start, &target).unwrap();
        let mut applied = start.clone();
        for r in &up {
            prop_assert!(applied.insert(r.clone()), "{} planned twice or already applied", r);
        }
        let down = g.plan_downgrade(&applied, &target_for(&g, &start)).unwrap();
        for r in &down {
            prop_assert!(applied.remove(r));
        }
        prop_assert_eq!(&applied, &start);
        let up_set: BTreeSet<&String> = up.iter().collect();
        let down_set: BTreeSet<&String> = down.iter().collect();
        prop_assert_eq!(up_set, down_set);
    }

    #[test]
    fn upgrade_order_respects_every_edge((g, start, target) in scenario()) {
        let up = g.plan_upgrade(&start, &target).unwrap();
        let mut applied = start.clone();
        for r in &up {
            for req in requires(&g, r) {
                prop_assert!(applied.contains(&req), "{} planned before its parent {}", r, req);
            }
            applied.insert(r.clone());
        }
        // ... and reaches exactly the target's ancestors on top of the start.
        let mut expected = start.clone();
        expected.extend(g.stamp_set(&start, &target).unwrap());
        prop_assert_eq!(applied, expected);
    }

    #[test]
    fn downgrade_order_is_children_first((g, _start, target) in scenario()) {
        let all: BTreeSet<String> = g.revisions().iter().map(|r| r.id().to_string()).collect();
        let down = g.plan_downgrade(&all, &target).unwrap();
        let mut applied = all.clone();
        for r in &down {
            applied.remove(r);
            // Nothing still applied requires what was just removed.
            for other in &applied {
                prop_assert!(!requires(&g, other).contains(r), "{} removed before its child {}", r, other);
            }
        }
        prop_assert_eq!(applied, g.stamp_set(&all, &target).unwrap());
    }

    #[test]
    fn stamp_set_is_ancestor_closed((g, _start, target) in scenario()) {
        let s = g.stamp_set(&BTreeSet::new(), &target).unwrap();
        for id in &s {
            for req in requires(&g, id) {
                prop_assert!(s.contains(&req));
            }
        }
        for id in g.resolve(&target, &BTreeSet::new()).unwrap() {
            prop_assert!(s.contains(&id));
        }
    }

    #[test]
    fn relative_steps_are_prefixes_of_the_full_plans((g, start, _t) in scenario(), k in 0usize..14) {
        let up_all = g.plan_upgrade(&start, "heads").unwrap();
        match g.plan_upgrade(&start, &format!("+{k}")) {
            Ok(up) => prop_assert_eq!(&up[..], &up_all[..k]),
            Err(e) => {
                prop_assert!(k > up_all.len(), "{}", e);
            }
        }
        let down_all = g.plan_downgrade(&start, "base").unwrap();
        match g.plan_downgrade(&start, &format!("-{k}")) {
            Ok(down) => prop_assert_eq!(&down[..], &down_all[..k]),
            Err(e) => {
                prop_assert!(k > down_all.len(), "{}", e);
            }
        }
    }

    #[test]
    fn current_heads_of_a_closed_set_give_it_back((g, start, _t) in scenario()) {
        let again = g.stamp_set(&start, &target_for(&g, &start)).unwrap();
        prop_assert_eq!(again, start);
    }
}
