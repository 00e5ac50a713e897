//! Pages of attempts: the candidate's start page, exam page, submit summary and
//! confirmation, and the staff's invigilation and regrade pages.

mod candidate;
mod exam;
mod proctor;
mod regrade;

pub use candidate::{AttemptDonePage, CandidateAttempts, StartPage, SubmitPage};
pub use exam::AttemptPage;
pub use proctor::ProctorPage;
pub use regrade::RegradePage;
