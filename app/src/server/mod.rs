//! Server-side plumbing every feature shares: application state, the clock, and the
//! context a server function runs in (who is asking, in which language, from where).

pub mod clock;
pub mod ctx;
pub mod forms;
pub mod state;

pub use clock::{Clock, ManualClock, SystemClock};
pub use ctx::{ctx, Authed, Ctx, RequestInfo};
pub use state::AppState;
