//! `mypos/types.py` (TypedDicts, importable at runtime) and `mypos/_client.pyi` (the clients).

use std::collections::{BTreeMap, BTreeSet};

use super::{Body, ClientSurface, Dir, Field, Method, Model, Namespace, Surface, Ty};
use super::{clients, doc_text, header, pascal, with_defaults};
use mypos::host::Case;

/// `bindings-python/python/mypos/types.py`.
pub fn python_types() -> String {
    types(&Surface::new(clients()))
}

/// `bindings-python/python/mypos/_client.pyi`.
pub fn python_stub() -> String {
    with_defaults(&stub(&Surface::new(clients())))
}

/// `bindings-python/python/mypos/<module>.pyi`: the clients that live in another module than
/// `_client.py` (`mobilepay`).
pub fn python_module_stub(module: &str) -> String {
    with_defaults(&module_stub(&Surface::new(clients()), module))
}

pub(super) fn types(surface: &Surface) -> String {
    let mut py = Python::new(surface);
    let emitted = surface.emitted();
    let mut classes = String::new();
    let mut aliases = String::new();
    for (name, model, dir) in &emitted {
        match &model.body {
            Body::Object { fields, .. } => classes += &py.class(name, model, fields, *dir),
            Body::Alias(ty) => aliases += &py.alias(name, model, ty, *dir),
        }
    }
    let generic = emitted.iter().any(|(_, m, _)| m.generic);
    if generic {
        py.import("typing", "Generic");
        py.import("typing", "TypeVar");
    }
    let mut out = header("#");
    out += "\"\"\"The data the API takes and returns: a TypedDict per object, a Literal per enum.\n\n\
            Answers are plain dicts (keys in snake_case); these types describe them.\n\"\"\"\n\n\
            from __future__ import annotations\n\n";
    out += &py.imports();
    out += "\n__all__ = [\n";
    for (name, _, _) in &emitted {
        out += &format!("    \"{name}\",\n");
    }
    out += "]\n";
    if generic {
        out += "\nT = TypeVar(\"T\")\n";
    }
    if !aliases.is_empty() {
        aliases.insert(0, '\n');
    }
    out + &classes + &aliases
}

pub(super) fn stub(surface: &Surface) -> String {
    let mut py = Python::new(surface);
    py.stub = true;
    py.import("typing", "Any");
    let mut body = String::new();
    for client in surface.clients.iter().filter(|c| c.style.module.is_none()) {
        body += &py.client(client);
    }
    let mut out = header("#");
    out += "\"\"\"The typed surface of `_client.py`: the gateway, its clients and their methods.\"\"\"\n\n";
    out += &py.imports();
    out + CONSTANTS + GATEWAY + &body
}

/// Mirrors `_client.py`: its constants and the token store.
const CONSTANTS: &str = r#"
DEMO_GATEWAY_URL: str
PRODUCTION_GATEWAY_URL: str

class RedisTokenStore:
    """A Redis server the processes of a fleet share the partner token and merchant sessions
    through: the fleet fetches one token, and one session per merchant, instead of one per
    process. Pass it to `Gateway(..., token_store=...)`.

    `encryption_key`: 32 bytes, or their base64 text (`openssl rand -base64 32`); tokens and
    sessions are encrypted with it in Redis. Required unless `unencrypted=True`.
    `key_prefix` starts every key the SDK writes. The URL's password never shows in `repr`.
    """

    key_prefix: str
    unencrypted: bool
    def __init__(
        self,
        url: str,
        *,
        encryption_key: bytes | str | None = None,
        key_prefix: str = "mypos",
        unencrypted: bool = False,
    ) -> None: ...
"#;

