//! The bridge the Python and Node packages stand on: every operation callable by name with
//! JSON text, keys in the host's casing. Casing is decided here, from the same JSON Schema the
//! typings are generated from, so map keys (field errors, metadata) keep their spelling.
//!
//! One file per concern: `casing` (how a host spells names), `registry` (every operation
//! by name), `renamer` (keys between the wire and the host's casing), `settings` (each
//! API's configuration from plain data), `errors` (an error as a host raises it),
//! [`psd2_client`] (a PSD2 client's tokens and links as plain data) and `runtime` (the tokio
//! runtime a host runs its calls on).

mod casing;
mod errors;
pub mod psd2_client;
mod registry;
mod renamer;
mod runtime;
mod settings;

pub use crate::answer::Answer;
pub use casing::{Case, iterator_name};
pub use errors::error_json;
pub use registry::{Api, HostOperation, gateway, mobilepay, psd2};
pub use renamer::Renamer;
pub use runtime::{runtime_builder, worker_threads};
pub use settings::{
    duration, gateway_config, mobilepay_config, mobilepay_with_options, psd2_config, with_options,
};
