//! Persistent background jobs: closing sittings, re-evaluating retake chains after a
//! regrade, escalating weak units and mailing notifications. Jobs survive restarts, run
//! once per idempotency key, retry with backoff and keep their failures visible.

pub mod domain;
pub mod model;

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

pub mod api;
pub mod ui;