/// The text of both `Gateway` stubs, written once.
macro_rules! gateway_class {
    () => {
        r#"
class Gateway:
    """One partner integration on one myPOS gateway, for any number of merchants.

    Owns the connection pool and the partner's OAuth token; merchant clients share both.
    The configuration is checked here, before any request: a malformed field raises
    `ConfigError` naming it.
    """

    def __init__(
        self,
        *,
        gateway_url: str = DEMO_GATEWAY_URL,
        integration: dict[str, str],
        partner_id: str,
        application_id: str,
        timeout: float = @DEFAULT_TIMEOUT_S@,
        connect_timeout: float = @DEFAULT_CONNECT_TIMEOUT_S@,
        max_retries: int = @DEFAULT_MAX_RETRIES@,
        max_response_bytes: int = @DEFAULT_MAX_RESPONSE_BYTES@,
        tls: dict[str, str] | None = None,
        token_store: RedisTokenStore | None = None,
    ) -> None: ...
    @property
    def base_url(self) -> str:
        """The base URL calls go to (`url` is the same)."""
    @property
    def url(self) -> str: ...
    def close(self) -> None:
        """Closes pooled connections; calls through this gateway's clients then raise
        `ConfigError`. `with Gateway(...) as gateway:` (or `async with`) closes at the end."""
    def __enter__(self) -> Gateway: ...
    def __exit__(self, *exc: object) -> None: ...
    async def __aenter__(self) -> Gateway: ...
    async def __aexit__(self, *exc: object) -> None: ...
    def create_client(self, *, client_id: str, client_secret: str) -> MerchantClient:
        """A client for one merchant (`cli_…` / `sec_…`). Its session is opened on first use."""
"#
    };
}

/// Mirrors `sync.py`: its `Gateway` has the same surface as `_client.py`'s; the clients it
/// makes are that module's blocking ones.
pub(super) const SYNC_PREAMBLE: &str = concat!(
    "\nfrom ._client import DEMO_GATEWAY_URL, RedisTokenStore\n",
    gateway_class!()
);

/// Mirrors `_client.py`: the gateway.
const GATEWAY: &str = gateway_class!();

