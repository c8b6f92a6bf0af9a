#![no_main]
//! Fuzz target `helm_table`: see `govgate::fuzzing::helm_table`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| govgate::fuzzing::helm_table(data));
