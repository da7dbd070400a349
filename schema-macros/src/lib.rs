//! `#[derive(Model)]` and `embed_migrations!()`: thin shells over schema-core.
