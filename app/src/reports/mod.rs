//! Reports: exam, sitting, unit and person reports, unit rankings and item analysis, read
//! from per-candidate aggregates that the job runner keeps current, and their exports.

pub mod api;
pub mod domain;
pub mod figures;
pub mod items;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod refresh;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
