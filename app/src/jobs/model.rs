//! Wire types of the background-job overview admins see.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

crate::uuid_id!(
    /// A persistent background job.
    JobId
);

/// A job that has failed at least once (still retrying, or given up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobProblem {
    pub id: JobId,
    pub kind: String,
    pub key: String,
    pub attempts: i32,
    pub last_error: String,
    pub next_run: Timestamp,
    /// Set when the job has used all its attempts.
    pub failed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsOverview {
    pub pending: i64,
    pub done: i64,
    pub problems: Vec<JobProblem>,
}
