//! Reports (issue 6, in progress): the statistics every report is computed with. The
//! pages, aggregates and exports are still to come.

pub mod domain;
