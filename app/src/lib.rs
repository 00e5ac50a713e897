//! examhall's application crate: components, server functions and feature modules,
//! compiled for the server (`ssr`) and for the browser (`hydrate`).

// Leptos view types nest deeply; the default limit is too small for the page frame.
#![recursion_limit = "256"]

pub mod accounts;
pub mod attempts;
pub mod audit;
pub mod error;
pub mod escalation;
pub mod grading;
pub mod i18n;
pub mod ids;
pub mod jobs;
pub mod notifications;
pub mod papers;
pub mod question_bank;
pub mod reports;
pub mod retakes;
pub mod shell;
pub mod sittings;
pub mod time;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod server;

pub use shell::{shell, App};

#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
