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

pub mod diag;
pub mod error;
pub mod evidence;
pub mod model;
pub mod rubric;
pub mod stats;
