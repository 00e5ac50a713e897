//! Server-side plumbing every feature shares: application state, the clock, and the
//! context a server function runs in (who is asking, in which language, from where).

pub mod clock;
pub mod ctx;
pub mod download;
pub mod forms;
pub mod state;

pub use clock::{Clock, ManualClock, SystemClock};
pub use ctx::{ctx, Authed, Ctx, RequestInfo};
pub use state::AppState;

/// An ID from a request. One that does not parse names nothing, so it is "not found".
pub fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, crate::error::AppError> {
    s.parse::<T>().map_err(|_| crate::error::AppError::NotFound)
}
