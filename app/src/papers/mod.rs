//! Exams and their papers: sections, fixed questions, draw rules, scoring options.

pub mod api;
pub mod domain;
pub mod model;

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
