//! The Python and TypeScript typings (a build-time tool, not part of the published `mypos`
//! crate), generated from what the hosts call: the operations of
//! [`mypos::host`] and their JSON Schemas. A new endpoint in core appears in both, typed.
//!
//! `tests/typings.rs` fails when the committed files drift; regenerate them with
//! `UPDATE_EXPECT=1 cargo test -p mypos-typings --test typings`.
//!
//! A walker reads the schemas once into a small type language (`Ty`, `Model`, `Method`);
//! `python.rs` and `typescript.rs` each print it, one type-expression function apiece.

mod python;
mod typescript;

pub use python::{python_module_stub, python_stub, python_types};
pub use typescript::typescript_definitions;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use mypos::endpoint::Executor;
use mypos::host::{self, Api, Case, HostOperation};
use mypos::page::Page;

/// The command that rewrites the generated files.
/// The defaults the typings show, filled in from the core's own constants so that they cannot
/// drift from what a client does when the option is left out.
fn with_defaults(text: &str) -> String {
    let seconds = |d: std::time::Duration| format!("{:.1}", d.as_secs_f64());
    let millis = |d: std::time::Duration| d.as_millis().to_string();
    text.replace("@DEFAULT_TIMEOUT_S@", &seconds(mypos::DEFAULT_TIMEOUT))
        .replace(
            "@DEFAULT_CONNECT_TIMEOUT_S@",
            &seconds(mypos::config::DEFAULT_CONNECT_TIMEOUT),
        )
        .replace("@DEFAULT_TIMEOUT_MS@", &millis(mypos::DEFAULT_TIMEOUT))
        .replace(
            "@DEFAULT_CONNECT_TIMEOUT_MS@",
            &millis(mypos::config::DEFAULT_CONNECT_TIMEOUT),
        )
        .replace(
            "@DEFAULT_MAX_RETRIES@",
            &mypos::retry::DEFAULT_MAX_RETRIES.to_string(),
        )
        .replace(
            "@DEFAULT_MAX_RESPONSE_BYTES@",
            &mypos::DEFAULT_MAX_RESPONSE_BYTES.to_string(),
        )
}

const REGENERATE: &str = "UPDATE_EXPECT=1 cargo test -p mypos-typings --test typings";

/// The client classes of the packages. A new client type (MobilePay, PSD2) is one more line
/// here, plus its hand-written members (properties, helpers) in each language.
fn clients() -> Vec<Client> {
    vec![
        Client::new(
            "MerchantClient",
            "One merchant's view of the gateway: `client.banking`, …. Cheap to create.",
            (python::MERCHANT_CLIENT, typescript::MERCHANT_CLIENT),
            host::gateway(),
        ),
        Client::new(
            "MobilePayPos",
            "A MobilePay point-of-sale client for one merchant: `pos.payments`, `pos.refunds`, \
         `pos.manage` and `pos.flows`. Its bioCode and access token go with every call; the \
         token never shows in a repr, a log or a logged URL.",
            (python::MOBILEPAY_POS, typescript::MOBILEPAY_POS),
            host::mobilepay(),
        )
        .styled(Style {
            prefix: "MobilePay",
            module: Some("mobilepay"),
            constructor: Some(typescript::MOBILEPAY_CONSTRUCTOR),
            declarations: typescript::MOBILEPAY_DECLARATIONS,
            abortable: true,
            ..Style::default()
        }),
        Client::new(
            "Psd2Client",
            "One TPP on the PSD2 API (`psd2.consents`), or one account holder's client on it \
         (`accounts`, `card_accounts`, `payments`, `funds`), from `exchange_code` or \
         `account_holder`. Tokens are refreshed before they expire, one refresh at a time.",
            (python::PSD2_CLIENT, typescript::PSD2_CLIENT),
            host::psd2(),
        )
        .styled(Style {
            prefix: "Psd2",
            module: Some("psd2"),
            constructor: Some(typescript::PSD2_CONSTRUCTOR),
            declarations: typescript::PSD2_DECLARATIONS,
            abortable: false,
            python_preamble: python::PSD2_PREAMBLE,
            ..Style::default()
        }),
        Client::new(
            "MerchantClient",
            "One merchant's view of the gateway, with blocking methods (`mypos.sync`).",
            (python::SYNC_MERCHANT_CLIENT, ""),
            host::gateway(),
        )
        .styled(Style {
            prefix: "Sync",
            module: Some("sync"),
            python_preamble: python::SYNC_PREAMBLE,
            python_exports: &["Gateway"],
            blocking: true,
            ..Style::default()
        }),
        Client::new(
            "MobilePayPos",
            "A MobilePay point-of-sale client with blocking methods (`mypos.sync`). Each method \
         takes a `timeout` in seconds for the whole call; past it, or when the wait is \
         interrupted (Ctrl-C, a worker's time limit), the call is dropped and a flow cancels \
         its payment on the server before the exception goes on.",
            (python::MOBILEPAY_POS, ""),
            host::mobilepay(),
        )
        .styled(Style {
            prefix: "SyncMobilePay",
            module: Some("sync"),
            abortable: true,
            blocking: true,
            ..Style::default()
        }),
        Client::new(
            "Psd2Client",
            "A PSD2 client with blocking methods (`mypos.sync`): the TPP's, or one account \
         holder's from `exchange_code` or `account_holder`.",
            (python::SYNC_PSD2_CLIENT, ""),
            host::psd2(),
        )
        .styled(Style {
            prefix: "SyncPsd2",
            module: Some("sync"),
            python_preamble: python::SYNC_PSD2_PREAMBLE,
            blocking: true,
            ..Style::default()
        }),
    ]
}