/// Mirrors `sync.py`: the hand-written members of its `MerchantClient`.
pub(super) const SYNC_MERCHANT_CLIENT: &str = r#"
    def __init__(self, native: Any) -> None: ...
    @property
    def client_id(self) -> str:
        """The merchant's client id (`cli_…`)."""
    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        connect_timeout: float | None = None,
    ) -> MerchantClient:
        """The same merchant (same session) with other limits for calls made through it."""
    def request(
        self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """An authenticated request the SDK does not type yet (see the async `request`)."""
"#;

/// Mirrors `_client.py`: the hand-written members of `MerchantClient`.
pub(super) const MERCHANT_CLIENT: &str = r#"
    def __init__(self, native: Any) -> None: ...
    @property
    def client_id(self) -> str:
        """The merchant's client id (`cli_…`)."""
    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        connect_timeout: float | None = None,
    ) -> MerchantClient:
        """The same merchant (same session) with other limits for calls made through it:
        `await client.with_options(timeout=5, max_retries=0).banking.get_accounts()`.
        `timeout` is in seconds and covers every attempt; 0 retries disables retrying;
        `connect_timeout` bounds opening each connection."""
    async def request(
        self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """An authenticated request the SDK does not type yet, e.g.
        `await client.request("GET", "/accounting/v1/accounts", query={"page": 2})`.

        Same tokens, replay and errors as every typed method; `query` and `json` are sent and
        the answer returned as the API spells them (no renaming)."""
"#;

pub(super) fn module_stub(surface: &Surface, module: &str) -> String {
    let mut py = Python::new(surface);
    py.stub = true;
    py.import("typing", "Any");
    let clients: Vec<_> = surface
        .clients
        .iter()
        .filter(|c| c.style.module == Some(module))
        .collect();
    let mut body = String::new();
    for client in &clients {
        body += &py.client(client);
    }
    let mut names: Vec<&str> = clients.iter().map(|c| c.name).collect();
    names.extend(clients.iter().flat_map(|c| c.style.python_exports));
    let mut out = header("#");
    out += &format!(
        "\"\"\"The typed surface of `{module}.py`: {} and its methods.\"\"\"\n\n",
        names.join(", ")
    );
    out += &py.imports();
    out += &format!(
        "\n__all__ = [{}]\n",
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for client in &clients {
        out += client.style.python_preamble;
    }
    out + &body
}

/// Mirrors `psd2.py`: its module-level names.
pub(super) const PSD2_PREAMBLE: &str = r#"
from collections.abc import Callable, Mapping

DEFAULT_PSD2_URL: str
#: Called as `on_tokens(holder_id, tokens)` with every new or rotated token set.
TokenListener = Callable[[str, dict[str, Any]], None]
"#;

/// The text of both `Psd2Client` stubs' hand-written members, written once: `$def` is how its
/// calls are declared (`async def` or `def`).
macro_rules! psd2_client {
    ($def:literal) => {
        concat!(
            r#"
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        base_url: str = ...,
        token_url: str | None = None,
        redirect_uri: str | None = None,
        api_key: str | None = None,
        client_auth: str = "body",
        tls: dict[str, str] | None = None,
        on_tokens: TokenListener | None = None,
        timeout: float = @DEFAULT_TIMEOUT_S@,
        connect_timeout: float = @DEFAULT_CONNECT_TIMEOUT_S@,
        max_retries: int = @DEFAULT_MAX_RETRIES@,
        max_response_bytes: int = @DEFAULT_MAX_RESPONSE_BYTES@,
    ) -> None: ...
    @property
    def base_url(self) -> str:
        """The base URL calls go to (`url` is the same)."""
    @property
    def url(self) -> str: ...
    @property
    def holder_id(self) -> str | None:
        """The account holder this client acts for; None for the TPP's own client."""
    @property
    def tokens(self) -> dict[str, Any] | None:
        """The holder's current tokens (what `on_tokens` was last given)."""
    def authorization_url(
        self, target: Mapping[str, Any] | str, *, state: str | None = None, redirect_uri: str | None = None
    ) -> str:
        """Where to send the holder to approve a created consent or payment (or a link)."""
    "#,
            $def,
            r#" exchange_code(self, code: str, *, holder_id: str, redirect_uri: str | None = None) -> Psd2Client:
        """The holder came back with `code`: their client."""
    def account_holder(self, holder_id: str, tokens: dict[str, Any]) -> Psd2Client:
        """A holder's client from tokens you kept (what `on_tokens` gave you)."""
    def with_options(
        self, *, timeout: float | None = None, connect_timeout: float | None = None, max_retries: int | None = None
    ) -> Psd2Client:
        """The same client (same holder and tokens) with other limits for its calls."""
    "#,
            $def,
            r#" request(
        self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """An authenticated request the SDK does not type yet (same tokens and errors)."""
"#
        )
    };
}

/// Mirrors `psd2.py`: the hand-written members of `Psd2Client`.
pub(super) const PSD2_CLIENT: &str = psd2_client!("async def");

/// Mirrors `sync.py`: the hand-written members of its `Psd2Client`.
pub(super) const SYNC_PSD2_CLIENT: &str = psd2_client!("def");

/// Mirrors `sync.py`: what its `Psd2Client` stub needs from elsewhere.
pub(super) const SYNC_PSD2_PREAMBLE: &str = r#"
from collections.abc import Mapping

from .psd2 import TokenListener
"#;

/// Mirrors `mobilepay.py`: the hand-written members of `MobilePayPos`.
pub(super) const MOBILEPAY_POS: &str = r#"
    def __init__(
        self,
        *,
        base_url: str,
        bio_code: str,
        access_token: str | None = None,
        timeout: float = @DEFAULT_TIMEOUT_S@,
        connect_timeout: float = @DEFAULT_CONNECT_TIMEOUT_S@,
        max_retries: int = @DEFAULT_MAX_RETRIES@,
        max_response_bytes: int = @DEFAULT_MAX_RESPONSE_BYTES@,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def bio_code(self) -> str: ...
    def with_options(
        self, *, timeout: float | None = None, connect_timeout: float | None = None, max_retries: int | None = None
    ) -> MobilePayPos:
        """The same merchant, token and connections with other limits for the calls made
        through it (seconds), as a Gateway merchant client's `with_options`."""
    def with_access_token(self, access_token: str) -> MobilePayPos:
        """The same merchant and connections with another access token, e.g. the one
        `manage.create_token()` or `manage.reset_token()` answered with (its `message`)."""
"#;

struct Python<'a> {
    surface: &'a Surface,
    /// The prefix of the namespace classes of the client being printed.
    prefix: &'static str,
    /// Printing a type alias of `types.py`: its value is evaluated at runtime, on Python 3.9
    /// too, so unions are `Union[…]` and models are quoted (they may be defined later).
    runtime: bool,
    /// Printing `_client.pyi`: models are imported from `.types`.
    stub: bool,
    /// Printing a client of the sync API: plain methods and iterators.
    blocking: bool,
    /// Printing a sync client whose methods take a `timeout` for the whole call.
    deadline: bool,
    /// The names the members of the class being printed hide.
    shadowed: BTreeSet<String>,
    imports: BTreeMap<&'static str, BTreeSet<String>>,
}

impl<'a> Python<'a> {
    fn new(surface: &'a Surface) -> Self {
        Self {
            surface,
            prefix: "",
            runtime: false,
            blocking: false,
            deadline: false,
            stub: false,
            shadowed: BTreeSet::new(),
            imports: BTreeMap::new(),
        }
    }

    fn import(&mut self, module: &'static str, name: &str) {
        self.imports
            .entry(module)
            .or_default()
            .insert(name.to_string());
    }

    /// The `from … import …` lines: the standard library, typing_extensions, then `.types`.
    fn imports(&self) -> String {
        let line = |module: &str, names: &BTreeSet<String>| {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let line = format!("from {module} import {}\n", names.join(", "));
            if line.len() <= 100 {
                return line;
            }
            let names: String = names.iter().map(|n| format!("    {n},\n")).collect();
            format!("from {module} import (\n{names})\n")
        };
        let mut out = String::new();
        for (module, names) in self.imports.iter().filter(|(m, _)| !m.starts_with('.')) {
            out += &match names.is_empty() {
                true => format!("import {module}\n"),
                false => line(module, names),
            };
        }
        if let Some(names) = self.imports.get(".types") {
            out += "\n";
            out += &line(".types", names);
        }
        out
    }

    /// A type expression.
    fn ty(&mut self, ty: &Ty, dir: Dir) -> String {
        match ty {
            Ty::Any => {
                self.import("typing", "Any");
                "Any".into()
            }
            Ty::Null => "None".into(),
            Ty::Bool => self.builtin("bool"),
            Ty::Int => self.builtin("int"),
            Ty::Float => self.builtin("float"),
            Ty::Str => self.builtin("str"),
            Ty::Decimal if dir == Dir::Response => self.builtin("str"),
            Ty::Decimal => {
                self.import("decimal", "Decimal");
                let parts = vec!["Decimal".into(), self.builtin("int"), self.builtin("str")];
                self.join(parts)
            }
            Ty::Literal(_) => self.ty(&Ty::Union(vec![ty.clone()]), dir),
            Ty::List(item) => format!("{}[{}]", self.builtin("list"), self.ty(item, dir)),
            Ty::Map(value) => {
                let (dict, key) = (self.builtin("dict"), self.builtin("str"));
                format!("{dict}[{key}, {}]", self.ty(value, dir))
            }
            Ty::Model(name) => {
                let name = self.surface.name(name, dir);
                self.model_ref(name, self.runtime)
            }
            Ty::Generic(name, item) => {
                let name = self.surface.name(name, dir);
                let base = self.model_ref(name, false);
                format!("{base}[{}]", self.ty(item, dir))
            }
            Ty::Param => "T".into(),
            Ty::Union(members) => {
                // Literals side by side read as one `Literal[…]`; `None` goes last.
                let literals: Vec<String> = members
                    .iter()
                    .filter_map(|m| match m {
                        Ty::Literal(v) => Some(literal(v)),
                        _ => None,
                    })
                    .collect();
                let mut parts = Vec::new();
                if !literals.is_empty() {
                    self.import("typing_extensions", "Literal");
                    parts.push(format!("Literal[{}]", literals.join(", ")));
                }
                for member in members {
                    if !matches!(member, Ty::Literal(_) | Ty::Null) {
                        parts.push(self.ty(member, dir));
                    }
                }
                if members.contains(&Ty::Null) {
                    parts.push("None".into());
                }
                self.join(parts)
            }
        }
    }

    /// A builtin type, as `builtins.list` where a member of the class being printed (a
    /// method `list`, a key `type`) hides it.
    fn builtin(&mut self, name: &str) -> String {
        if self.shadowed.contains(name) {
            self.imports.entry("builtins").or_default();
            format!("builtins.{name}")
        } else {
            name.to_string()
        }
    }

    fn join(&mut self, parts: Vec<String>) -> String {
        if parts.len() == 1 {
            parts.into_iter().next().expect("one part")
        } else if self.runtime {
            self.import("typing", "Union");
            format!("Union[{}]", parts.join(", "))
        } else {
            parts.join(" | ")
        }
    }

    fn model_ref(&mut self, name: String, quoted: bool) -> String {
        if self.stub {
            self.import(".types", &name);
        }
        if quoted { format!("\"{name}\"") } else { name }
    }

    fn class(&mut self, name: &str, model: &Model, fields: &[Field], dir: Dir) -> String {
        self.import("typing_extensions", "TypedDict");
        let keys: Vec<String> = fields.iter().map(|f| Case::Snake.apply(&f.wire)).collect();
        self.shadowed = keys.iter().cloned().collect();
        let members: Vec<String> = fields
            .iter()
            .map(|f| {
                let ty = self.ty(&f.ty, dir);
                if f.required(dir) {
                    ty
                } else {
                    self.import("typing_extensions", "NotRequired");
                    format!("NotRequired[{ty}]")
                }
            })
            .collect();
        self.shadowed.clear();
        if !keys.iter().all(|k| is_identifier(k)) && !model.generic {
            // Keys that are not identifiers (`from`): the functional syntax.
            let items: Vec<String> = keys
                .iter()
                .zip(&members)
                .map(|(k, t)| format!("\"{k}\": \"{t}\""))
                .collect();
            return format!(
                "\n\n{name} = TypedDict(\"{name}\", {{{}}})\n",
                items.join(", ")
            );
        }
        let bases = if model.generic {
            "TypedDict, Generic[T]"
        } else {
            "TypedDict"
        };
        let mut out = format!("\n\nclass {name}({bases}):\n");
        if let Some(doc) = &model.doc {
            out += &docstring(doc, "    ");
            if !fields.is_empty() {
                out += "\n";
            }
        } else if fields.is_empty() {
            out += "    pass\n";
        }
        for ((field, key), ty) in fields.iter().zip(&keys).zip(&members) {
            out += &format!("    {key}: {ty}\n");
            if let Some(doc) = &field.doc {
                out += &docstring(doc, "    ");
            }
        }
        out
    }

    fn alias(&mut self, name: &str, model: &Model, ty: &Ty, dir: Dir) -> String {
        self.import("typing_extensions", "TypeAlias");
        self.runtime = true;
        let value = self.ty(ty, dir);
        self.runtime = false;
        let mut out = format!("\n{name}: TypeAlias = {value}\n");
        if let Some(doc) = &model.doc {
            out += &docstring(doc, "");
        }
        out
    }

    fn client(&mut self, client: &ClientSurface) -> String {
        let mut out = format!("\nclass {}:\n", client.name);
        out += &docstring(client.doc, "    ");
        out += client.members.0;
        self.prefix = client.style.prefix;
        self.blocking = client.style.blocking;
        self.deadline = client.style.blocking && client.style.abortable;
        let mut classes = Vec::new();
        out += &self.members(&client.root, "", &mut classes);
        out + &classes.concat()
    }

    /// The members of a namespace (child namespaces, then methods); the classes of child
    /// namespaces go to `classes`, parents before children.
    fn members(&mut self, node: &Namespace, path: &str, classes: &mut Vec<String>) -> String {
        let mut out = String::new();
        for (segment, child) in &node.children {
            let path = if path.is_empty() {
                segment.clone()
            } else {
                format!("{path}.{segment}")
            };
            let class = format!("_{}{}", self.prefix, pascal(&path));
            out += &format!("    {}: {class}\n", Case::Snake.apply(segment));
            let at = classes.len();
            classes.push(String::new());
            let body = self.members(child, &path, classes);
            let body = if body.is_empty() {
                "    ...\n".to_string()
            } else {
                body
            };
            classes[at] = format!("\nclass {class}:\n{body}");
        }
        self.shadowed = node.children.keys().map(|k| Case::Snake.apply(k)).collect();
        for method in &node.methods {
            self.shadowed.insert(last(&method.snake.path).to_string());
            self.shadowed.extend(
                method
                    .snake
                    .iterator
                    .as_deref()
                    .map(|i| last(i).to_string()),
            );
        }
        for method in &node.methods {
            out += &self.method(method);
        }
        self.shadowed.clear();
        out
    }

    fn method(&mut self, method: &Method) -> String {
        let mut params = vec!["self".to_string()];
        let mut args = Vec::new();
        for field in method.positional() {
            let key = Case::Snake.apply(&field.wire);
            params.push(format!("{key}: {}", self.ty(&field.ty, Dir::Request)));
            args.extend(field.doc.as_ref().map(|doc| (key, doc.clone())));
        }
        let mut keywords = Vec::new();
        let mut skipped = method.extra_params;
        for field in method.keywords() {
            let key = Case::Snake.apply(&field.wire);
            if !is_identifier(&key) {
                skipped = true; // only through `**{…}`
                continue;
            }
            let ty = self.ty(&field.ty, Dir::Request);
            let default = if field.required { "" } else { " = ..." };
            keywords.push(format!("{key}: {ty}{default}"));
            args.extend(field.doc.as_ref().map(|doc| (key, doc.clone())));
        }
        let mut iterator_params = params.clone();
        if !keywords.is_empty() {
            iterator_params.push("*".into());
            iterator_params.extend(keywords.iter().cloned());
        }
        if self.deadline {
            keywords.push("timeout: float | None = None".into());
        }
        if !keywords.is_empty() {
            params.push("*".into());
            params.extend(keywords);
        }
        if skipped {
            params.push("**extra: Any".into());
            iterator_params.push("**extra: Any".into());
        }
        let name = last(&method.snake.path);
        let response = self.ty(&method.response, Dir::Response);
        let mut doc = doc_text(method.snake.doc);
        if doc.is_empty() {
            doc = method.request_doc.clone().unwrap_or_default();
        }
        let def = if self.blocking { "def" } else { "async def" };
        let mut out = signature(def, name, &params, &response);
        let mut method_args = args.clone();
        if self.deadline {
            method_args.push(("timeout".into(), DEADLINE_DOC.into()));
        }
        out += &docstring(&with_args(&doc, &method_args), "        ");
        if let (Some(iterator), Some(item)) = (&method.snake.iterator, &method.item) {
            let iterator_type = if self.blocking {
                "Iterator"
            } else {
                "AsyncIterator"
            };
            self.import("typing", iterator_type);
            let item = self.ty(item, Dir::Response);
            let doc = format!(
                "Every item of `{name}` from `page` on, fetching pages as they are consumed."
            );
            out += &signature(
                "def",
                last(iterator),
                &iterator_params,
                &format!("{iterator_type}[{item}]"),
            );
            out += &docstring(&with_args(&doc, &args), "        ");
        }
        out
    }
}

/// The `timeout` of a sync method that takes one.
const DEADLINE_DOC: &str = "Seconds for the whole call (None: no limit); past them it is dropped \
(a flow cancels its payment) and APITimeoutError raised.";

fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// A method's `def` line(s), black-style: on one line when it fits.
fn signature(def: &str, name: &str, params: &[String], returns: &str) -> String {
    let line = format!("    {def} {name}({}) -> {returns}:\n", params.join(", "));
    if line.len() <= 100 {
        return line;
    }
    let params: String = params.iter().map(|p| format!("        {p},\n")).collect();
    format!("    {def} {name}(\n{params}    ) -> {returns}:\n")
}

/// A doc and a Google-style `Args:` section.
fn with_args(doc: &str, args: &[(String, String)]) -> String {
    if args.is_empty() {
        return doc.to_string();
    }
    let mut out = format!("{doc}\n\nArgs:\n");
    for (name, text) in args {
        out += &format!("    {name}: {}\n", text.replace('\n', "\n        "));
    }
    out.trim_end().to_string()
}

/// A docstring at `indent`.
fn docstring(text: &str, indent: &str) -> String {
    let mut text = text
        .trim()
        .replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"");
    if text.ends_with('"') {
        text.pop();
        text += "\\\"";
    }
    if !text.contains('\n') {
        return format!("{indent}\"\"\"{text}\"\"\"\n");
    }
    let mut out = format!("{indent}\"\"\"");
    for (i, line) in text.lines().enumerate() {
        if i > 0 && !line.is_empty() {
            out += indent;
        }
        out += line;
        out += "\n";
    }
    out + indent + "\"\"\"\n"
}

fn literal(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Bool(true) => "True".into(),
        serde_json::Value::Bool(false) => "False".into(),
        serde_json::Value::Null => "None".into(),
        other => other.to_string(), // JSON strings and numbers read the same in Python
    }
}

fn is_identifier(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && !KEYWORDS.contains(&name)
}
