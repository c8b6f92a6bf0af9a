pub mod error;
pub mod evidence;
pub mod model;
pub mod rubric;
pub mod stats;