/// How a client's typings differ from `MerchantClient`'s.
#[derive(Debug, Clone, Copy, Default)]
struct Style {
    /// Prefix of its namespace classes and interfaces (`_MobilePayPayments`,
    /// `MobilePayPaymentsNamespace`), so two clients' namespaces of one name do not clash.
    prefix: &'static str,
    /// The Python module whose stub (`<module>.pyi`) lists it; `None`: `_client.pyi`.
    module: Option<&'static str>,
    /// TypeScript: its public constructor; `None`: `private constructor()` (a factory makes it).
    constructor: Option<&'static str>,
    /// TypeScript: the declarations it needs, printed before the class.
    declarations: &'static str,
    /// TypeScript: every method also takes `signal?: AbortSignal` in its options; Python's
    /// sync API: `timeout: float | None` (seconds for the whole call).
    abortable: bool,
    /// Python: module-level declarations of its module stub (constants, aliases).
    python_preamble: &'static str,
    /// Python: more names its module exports (`__all__`) besides the client.
    python_exports: &'static [&'static str],
    /// The sync API (`mypos.sync`): plain methods in Python; no TypeScript.
    blocking: bool,
}

/// Models generic over one item type, printed `Page[Account]` / `Page<Account>` rather than
/// once per item type. A new one is one more line.
fn generics() -> Vec<(String, Value)> {
    vec![generic::<Page<TypeParam>>()]
}

fn generic<G: JsonSchema>() -> (String, Value) {
    (
        G::schema_name().into_owned(),
        schemars::schema_for!(G).to_value(),
    )
}

/// Stands for the type parameter in a generic model's schema.
struct TypeParam;

impl JsonSchema for TypeParam {
    fn schema_name() -> Cow<'static, str> {
        "T".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "x-type-param": "T" })
    }
}

/// Which way data goes: decimals and optional fields are typed differently each way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    /// Sent by the host: optional fields may be left out, decimals may be numbers.
    Request,
    /// Returned to the host: every field present (`None`/`null` when absent), decimals strings.
    Response,
}

/// A type expression.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Any,
    Null,
    Bool,
    Int,
    Float,
    Str,
    /// A decimal amount: a string in answers, a string or number in requests.
    Decimal,
    Literal(Value),
    List(Box<Ty>),
    /// An object whose keys are data (field errors, metadata): kept as they are.
    Map(Box<Ty>),
    Model(String),
    Generic(String, Box<Ty>),
    /// The type parameter of a generic model.
    Param,
    Union(Vec<Ty>),
}

