//! The operation lists of the published API texts (`tests/conformance/*.json`), as data.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One API text's operations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// The text the facts come from, by title.
    pub source: String,
    /// `camelCase` when the text names parameters as a JavaScript SDK does (the
    /// `mypos-api-gateway` README's `itemPrice` for the wire's `item_price`): the SDK's wire
    /// names are compared in that spelling. Absent: the text gives the wire names themselves.
    #[serde(default)]
    pub spelling: Option<String>,
    pub operations: Vec<TextOperation>,
}

/// One operation as the text gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextOperation {
    /// The SDK operation that sends this form (`manage.check_in_by_pos_id`); absent for a
    /// form the SDK does not send (the GET twin of a POST form, the token endpoint).
    #[serde(default)]
    pub sdk: Option<String>,
    pub method: String,
    pub path: String,
    #[serde(default)]
    pub path_params: Vec<String>,
    #[serde(default)]
    pub query: Vec<String>,
    /// Wire names, nested ones dotted (`instructedAmount.amount`).
    #[serde(default)]
    pub body: Vec<String>,
    #[serde(default)]
    pub headers: Vec<String>,
    /// Parameters the SDK accepts beyond the text (from the standard the text follows), each
    /// optional and explained in `note`. A name covers the fields nested under it.
    #[serde(default)]
    pub beyond_text: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl TextOperation {
    /// `GET /v1/accounts` (`accounts.list`).
    pub fn label(&self) -> String {
        match &self.sdk {
            Some(sdk) => format!("{sdk} ({} {})", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

/// The folder of the fixtures: `tests/conformance` at the repository's root.
pub fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("tests")
        .join("conformance")
}

/// Every fixture, by API name (the file's stem: `mobilepay`, `psd2`, `gateway`…), sorted.
pub fn all() -> Vec<(String, Fixture)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder())
        .expect("tests/conformance exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let api = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("a UTF-8 file name")
                .to_string();
            let text = std::fs::read_to_string(&path).expect("a readable fixture");
            let fixture: Fixture = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not a fixture: {e}", path.display()));
            (api, fixture)
        })
        .collect()
}
