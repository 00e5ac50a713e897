//! Exams and their papers: sections, fixed questions, draw rules, scoring options.

pub mod api;
pub mod domain;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