impl Ty {
    fn union(members: impl IntoIterator<Item = Ty>) -> Ty {
        let mut flat = Vec::new();
        for member in members {
            match member {
                Ty::Union(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        let mut unique: Vec<Ty> = Vec::new();
        for member in flat {
            if !unique.contains(&member) {
                unique.push(member);
            }
        }
        match unique.len() {
            0 => Ty::Any,
            1 => unique.pop().expect("one member"),
            _ => Ty::Union(unique),
        }
    }
}

/// A member of a model, or a request field (a keyword argument / an option).
#[derive(Debug, Clone)]
struct Field {
    /// As the API spells it.
    wire: String,
    ty: Ty,
    /// Must be sent (requests); answers always carry every field.
    required: bool,
    doc: Option<String>,
}

impl Field {
    fn required(&self, dir: Dir) -> bool {
        dir == Dir::Response || self.required
    }
}

#[derive(Debug, Clone)]
enum Body {
    Object {
        fields: Vec<Field>,
        /// Keeps fields this SDK does not know yet.
        extra: bool,
    },
    Alias(Ty),
}

/// A named type: a `$defs` entry, or a response's root schema.
#[derive(Debug)]
struct Model {
    doc: Option<String>,
    body: Body,
    generic: bool,
    request: bool,
    response: bool,
    /// The schema it was read from, to tell apart two types of the same name.
    schema: Value,
}

/// One method on a client (and its auto-paging twin).
#[derive(Debug)]
struct Method {
    snake: HostOperation,
    camel: HostOperation,
    /// The request type's name and doc (TypeScript names its options interface after it).
    request_title: Option<String>,
    request_doc: Option<String>,
    /// Every request field, the positional ones included.
    params: Vec<Field>,
    extra_params: bool,
    response: Ty,
    /// For a paged list: the item type the iterator yields.
    item: Option<Ty>,
}

impl Method {
    fn positional(&self) -> Vec<&Field> {
        let names = &self.snake.positional;
        let mut fields: Vec<&Field> = self
            .params
            .iter()
            .filter(|f| names.contains(&Case::Snake.apply(&f.wire)))
            .collect();
        fields.sort_by_key(|f| names.iter().position(|n| *n == Case::Snake.apply(&f.wire)));
        fields
    }

    fn keywords(&self) -> impl Iterator<Item = &Field> {
        let names = &self.snake.positional;
        self.params
            .iter()
            .filter(move |f| !names.contains(&Case::Snake.apply(&f.wire)))
    }
}

/// A group of methods: `client.banking`, `client.ecommerce.payment_links`.
#[derive(Debug, Default)]
struct Namespace {
    methods: Vec<Method>,
    /// By wire name (`payment_links`).
    children: BTreeMap<String, Namespace>,
}

struct Client {
    name: &'static str,
    doc: &'static str,
    /// The hand-written members of the class: Python, TypeScript.
    members: (&'static str, &'static str),
    operations: Vec<(HostOperation, HostOperation, Value, Value)>,
    style: Style,
}

impl Client {
    fn new<C: Executor + 'static>(
        name: &'static str,
        doc: &'static str,
        members: (&'static str, &'static str),
        api: &Api<C>,
    ) -> Self {
        let camel = api.operations(Case::Camel);
        let operations = api
            .operations(Case::Snake)
            .into_iter()
            .zip(camel)
            .map(|(snake, camel)| {
                let (request, response) = api.schemas(snake.name).expect("a listed operation");
                (snake, camel, request, response)
            })
            .collect();
        Self {
            name,
            doc,
            members,
            operations,
            style: Style::default(),
        }
    }

    fn styled(mut self, style: Style) -> Self {
        self.style = style;
        self
    }
}

/// A client class as the printers see it.
struct ClientSurface {
    name: &'static str,
    doc: &'static str,
    members: (&'static str, &'static str),
    root: Namespace,
    style: Style,
}

/// Everything the typings show: the clients with their methods, and every model they use.
struct Surface {
    clients: Vec<ClientSurface>,
    models: BTreeMap<String, Model>,
    /// Models used both ways that differ between them: the request one is `{Name}Input`.
    split: BTreeSet<String>,
}

impl Surface {
    fn new(clients: Vec<Client>) -> Self {
        let mut walker = Walker {
            models: BTreeMap::new(),
            generics: generics(),
        };
        let clients = clients
            .into_iter()
            .map(|client| {
                let mut root = Namespace::default();
                for (snake, camel, request, response) in client.operations {
                    let method = walker.method(snake, camel, &request, &response);
                    let mut node = &mut root;
                    let segments: Vec<&str> = method.snake.name.split('.').collect();
                    for segment in &segments[..segments.len() - 1] {
                        node = node.children.entry((*segment).to_string()).or_default();
                    }
                    node.methods.push(method);
                }
                ClientSurface {
                    name: client.name,
                    doc: client.doc,
                    members: client.members,
                    root,
                    style: client.style,
                }
            })
            .collect();
        let models = walker.models;
        let split = models
            .iter()
            .filter(|(name, m)| {
                m.request && m.response && differs(name, &models, &mut BTreeSet::new())
            })
            .map(|(name, _)| name.clone())
            .collect();
        Self {
            clients,
            models,
            split,
        }
    }

    /// The name a model goes by in `dir`.
    fn name(&self, model: &str, dir: Dir) -> String {
        if dir == Dir::Request && self.split.contains(model) {
            format!("{model}Input")
        } else {
            model.to_string()
        }
    }

    /// Every model to print: its name, itself, and the direction to print it for.
    fn emitted(&self) -> Vec<(String, &Model, Dir)> {
        let mut out = Vec::new();
        for (name, model) in &self.models {
            if model.response {
                out.push((name.clone(), model, Dir::Response));
            }
            if model.request && (!model.response || self.split.contains(name)) {
                out.push((self.name(name, Dir::Request), model, Dir::Request));
            }
        }
        out
    }
}

/// Whether a model used both ways reads differently in requests (optional fields, decimals).
fn differs(name: &str, models: &BTreeMap<String, Model>, seen: &mut BTreeSet<String>) -> bool {
    if !seen.insert(name.to_string()) {
        return false;
    }
    match models.get(name).map(|m| &m.body) {
        Some(Body::Object { fields, .. }) => fields
            .iter()
            .any(|f| !f.required || ty_differs(&f.ty, models, seen)),
        Some(Body::Alias(ty)) => ty_differs(ty, models, seen),
        None => false,
    }
}

fn ty_differs(ty: &Ty, models: &BTreeMap<String, Model>, seen: &mut BTreeSet<String>) -> bool {
    match ty {
        Ty::Decimal => true,
        Ty::Model(name) => differs(name, models, seen),
        Ty::Generic(name, item) => differs(name, models, seen) || ty_differs(item, models, seen),
        Ty::List(item) | Ty::Map(item) => ty_differs(item, models, seen),
        Ty::Union(members) => members.iter().any(|m| ty_differs(m, models, seen)),
        _ => false,
    }
}

/// Reads JSON Schemas into [`Ty`]s, collecting the models they name.
struct Walker {
    models: BTreeMap<String, Model>,
    generics: Vec<(String, Value)>,
}

impl Walker {
    fn method(
        &mut self,
        snake: HostOperation,
        camel: HostOperation,
        request: &Value,
        response: &Value,
    ) -> Method {
        let (params, extra_params) = match self.body(request, request, Dir::Request) {
            Body::Object { fields, extra } => (fields, extra),
            Body::Alias(_) => (Vec::new(), false),
        };
        let response = match text(response, "title") {
            Some(title) if response.get("properties").is_some() => {
                self.named(title, response, response, Dir::Response)
            }
            _ => self.ty(response, response, Dir::Response),
        };
        let item = snake.iterator.as_ref().map(|_| match &response {
            Ty::Generic(_, item) => (**item).clone(),
            _ => Ty::Any,
        });
        Method {
            snake,
            camel,
            request_title: text(request, "title").map(str::to_owned),
            request_doc: text(request, "description").map(str::to_owned),
            params,
            extra_params,
            response,
            item,
        }
    }

    /// The type of schema `node`, whose `$ref`s point into `root`.
    fn ty(&mut self, node: &Value, root: &Value, dir: Dir) -> Ty {
        let Some(schema) = node.as_object() else {
            return Ty::Any; // `true`: anything
        };
        if schema.contains_key("x-type-param") {
            return Ty::Param;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.rsplit('/').next().unwrap_or(reference);
            return match root.pointer(reference.trim_start_matches('#')) {
                Some(def) => self.named(name, def, root, dir),
                None => Ty::Any,
            };
        }
        if let Some(value) = schema.get("const") {
            return Ty::Literal(value.clone());
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            return Ty::union(values.iter().map(|v| match v {
                Value::Null => Ty::Null,
                v => Ty::Literal(v.clone()),
            }));
        }
        for combinator in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = schema.get(combinator) {
                return Ty::union(branches.iter().map(|b| self.ty(b, root, dir)));
            }
        }
        if let Some(Value::Array(branches)) = schema.get("allOf") {
            return match branches.as_slice() {
                [only] => self.ty(only, root, dir),
                _ => Ty::Any,
            };
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => return Ty::Any,
        };
        // rust_decimal's schema (a string or a number), or a string of format `decimal`.
        let decimal = types.contains(&"string")
            && (types.contains(&"number") || text(node, "format") == Some("decimal"));
        let members: Vec<Ty> = types
            .into_iter()
            .filter(|t| !(decimal && *t == "number"))
            .map(|t| match t {
                "string" if decimal => Ty::Decimal,
                "string" => Ty::Str,
                "integer" => Ty::Int,
                "number" => Ty::Float,
                "boolean" => Ty::Bool,
                "null" => Ty::Null,
                "array" => Ty::List(Box::new(match schema.get("items") {
                    Some(items) => self.ty(items, root, dir),
                    None => Ty::Any,
                })),
                "object" => Ty::Map(Box::new(match schema.get("additionalProperties") {
                    Some(values @ Value::Object(_)) if !schema.contains_key("properties") => {
                        self.ty(values, root, dir)
                    }
                    _ => Ty::Any,
                })),
                _ => Ty::Any,
            })
            .collect();
        Ty::union(members)
    }

    /// A named schema: an instance of a generic model, or a model of its own.
    fn named(&mut self, name: &str, schema: &Value, root: &Value, dir: Dir) -> Ty {
        let schema = normalized(schema);
        for (generic, template) in self.generics.clone() {
            let mut bound = None;
            if unify(&normalized(&template), &schema, &mut bound) {
                self.register(&generic, &normalized(&template), &template, dir, true);
                let item = bound.map_or(Ty::Any, |b| self.ty(&b, root, dir));
                return Ty::Generic(generic, Box::new(item));
            }
        }
        self.register(name, &schema, root, dir, false);
        Ty::Model(name.to_string())
    }

    fn register(&mut self, name: &str, schema: &Value, root: &Value, dir: Dir, generic: bool) {
        let model = self
            .models
            .entry(name.to_string())
            .or_insert_with(|| Model {
                doc: text(schema, "description").map(str::to_owned),
                body: Body::Alias(Ty::Any),
                generic,
                request: false,
                response: false,
                schema: schema.clone(),
            });
        assert!(
            model.schema == *schema,
            "two different types are named `{name}` in the API's schemas; \
             rename one (#[schemars(rename = \"…\")])"
        );
        let used = match dir {
            Dir::Request => &mut model.request,
            Dir::Response => &mut model.response,
        };
        if std::mem::replace(used, true) {
            return;
        }
        // Marked first, so a recursive type stops here; walked once per direction, so the
        // models it uses are marked for that direction too.
        let body = self.body(schema, root, dir);
        self.models.get_mut(name).expect("registered above").body = body;
    }

    fn body(&mut self, schema: &Value, root: &Value, dir: Dir) -> Body {
        let Some(Value::Object(properties)) = schema.get("properties") else {
            return Body::Alias(self.ty(schema, root, dir));
        };
        let required: BTreeSet<&str> = match schema.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => BTreeSet::new(),
        };
        let mut fields: Vec<Field> = properties
            .iter()
            .map(|(wire, node)| Field {
                wire: wire.clone(),
                ty: self.ty(node, root, dir),
                required: required.contains(wire.as_str()),
                doc: text(node, "description").map(str::to_owned),
            })
            .collect();
        fields.sort_by(|a, b| a.wire.cmp(&b.wire));
        let extra = !matches!(
            schema.get("additionalProperties"),
            None | Some(Value::Bool(false))
        );
        Body::Object { fields, extra }
    }
}

