//! fb (fastapi-builder): builds FastAPI projects from versioned template packs and keeps them up to date.
//!
//! Dependencies point one way: `cli` → `ops` → `apply` → `pack`, `source`, `lock`, `project`.
//! Only `ui` writes to the terminal.

pub mod apply;
pub mod cli;
pub mod hash;
pub mod limits;
pub mod lint;
pub mod lock;
pub mod merge;
pub mod migrations;
pub mod names;
pub mod ops;
pub mod pack;
pub mod paths;
pub mod plan;
pub mod project;
pub mod source;
pub mod ui;
pub mod vcs;

/// The version of fb itself, compared against a pack's `fb = ">=…"` requirement.
pub const FB_VERSION: &str = env!("CARGO_PKG_VERSION");
