//! Reports (issue 6, in progress): the statistics every report is computed with and the
//! exam overview. Sitting, unit and person reports, rankings, item analysis, aggregates
//! and exports are still to come.

pub mod api;
pub mod domain;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod service;
