#![no_main]
//! Fuzz target `records`: see `govgate::fuzzing::records`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::records(data));