/// A schema without what differs between a root and a `$defs` entry of the same type.
fn normalized(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Value::Object(map) = &mut schema {
        for key in ["$schema", "$defs", "title"] {
            map.remove(key);
        }
    }
    schema
}

/// Whether `instance` is `template` with its type parameter replaced; binds that type.
fn unify(template: &Value, instance: &Value, bound: &mut Option<Value>) -> bool {
    match (template, instance) {
        (Value::Object(t), _) if t.contains_key("x-type-param") => match bound {
            Some(existing) => existing == instance,
            None => {
                *bound = Some(instance.clone());
                true
            }
        },
        (Value::Object(t), Value::Object(i)) => {
            t.len() == i.len()
                && t.iter()
                    .all(|(k, tv)| i.get(k).is_some_and(|iv| unify(tv, iv, bound)))
        }
        (Value::Array(t), Value::Array(i)) => {
            t.len() == i.len() && t.iter().zip(i).all(|(tv, iv)| unify(tv, iv, bound))
        }
        (t, i) => t == i,
    }
}

fn text<'a>(schema: &'a Value, key: &str) -> Option<&'a str> {
    schema.get(key).and_then(Value::as_str)
}

/// A doc comment as the operations carry it (`/// ` lines) → plain text.
fn doc_text(doc: &str) -> String {
    let lines: Vec<&str> = doc
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line).trim_end())
        .collect();
    lines.join("\n").trim().to_string()
}

