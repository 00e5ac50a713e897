//! Notifications: in-app messages to candidates, organizers and interviewers, mailed too
//! when SMTP is configured. Stored as a kind and parameters, so each reader sees the text
//! in their own language.

pub mod api;
pub mod model;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
