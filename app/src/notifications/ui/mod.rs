//! Pages of notifications.
