//! Pure statistics: no I/O, no global state, every function a formula with a reference.
//!
//! Each function's doc comment names the formula and the reference implementation it
//! matches; `tests/stats_reference.rs` compares against values that reference computed
//! (`scripts/reference/`, see DEVELOPERS.md).

pub mod binning;
pub mod bootstrap;
pub mod calibration;
pub mod cbpe;
pub mod cluster;
pub mod describe;
pub mod drift;
pub mod fairness;
pub mod hypergeometric;
pub mod inference;
pub mod isotonic;
pub mod ks;
pub mod mcnemar;
pub mod multiplicity;
pub mod normal;
pub mod power;
pub mod proportion;
pub mod rank;
pub mod rng;
pub mod sequential;
pub mod twosample;
pub mod ztest;
