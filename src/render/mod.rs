//! render: turns result structs into terminal text, JSON or HTML; nothing below the CLI prints.

pub mod compare;
pub mod corpus;
pub mod dedup;
pub mod html;
pub mod search;
pub mod term;
pub mod web;
