//! End-to-end tests of the generated `atlas-admin` crate live in `tests/`.
