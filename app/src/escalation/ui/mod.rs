//! Pages of escalation.
