//! Wire types of grading, compiled for the server and the browser. None holds a key.

use serde::{Deserialize, Serialize};

use crate::question_bank::model::QuestionType;

/// A candidate's answer to one item, in the candidate's own (shown) option order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// Chosen options as shown indices (0 = the first option the candidate saw). Empty = no answer.
    Choice(Vec<u8>),
    TrueFalse(bool),
    /// One text per blank; empty text = blank left empty.
    Blanks(Vec<String>),
}

/// What an item accepts, so a save can be checked without the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemShape {
    pub qtype: QuestionType,
    /// Options shown (choice types); 0 for the others.
    pub options: u8,
    /// Blanks of a fill-in item; 0 for the others.
    pub blanks: u8,
}
