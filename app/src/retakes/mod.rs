//! Retakes (补考): who must sit an exam again after a sitting closes, into which retake
//! sitting, and when a failed chain is escalated to an interview (约谈).

pub mod api;
pub mod domain;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
