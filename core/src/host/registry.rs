//! The operation registry: every operation of a client type, callable by name with JSON text
//! in the host's casing.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use serde::Serialize;
use serde_json::{Map, Value};

use super::casing::{Case, iterator_name};
use super::renamer::Renamer;
use crate::MerchantClient;
use crate::answer::Answer;
use crate::endpoint::{Executor, Operation, OperationInfo};
use crate::error::{Error, Result};
use crate::raw::RawRequest;

/// An operation as a host shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HostOperation {
    /// What to pass to [`Api::call`].
    pub name: &'static str,
    /// Where the method lives on the client, in the host's casing (`banking.getAccounts`).
    pub path: String,
    /// Path parameters, taken positionally, in the host's casing.
    pub positional: Vec<String>,
    pub doc: &'static str,
    /// For a paged list: the method that iterates over every item, fetching pages lazily
    /// (`list` → `list_all`, `get_accounts` → `iter_accounts`), in the host's casing.
    pub iterator: Option<String>,
}

struct Entry<C: 'static> {
    operation: &'static dyn Operation<C>,
    info: OperationInfo,
    request: OnceLock<Value>,
    response: OnceLock<Value>,
    /// Request and response renamers, per [`Case`], compiled on first use.
    renamers: [OnceLock<(Renamer, Renamer)>; 2],
}

impl<C> Entry<C> {
    fn renamers(&self, case: Case) -> &(Renamer, Renamer) {
        self.renamers[case as usize].get_or_init(|| {
            let request = self.request.get_or_init(|| self.operation.request_schema());
            let response = self
                .response
                .get_or_init(|| self.operation.response_schema());
            (Renamer::new(request, case), Renamer::new(response, case))
        })
    }

    /// A typed answer as JSON text in the host's casing.
    fn host_answer(&self, answer: &dyn Answer, case: Case) -> Result<String> {
        answer.host_text(&self.renamers(case).1)
    }
}

/// The operations of one client type.
pub struct Api<C: 'static> {
    entries: HashMap<&'static str, Entry<C>>,
}

impl<C: Executor + 'static> Api<C> {
    fn new(operations: Vec<&'static dyn Operation<C>>) -> Self {
        let entries = operations
            .into_iter()
            .map(|operation| {
                let info = operation.info();
                (
                    info.name,
                    Entry {
                        operation,
                        info,
                        request: OnceLock::new(),
                        response: OnceLock::new(),
                        renamers: Default::default(),
                    },
                )
            })
            .collect();
        Self { entries }
    }

    /// Every operation, sorted by name, as `case` spells it.
    pub fn operations(&self, case: Case) -> Vec<HostOperation> {
        let mut list: Vec<_> = self
            .entries
            .values()
            .map(|e| HostOperation {
                name: e.info.name,
                path: case.apply_path(e.info.name),
                positional: e.info.positional.iter().map(|p| case.apply(p)).collect(),
                doc: e.info.doc,
                iterator: e
                    .info
                    .paged
                    .then(|| case.apply_path(&iterator_name(e.info.name))),
            })
            .collect();
        list.sort_by_key(|op| op.name);
        list
    }

    /// Calls operation `name` with `args` (a JSON object in the host's casing) and returns the
    /// answer as JSON text in the host's casing.
    pub async fn call(&self, client: &C, name: &str, args: &str, case: Case) -> Result<String> {
        let entry = self.entries.get(name).ok_or_else(|| {
            Error::invalid(
                "operation",
                format!("`{name}` is not an operation of this client"),
            )
        })?;
        let mut args: Value = if args.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_str(args)
                .map_err(|e| Error::invalid("request", format!("is not valid JSON: {e}")))?
        };
        if args.is_null() {
            args = Value::Object(Map::new());
        }
        entry.renamers(case).0.to_wire(&mut args)?;
        let answer = entry.operation.call_answer(client, args).await?;
        entry.host_answer(&*answer, case)
    }

    /// Test hook: what [`Api::call`] returns for operation `name` when the API answers `status`
    /// with `body`: the operation's decoder, then the renaming. `None` for an unknown name and
    /// for a flow (see [`Operation::decode_answer`]).
    #[doc(hidden)]
    pub fn decode_answer(
        &self,
        name: &str,
        status: u16,
        body: &[u8],
        case: Case,
    ) -> Option<Result<String>> {
        let entry = self.entries.get(name)?;
        let answer = entry.operation.decode_answer(status, body)?;
        Some(answer.and_then(|answer| entry.host_answer(&*answer, case)))
    }

    /// A raw request (`method`, `path`, optional `query` and `json`), JSON text in and out.
    /// Bodies are passed through as the API spells them; no keys are renamed.
    pub async fn raw(&self, client: &C, spec: &str) -> Result<String> {
        let request: RawRequest = serde_json::from_str::<Value>(spec)
            .map_err(|e| Error::invalid("request", format!("is not valid JSON: {e}")))
            .and_then(crate::endpoint::request_from)?;
        Ok(request.send(client).await?.to_string())
    }

    /// Test hook: what each operation sends, sorted by name (flows, which send several
    /// requests, are left out).
    #[doc(hidden)]
    pub fn wire_shapes(&self) -> Vec<crate::endpoint::WireShape> {
        let mut shapes: Vec<_> = self
            .entries
            .values()
            .filter_map(|e| e.operation.wire_shape())
            .collect();
        shapes.sort_by_key(|shape| shape.info.name);
        shapes
    }

    /// The JSON Schemas of operation `name`: request and response.
    pub fn schemas(&self, name: &str) -> Option<(Value, Value)> {
        let entry = self.entries.get(name)?;
        Some((
            entry.operation.request_schema(),
            entry.operation.response_schema(),
        ))
    }
}

