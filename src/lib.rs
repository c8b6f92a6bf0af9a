//! govgate: a governance gate runner for model evaluations.
//!
//! The pipeline, each arrow a plain function call:
//!
//! ```text
//! inputs ──▶ evidence::load ──▶ Evidence
//! rubric YAML ──▶ rubric::parse ──▶ Rubric
//! (Evidence, Rubric) ──▶ checks::run ──▶ Vec<Outcome> ──▶ level::roll_up ──▶ Verdict
//! Verdict ──▶ report::{table, json} ──▶ exit code
//! ```

pub mod app;
pub mod checks;
pub mod cli;
pub mod comparability;
pub mod diag;
pub mod error;
pub mod evidence;
#[doc(hidden)]
pub mod fuzzing;
pub mod inspect;
pub mod level;
pub mod manifest;
pub mod model;
pub mod num;
pub mod progress;
pub mod report;
pub mod rubric;
pub mod stats;
pub mod text;
pub mod warehouse;
pub mod yaml;
