//! Pages of retakes.
