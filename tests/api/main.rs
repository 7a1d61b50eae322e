//! The integration tests: one binary, each module a capability, all over real HTTP against
//! the real server on a random loopback port.

// Not every module uses every helper.
#[allow(dead_code)]
mod helpers;

mod catalog;
mod imports;
mod maps;
mod openapi;
