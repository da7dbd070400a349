//! The revision graph a run executes, built only when the run needs it: an
//! `upgrade` of embedded migrations at head is answered from the version
//! table alone.

use std::borrow::Cow;
use std::cell::OnceCell;

use schema_core::migration::RevisionGraph;

use crate::error::Result;

/// The graph reduced to the sections one dialect executes, loaded at first
/// use and kept for the rest of the run.
pub(crate) struct RunGraph<'a> {
    load: Option<Box<dyn Fn() -> Result<Cow<'a, RevisionGraph>> + 'a>>,
    graph: OnceCell<Cow<'a, RevisionGraph>>,
}

impl<'a> RunGraph<'a> {
    /// A graph already built.
    pub(crate) fn ready(graph: Cow<'a, RevisionGraph>) -> RunGraph<'a> {
        RunGraph {
            load: None,
            graph: OnceCell::from(graph),
        }
    }

    /// A graph `load` builds when it is first asked for.
    pub(crate) fn lazy(load: impl Fn() -> Result<Cow<'a, RevisionGraph>> + 'a) -> RunGraph<'a> {
        RunGraph {
            load: Some(Box::new(load)),
            graph: OnceCell::new(),
        }
    }

    /// The graph, built now if it was not yet; a failed build is tried again
    /// (and fails again) on the next call.
    pub(crate) fn get(&self) -> Result<&RevisionGraph> {
        if let Some(g) = self.graph.get() {
            return Ok(g);
        }
        let load = self
            .load
            .as_ref()
            .expect("a graph without a loader is built from the start");
        let built = load()?;
        Ok(self.graph.get_or_init(|| built))
    }
}
