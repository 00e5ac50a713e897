//! Sittings (场次): scheduling, candidate assignment, accommodations, per-candidate papers.

pub mod api;
pub mod domain;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
