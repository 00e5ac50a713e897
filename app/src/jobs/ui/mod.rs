//! Pages of jobs.
