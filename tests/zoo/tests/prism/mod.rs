//! The same recording as `atlas-admin`'s end-to-end run against Prism, for the fixture
//! crate's generated `e2e_prism.rs` (compiled here; run only against the real spec).

// The fixture's calls need not use every helper (`preferring`).
#[allow(dead_code)]
#[path = "../../../../atlas-admin/tests/prism/mod.rs"]
mod recording;

pub use recording::*;