/// `ecommerce.payment_links` → `EcommercePaymentLinks`.
fn pascal(dotted: &str) -> String {
    dotted.split('.').map(|s| s.to_upper_camel_case()).collect()
}

/// The generated-file header, as comment lines with `prefix`.
fn header(prefix: &str) -> String {
    format!(
        "{prefix} Generated by `mypos-typings` from the Rust definitions in core. Do not edit.\n\
         {prefix} Regenerate: {REGENERATE}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn page_is_read_as_a_generic() {
        let mut walker = Walker {
            models: BTreeMap::new(),
            generics: generics(),
        };
        let schema = schemars::schema_for!(Page<u32>).to_value();
        let ty = walker.ty(&json!({"$ref": "#"}), &schema, Dir::Response);
        assert_eq!(ty, Ty::Generic("Page".into(), Box::new(Ty::Int)));
        assert!(walker.models["Page"].generic);
    }

    #[test]
    fn schemas_become_types() {
        let mut walker = Walker {
            models: BTreeMap::new(),
            generics: Vec::new(),
        };
        let root = json!({"$defs": {"Status": {"type": "string", "enum": ["A", "B"]}}});
        let open = json!({"anyOf": [{"$ref": "#/$defs/Status"}, {"type": "string"}]});
        assert_eq!(
            walker.ty(&open, &root, Dir::Response),
            Ty::Union(vec![Ty::Model("Status".into()), Ty::Str])
        );
        let decimal = json!({"type": ["string", "number", "null"]});
        assert_eq!(
            walker.ty(&decimal, &root, Dir::Response),
            Ty::Union(vec![Ty::Decimal, Ty::Null])
        );
        let errors = json!({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}});
        assert_eq!(
            walker.ty(&errors, &root, Dir::Response),
            Ty::Map(Box::new(Ty::List(Box::new(Ty::Str))))
        );
    }

    #[test]
    fn models_used_both_ways_split_only_when_they_differ() {
        let mut walker = Walker {
            models: BTreeMap::new(),
            generics: Vec::new(),
        };
        let root = json!({"$defs": {
            "Item": {"type": "object", "properties": {"price": {"type": ["string", "number"]}}, "required": ["price"]},
            "Tag": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
        }});
        for name in ["Item", "Tag"] {
            let node = json!({"$ref": format!("#/$defs/{name}")});
            walker.ty(&node, &root, Dir::Request);
            walker.ty(&node, &root, Dir::Response);
        }
        let models = &walker.models;
        assert!(differs("Item", models, &mut BTreeSet::new()));
        assert!(!differs("Tag", models, &mut BTreeSet::new()));
    }

    /// A made-up API with what the real ones will have: path parameters, decimals both ways,
    /// enums (closed and open), maps, nested models, lists and pages.
    mod sample {
        use std::collections::BTreeMap;

        use rust_decimal::Decimal;
        use schemars::JsonSchema;
        use serde::{Deserialize, Serialize};
        use serde_json::{Map, Value};

        use super::super::*;
        use mypos::host::iterator_name;

        #[derive(Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum LinkStatus {
            /// Can be paid.
            Active,
            Disabled,
        }

        /// Known kinds, and any the API adds later.
        pub struct Kind;
        impl JsonSchema for Kind {
            fn schema_name() -> Cow<'static, str> {
                "Kind".into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({"anyOf": [{"type": "string", "enum": ["ONE", "TWO"]}, {"type": "string"}]})
            }
        }

        /// A line of a link.
        #[derive(Serialize, Deserialize, JsonSchema)]
        pub struct Item {
            pub name: String,
            /// In major units.
            pub price: Decimal,
        }

        /// A new link.
        #[derive(Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct CreateLinkRequest {
            /// The account paid into.
            pub account_number: String,
            pub items: Vec<Item>,
            #[serde(default)]
            pub status: Option<LinkStatus>,
            #[serde(default)]
            pub metadata: BTreeMap<String, String>,
        }

        #[derive(Serialize, Deserialize, JsonSchema)]
        pub struct ListLinksRequest {
            pub page: Option<u32>,
            pub status: Option<LinkStatus>,
        }

        /// A payment link.
        #[derive(Serialize, Deserialize, JsonSchema)]
        pub struct Link {
            pub link_id: String,
            pub items: Vec<Item>,
            pub status: LinkStatus,
            #[schemars(with = "Kind")]
            pub kind: String,
            pub errors: BTreeMap<String, Vec<String>>,
            #[serde(rename = "from")]
            pub sender: Option<String>,
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        fn op(
            name: &'static str,
            positional: &[&str],
            request: Value,
            response: Value,
        ) -> (HostOperation, HostOperation, Value, Value) {
            let paged = response.get("title").and_then(Value::as_str) == Some("Page");
            let host = |case: Case| HostOperation {
                name,
                path: case.apply_path(name),
                positional: positional.iter().map(|p| case.apply(p)).collect(),
                doc: " Does it.\n",
                iterator: paged.then(|| case.apply_path(&iterator_name(name))),
            };
            (host(Case::Snake), host(Case::Camel), request, response)
        }

        pub fn surface() -> Surface {
            let schema = |s: schemars::Schema| s.to_value();
            let operations = vec![
                op(
                    "ecommerce.payment_links.create",
                    &["account_number"],
                    schema(schemars::schema_for!(CreateLinkRequest)),
                    schema(schemars::schema_for!(Link)),
                ),
                op(
                    "ecommerce.payment_links.list",
                    &[],
                    schema(schemars::schema_for!(ListLinksRequest)),
                    schema(schemars::schema_for!(Page<Link>)),
                ),
                op(
                    "ecommerce.ping",
                    &[],
                    schema(schemars::schema_for!(())),
                    schema(schemars::schema_for!(Vec<LinkStatus>)),
                ),
            ];
            let client = Client {
                name: "MerchantClient",
                doc: "A client.",
                members: ("", ""),
                operations,
                style: Style::default(),
            };
            Surface::new(vec![client])
        }
    }

    #[test]
    fn a_sample_api_in_python() {
        let surface = sample::surface();
        let types = python::types(&surface);
        for line in [
            "class Item(TypedDict):",
            "    price: str\n",
            "class ItemInput(TypedDict):",
            "    price: Decimal | int | str\n",
            "\"errors\": \"dict[str, list[str]]\", \"from\": \"str | None\", \"items\": \"list[Item]\"",
            "Kind: TypeAlias = Union[Literal[\"ONE\", \"TWO\"], str]\n",
            "LinkStatus: TypeAlias = Literal[\"DISABLED\", \"ACTIVE\"]\n",
            "Link = TypedDict(\"Link\", {",
        ] {
            assert!(types.contains(line), "{line:?} not in:\n{types}");
        }
        let stub = python::stub(&surface);
        for line in [
            "    ecommerce: _Ecommerce\n",
            "class _Ecommerce:\n    payment_links: _EcommercePaymentLinks\n",
            "        account_number: str,\n        *,\n        items: builtins.list[ItemInput],\n",
            "        metadata: dict[str, str] = ...,\n",
            ") -> Link:",
            ") -> Page[Link]:",
            ") -> AsyncIterator[Link]:",
            "    async def ping(self) -> list[LinkStatus]:",
            "            account_number: The account paid into.\n",
        ] {
            assert!(stub.contains(line), "{line:?} not in:\n{stub}");
        }
    }

    #[test]
    fn a_sample_api_in_typescript() {
        let ts = typescript::definitions(&sample::surface());
        for line in [
            "  create(accountNumber: string, options: CreateLinkOptions): Promise<Link>\n",
            "  list(options?: ListLinksOptions): Promise<Page<Link>>\n",
            "  listAll(options?: ListLinksOptions): AsyncIterable<Link>\n",
            "  ping(): Promise<LinkStatus[]>\n",
            "  items: ItemInput[]\n",
            "  status?: LinkStatus | null\n",
            "  price: string | number\n",
            "export type Kind = 'ONE' | 'TWO' | (string & {})\n",
            "  from: string | null\n",
            "  linkId: string\n",
            "  [key: string]: unknown\n",
            "@param accountNumber The account paid into.",
        ] {
            assert!(ts.contains(line), "{line:?} not in:\n{ts}");
        }
    }
}