/// The Gateway operations of a [`MerchantClient`].
pub fn gateway() -> &'static Api<MerchantClient> {
    static API: LazyLock<Api<MerchantClient>> =
        LazyLock::new(|| Api::new(crate::gateway::operations()));
    &API
}

/// The MobilePay point-of-sale operations of a [`MobilePayPos`](crate::mobilepay::MobilePayPos):
/// its endpoints and its flows.
pub fn mobilepay() -> &'static Api<crate::mobilepay::MobilePayPos> {
    static API: LazyLock<Api<crate::mobilepay::MobilePayPos>> =
        LazyLock::new(|| Api::new(crate::mobilepay::operations()));
    &API
}

/// The PSD2 operations of a [`Psd2Client`](crate::psd2::Psd2Client).
pub fn psd2() -> &'static Api<crate::psd2::Psd2Client> {
    static API: LazyLock<Api<crate::psd2::Psd2Client>> =
        LazyLock::new(|| Api::new(crate::psd2::operations()));
    &API
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each paged list names its iterator on its definition line (`iterated by …`), which is
    /// the Rust method; the hosts derive theirs by [`iterator_name`]: the two must agree.
    fn iterators_agree<C: 'static>(api: &Api<C>) {
        for entry in api.entries.values() {
            let info = &entry.info;
            let expected = info.paged.then(|| iterator_name(info.name));
            let named = info
                .iterator
                .map(|iterator| match info.name.rsplit_once('.') {
                    Some((namespace, _)) => format!("{namespace}.{iterator}"),
                    None => iterator.to_string(),
                });
            assert_eq!(named, expected, "{}", info.name);
        }
    }

    #[test]
    fn every_paged_list_has_the_hosts_iterator_in_rust() {
        iterators_agree(gateway());
        iterators_agree(mobilepay());
        // PSD2's transaction lists page by the answer's links, not a page number: their
        // `iter_transactions` are written by hand (`psd2::accounts::stream`).
        for entry in psd2().entries.values() {
            assert_eq!(entry.info.iterator, None, "{}", entry.info.name);
        }
    }
}
