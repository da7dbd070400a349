//! The blog example: models and the start-up routine.

pub mod models;
