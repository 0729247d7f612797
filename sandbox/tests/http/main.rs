//! The sandbox over real HTTP on loopback. One test binary, one module per area.

mod business;
mod common;
mod concurrency;
mod control;
mod faults;
mod identity;
mod lifecycle;
