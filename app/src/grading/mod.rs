//! Grading: validating a candidate's saved response and scoring items and papers.

pub mod domain;
pub mod model;
