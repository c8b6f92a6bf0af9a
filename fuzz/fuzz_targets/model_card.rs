#![no_main]
//! Fuzz target `model_card`: see `govgate::fuzzing::model_card`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::model_card(data));
