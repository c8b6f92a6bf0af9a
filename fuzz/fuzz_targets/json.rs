#![no_main]
//! Fuzz target `json`: see `govgate::fuzzing::json_reader`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::json_reader(data));
