//! Applies cargo-schema migrations synchronously over diesel connections.
