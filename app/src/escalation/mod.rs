//! Escalation (约谈): cases for candidates who failed every allowed retake and for the
//! weakest units, their workflow (open → scheduled → interviewed → closed), the dossier,
//! and who may see and act on them.

pub mod api;
pub mod domain;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
