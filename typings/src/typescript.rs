//! `bindings-node/index.d.ts`: the whole public surface of the Node package.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Body, ClientSurface, Dir, Field, Method, Model, Namespace, Surface, Ty};
use super::{clients, doc_text, header, pascal, with_defaults};
use mypos::host::Case;

/// `bindings-node/index.d.ts`.
pub fn typescript_definitions() -> String {
    with_defaults(&definitions(&Surface::new(clients())))
}

pub(super) fn definitions(surface: &Surface) -> String {
    let mut ts = TypeScript {
        surface,
        style: super::Style::default(),
        options: BTreeMap::new(),
    };
    let mut clients = String::new();
    for client in surface.clients.iter().filter(|c| !c.style.blocking) {
        clients += &ts.client(client);
    }
    let mut out = header("//") + GATEWAY + ERRORS + &clients;
    for (name, text) in &ts.options {
        out += &format!("\n{}", text.replacen("{name}", name, 1));
    }
    for (name, model, dir) in surface.emitted() {
        out += &ts.model(&name, model, dir);
    }
    out
}

const GATEWAY: &str = r#"
/** The demo gateway, used when `gatewayUrl` is left out. */
export declare const DEMO_GATEWAY_URL: string
/** The production gateway. */
export declare const PRODUCTION_GATEWAY_URL: string
/** This SDK's version. */
export declare const VERSION: string
/** This SDK's version (the same as `VERSION`), as in every package's `package.json`. */
export declare const version: string

/** OAuth client credentials: the integration's, or a merchant's (`cli_…` / `sec_…`). */
export interface Credentials {
  clientId: string
  clientSecret: string
}

export interface GatewayOptions {
  /** The gateway to talk to; `DEMO_GATEWAY_URL` when left out. */
  gatewayUrl?: string
  /** The partner integration's OAuth client. */
  integration: Credentials
  /** The partner id (`mps-p-…`). */
  partnerId: string
  /** The application id (`mps-app-…`). */
  applicationId: string
  /** How long one call may take, every attempt included, in milliseconds (default @DEFAULT_TIMEOUT_MS@). */
  timeout?: number
  /** How long opening a connection may take, in milliseconds (default @DEFAULT_CONNECT_TIMEOUT_MS@). */
  connectTimeout?: number
  /** How many times a failed call that is safe to repeat is retried (default @DEFAULT_MAX_RETRIES@). */
  maxRetries?: number
  /** The largest answer body read, in bytes (default 16 MiB); a longer one rejects with `APIDecodeError` naming the limit. */
  maxResponseBytes?: number
  /** An extra CA to trust and a client certificate to present (PEM text). */
  tls?: TlsOptions
  /**
   * Shares the partner token and merchant sessions with the other processes of a fleet;
   * this process only when left out.
   */
  tokenStore?: RedisTokenStore
}

export interface RedisTokenStoreOptions {
  /** `redis://[user:password@]host[:port][/db]`. Never shown. */
  url: string
  /** 32 bytes, or their base64 text: tokens and sessions are encrypted with it in Redis. */
  encryptionKey?: Uint8Array | string
  /** Starts every key the SDK writes (default `mypos`). */
  keyPrefix?: string
  /** Keeps tokens and sessions in plain text when no key is given (not recommended). */
  unencrypted?: boolean
}

/**
 * A Redis server the processes of a fleet share the partner token and merchant sessions
 * through: one token, and one session per merchant, for the whole fleet. `encryptionKey` is
 * required unless `unencrypted: true`. The URL (and its password) shows in no inspection.
 */
export declare class RedisTokenStore {
  constructor(options: RedisTokenStoreOptions)
  readonly keyPrefix: string
  readonly unencrypted: boolean
}

/** Other limits for the calls made through one client (`withOptions`). */
export interface ClientOptions {
  /** How long one call may take, every attempt included, in milliseconds. */
  timeout?: number
  /** How many times a failed call that is safe to repeat is retried; 0 disables retrying. */
  maxRetries?: number
  /** How long opening one connection may take, in milliseconds. */
  connectTimeout?: number
}

/** A request the SDK does not type yet (`request`). */
export interface RawRequest {
  /** `GET` when left out. */
  method?: string
  /** The API path, e.g. `/accounting/v1/accounts`. */
  path: string
  query?: Record<string, unknown>
  /** The JSON body. */
  json?: unknown
}

/**
 * One partner integration on one myPOS gateway, for any number of merchants. Owns the
 * connection pool and the partner's OAuth token; merchant clients share both.
 * A malformed option throws `ConfigError` naming it, before any request.
 */
export declare class Gateway {
  constructor(options: GatewayOptions)
  /** The gateway's base URL. */
  readonly baseUrl: string
  /** The same as `baseUrl`. */
  readonly url: string
  /** Closes pooled connections; calls through this gateway's clients then reject with ConfigError. */
  close(): void
  /** A client for one merchant (`cli_…` / `sec_…`); its session is opened on first use. */
  createClient(credentials: Credentials): MerchantClient
}
"#;

const ERRORS: &str = r#"
/** Base class of every error the SDK throws. */
export declare class MyPOSError extends Error {
  constructor(message: string, fields?: Record<string, unknown>)
  /** Which error, the same in Python: `MYPOS_CONFIG`, `MYPOS_NOT_FOUND`, … */
  code: string
  static readonly code: string
  /** On an error of a MobilePay payment flow once its payment exists: the payment, to look it up. */
  paymentId?: string
}

/** The configuration or credentials are malformed; `field` names which. Nothing was sent. */
export declare class ConfigError extends MyPOSError {
  field: string
}

/** A request argument is malformed; `field` names which. Nothing was sent. */
export declare class InvalidRequestError extends MyPOSError {
  field: string
}

/** A token or session could not be obtained, or fresh ones were refused. */
export declare class AuthError extends MyPOSError {
  status: number | null
}

/** The API answered with an error. */
export declare class APIError extends MyPOSError {
  status: number
  statusMessage: string
  detail: string | null
  /** Messages per field, keyed as the API names the fields. */
  errors: Record<string, string[]>
  requestId: string | null
  errorType: string | null
  /** When to try again, in milliseconds, if the API said. */
  retryAfter: number | null
}

/** HTTP 400 / 422: the API rejected the request; `errors` holds per-field messages. */
export declare class BadRequestError extends APIError {}
/** HTTP 401. */
export declare class AuthenticationError extends APIError {}
/** HTTP 403: the integration or merchant may not use this API. */
export declare class PermissionDeniedError extends APIError {}
/** HTTP 404. */
export declare class NotFoundError extends APIError {}
/** HTTP 409: the object is not in a state that allows this. */
export declare class ConflictError extends APIError {}
/** HTTP 429; `retryAfter` says when to try again. */
export declare class RateLimitError extends APIError {}
/** HTTP 5xx. */
export declare class ServerError extends APIError {}

/** The request could not be sent, or the connection broke before a full answer. */
export declare class APIConnectionError extends MyPOSError {}

/** No full answer within the timeout (`timeout`, in milliseconds). */
export declare class APITimeoutError extends APIConnectionError {
  timeout: number
}
export { APITimeoutError as TimeoutError }

/**
 * The API answered with a body the SDK cannot read: not what the answer should be, or longer
 * than `maxResponseBytes` (then `limit` is that limit, in bytes).
 */
export declare class APIDecodeError extends MyPOSError {
  status: number
  limit?: number
}

/**
 * A payment request may or may not have reached the terminal and could not be found by its
 * reference. It was not sent twice: look it up by `referenceNumber` before trying again.
 */
export declare class PaymentUnconfirmedError extends MyPOSError {
  referenceNumber: string
}

/**
 * A payment flow ended without taking the money: the customer rejected the payment, it was
 * cancelled or it expired. `paymentStatus` says where it ended (e.g. `CancelledByUser`).
 */
export declare class PaymentNotCompletedError extends MyPOSError {
  paymentId: string
  paymentStatus: string
}

/**
 * A bug inside the SDK (it panicked): the call failed and the process goes on; whether the
 * request reached the API is unknown. Please report it with the message.
 */
export declare class InternalError extends MyPOSError {}
"#;

/// Mirrors `index.js`: the hand-written members of `MerchantClient`.
pub(super) const MERCHANT_CLIENT: &str = r#"  /** The merchant's client id (`cli_…`). */
  readonly clientId: string
  /**
   * The same merchant (same session) with other limits for calls made through it:
   * `await client.withOptions({ timeout: 5000, maxRetries: 0 }).banking.getAccounts()`.
   * `timeout` is in milliseconds and covers every attempt; 0 retries disables retrying.
   */
  withOptions(options?: ClientOptions): MerchantClient
  /**
   * An authenticated request the SDK does not type yet, e.g.
   * `await client.request({ method: 'GET', path: '/accounting/v1/accounts', query: { page: 2 } })`.
   * Same tokens, replay and errors as every typed method; `query` and `json` are sent and the
   * answer returned as the API spells them (no renaming).
   */
  request(options: RawRequest): Promise<unknown>
  /** The same, as the Python package takes it: `request('GET', path, { query })`. */
  request(method: string, path: string, options?: Omit<RawRequest, 'method' | 'path'>): Promise<unknown>
"#;

/// Mirrors `psd2.js`: how a `Psd2Client` is made.
pub(super) const PSD2_CONSTRUCTOR: &str = "  constructor(options: Psd2ClientOptions)\n";

/// What `Psd2Client` needs declared beside it.
pub(super) const PSD2_DECLARATIONS: &str = r#"
/** The PSD2 API's default base URL. */
export declare const DEFAULT_PSD2_URL: string

/** TLS options: PEM text. */
export interface TlsOptions {
  /** A CA trusted besides the platform's roots. */
  extraCaPem?: string
  /** The certificate the connection presents (PSD2: the TPP's QWAC). */
  clientCertPem?: string
  /** Its private key. */
  clientKeyPem?: string
}

/** An account holder's tokens, as `onTokens` gives them and `accountHolder` takes them. */
export interface Psd2Tokens {
  accessToken: string
  refreshToken: string | null
  /** Seconds since 1970. */
  expiresAt: number | null
  scope: string | null
}

export interface Psd2ClientOptions {
  clientId: string
  clientSecret: string
  /** Default `DEFAULT_PSD2_URL`. */
  baseUrl?: string
  /** The OAuth2 token endpoint; `{baseUrl}/oauth/token` by default. */
  tokenUrl?: string
  /** Where the bank sends the holder back (`redirect_uri`, `TPP-Redirect-URI`). */
  redirectUri?: string
  /** Sent as `API-Key` on every call. */
  apiKey?: string
  /** How the client authenticates at the token endpoint (default 'body'). */
  clientAuth?: 'body' | 'basic'
  tls?: TlsOptions
  /** Receives every new or rotated token set of a holder, to persist it. */
  onTokens?: (holderId: string, tokens: Psd2Tokens) => void | Promise<void>
  /** How long one call may take, every attempt included, in milliseconds (default @DEFAULT_TIMEOUT_MS@). */
  timeout?: number
  /** How long opening a connection may take, in milliseconds (default @DEFAULT_CONNECT_TIMEOUT_MS@). */
  connectTimeout?: number
  /** How many times a failed call that is safe to repeat is retried (default @DEFAULT_MAX_RETRIES@). */
  maxRetries?: number
  /** The largest answer body read, in bytes (default 16 MiB); a longer one rejects with `APIDecodeError` naming the limit. */
  maxResponseBytes?: number
}
"#;

/// Mirrors `psd2.js`: the hand-written members of `Psd2Client`.
pub(super) const PSD2_CLIENT: &str = r#"  /** The base URL calls go to. */
  readonly baseUrl: string
  /** The same as `baseUrl`. */
  readonly url: string
  /** The account holder this client acts for; null for the TPP's own client. */
  readonly holderId: string | null
  /** The holder's current tokens (what `onTokens` was last given), or null. */
  readonly tokens: Psd2Tokens | null
  /** Where to send the holder to approve a created consent or payment (or a link). */
  authorizationUrl(target: object | string, options?: { state?: string; redirectUri?: string }): string
  /** The holder came back with `code`: their client. */
  exchangeCode(code: string, options: { holderId: string; redirectUri?: string }): Promise<Psd2Client>
  /** A holder's client from tokens you kept. */
  accountHolder(holderId: string, tokens: Psd2Tokens): Psd2Client
  /** The same client with other limits for its calls; durations in milliseconds. */
  withOptions(options?: ClientOptions): Psd2Client
  /** An authenticated request the SDK does not type yet. */
  request(options: RawRequest): Promise<unknown>
  /** The same, as the Python package takes it: `request('GET', path, { query })`. */
  request(method: string, path: string, options?: Omit<RawRequest, 'method' | 'path'>): Promise<unknown>
"#;

/// Mirrors `mobilepay.js`: how a `MobilePayPos` is made.
pub(super) const MOBILEPAY_CONSTRUCTOR: &str = "  constructor(options: MobilePayPosOptions)\n";

/// What `MobilePayPos` needs declared beside it.
pub(super) const MOBILEPAY_DECLARATIONS: &str = r#"
export interface MobilePayPosOptions {
  /** Where the `api/pos/...` API lives. */
  baseUrl: string
  /** The merchant's code. */
  bioCode: string
  /** The merchant's long-lived access token; leave it out only to create the first one. */
  accessToken?: string
  /** How long one call may take, every attempt included, in milliseconds (default @DEFAULT_TIMEOUT_MS@). */
  timeout?: number
  /** How long opening a connection may take, in milliseconds (default @DEFAULT_CONNECT_TIMEOUT_MS@). */
  connectTimeout?: number
  /** How many times a failed call that is safe to repeat is retried (default @DEFAULT_MAX_RETRIES@). */
  maxRetries?: number
  /** The largest answer body read, in bytes (default 16 MiB); a longer one rejects with `APIDecodeError` naming the limit. */
  maxResponseBytes?: number
}

/** The global `AbortSignal`, described so that no DOM or Node typings are needed. */
export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason?: unknown
}

/** Every `MobilePayPos` method takes a `signal`. */
export interface Abortable {
  /** An `AbortSignal`: aborting it stops the call; a flow it stops cancels its payment. */
  signal?: AbortSignalLike
}
"#;

/// Mirrors `mobilepay.js`: the hand-written members of `MobilePayPos`.
pub(super) const MOBILEPAY_POS: &str = r#"  /** The base URL calls go to. */
  readonly baseUrl: string
  /** The merchant's `bioCode`. */
  readonly bioCode: string
  /**
   * The same merchant, token and connections with other limits for the calls made through it
   * (milliseconds), as a Gateway merchant client's `withOptions`.
   */
  withOptions(options?: ClientOptions): MobilePayPos
  /**
   * The same merchant and connections with another access token, e.g. the one
   * `manage.createToken()` or `manage.resetToken()` answered with (its `message`).
   */
  withAccessToken(accessToken: string): MobilePayPos
"#;

struct TypeScript<'a> {
    surface: &'a Surface,
    /// The style of the client being printed.
    style: super::Style,
    /// The options interfaces of the methods, by name; `{name}` stands for the name.
    options: BTreeMap<String, String>,
}

impl TypeScript<'_> {
    /// A type expression.
    fn ty(&self, ty: &Ty, dir: Dir) -> String {
        match ty {
            Ty::Any => "unknown".into(),
            Ty::Null => "null".into(),
            Ty::Bool => "boolean".into(),
            Ty::Int | Ty::Float => "number".into(),
            Ty::Str => "string".into(),
            Ty::Decimal if dir == Dir::Response => "string".into(),
            Ty::Decimal => "string | number".into(),
            Ty::Literal(value) => literal(value),
            Ty::List(item) => {
                let item = self.ty(item, dir);
                if item.contains(' ') {
                    format!("({item})[]")
                } else {
                    format!("{item}[]")
                }
            }
            Ty::Map(value) => format!("Record<string, {}>", self.ty(value, dir)),
            Ty::Model(name) => self.surface.name(name, dir),
            Ty::Generic(name, item) => {
                format!("{}<{}>", self.surface.name(name, dir), self.ty(item, dir))
            }
            Ty::Param => "T".into(),
            Ty::Union(members) => {
                // Known values plus any string: `(string & {})` keeps the known ones suggested.
                let open = members.iter().any(|m| match m {
                    Ty::Literal(_) => true,
                    Ty::Model(name) => {
                        matches!(
                            self.surface.models.get(name).map(|m| &m.body),
                            Some(Body::Alias(_))
                        )
                    }
                    _ => false,
                });
                let mut parts: Vec<String> = members
                    .iter()
                    .filter(|m| **m != Ty::Null)
                    .map(|m| match m {
                        Ty::Str if open => "(string & {})".into(),
                        m => self.ty(m, dir),
                    })
                    .collect();
                if members.contains(&Ty::Null) {
                    parts.push("null".into());
                }
                parts.join(" | ")
            }
        }
    }

    fn property(&self, field: &Field, dir: Dir) -> String {
        let mut out = field
            .doc
            .as_deref()
            .map(|d| jsdoc(d, "  "))
            .unwrap_or_default();
        let optional = if field.required(dir) { "" } else { "?" };
        let key = key(&Case::Camel.apply(&field.wire));
        out += &format!("  {key}{optional}: {}\n", self.ty(&field.ty, dir));
        out
    }

    fn model(&self, name: &str, model: &Model, dir: Dir) -> String {
        let mut out = format!(
            "\n{}",
            model
                .doc
                .as_deref()
                .map(|d| jsdoc(d, ""))
                .unwrap_or_default()
        );
        match &model.body {
            Body::Alias(ty) => out += &format!("export type {name} = {}\n", self.ty(ty, dir)),
            Body::Object { fields, extra } => {
                let params = if model.generic { "<T>" } else { "" };
                out += &format!("export interface {name}{params} {{\n");
                for field in fields {
                    out += &self.property(field, dir);
                }
                if *extra {
                    out += "  /** Fields this SDK does not know yet, as the API sent them. */\n";
                    out += "  [key: string]: unknown\n";
                }
                out += "}\n";
            }
        }
        out
    }

    fn client(&mut self, client: &ClientSurface) -> String {
        self.style = client.style;
        let mut out = client.style.declarations.to_string();
        out += &format!("\n{}", jsdoc(client.doc, ""));
        out += &format!("export declare class {} {{\n", client.name);
        out += client
            .style
            .constructor
            .unwrap_or("  private constructor()\n");
        out += client.members.1;
        let mut interfaces = Vec::new();
        out += &self.members(&client.root, "", &mut interfaces);
        out + "}\n" + &interfaces.concat()
    }

    /// The members of a namespace; the interfaces of child namespaces go to `interfaces`.
    fn members(&mut self, node: &Namespace, path: &str, interfaces: &mut Vec<String>) -> String {
        let mut out = String::new();
        for (segment, child) in &node.children {
            let path = if path.is_empty() {
                segment.clone()
            } else {
                format!("{path}.{segment}")
            };
            let interface = format!("{}{}Namespace", self.style.prefix, pascal(&path));
            out += &format!("  readonly {}: {interface}\n", Case::Camel.apply(segment));
            let at = interfaces.len();
            interfaces.push(String::new());
            let body = self.members(child, &path, interfaces);
            interfaces[at] = format!("\nexport interface {interface} {{\n{body}}}\n");
        }
        for method in &node.methods {
            out += &self.method(method);
        }
        out
    }

    fn method(&mut self, method: &Method) -> String {
        let mut params = Vec::new();
        let mut tags = String::new();
        for field in method.positional() {
            let name = Case::Camel.apply(&field.wire);
            params.push(format!("{name}: {}", self.ty(&field.ty, Dir::Request)));
            if let Some(doc) = &field.doc {
                tags += &format!("\n@param {name} {doc}");
            }
        }
        match (self.options(method), self.style.abortable) {
            (Some((name, required)), abortable) => params.push(format!(
                "options{}: {name}{}",
                if required { "" } else { "?" },
                if abortable { " & Abortable" } else { "" }
            )),
            (None, true) => params.push("options?: Abortable".into()),
            (None, false) => {}
        }
        let params = params.join(", ");
        let name = last(&method.camel.path);
        let mut doc = doc_text(method.camel.doc);
        if doc.is_empty() {
            doc = method.request_doc.clone().unwrap_or_default();
        }
        let response = self.ty(&method.response, Dir::Response);
        let mut out = jsdoc(&format!("{doc}\n{tags}"), "  ");
        out += &format!("  {name}({params}): Promise<{response}>\n");
        if let (Some(iterator), Some(item)) = (&method.camel.iterator, &method.item) {
            let doc = format!(
                "Every item of `{name}` from `page` on, fetching pages as they are consumed.\n{tags}"
            );
            out += &jsdoc(&doc, "  ");
            let item = self.ty(item, Dir::Response);
            out += &format!("  {}({params}): AsyncIterable<{item}>\n", last(iterator));
        }
        out
    }

    /// The options interface of `method` (its non-positional fields): name and whether it
    /// must be given. None when the method takes no options.
    fn options(&mut self, method: &Method) -> Option<(String, bool)> {
        let fields: Vec<&Field> = method.keywords().collect();
        if fields.is_empty() && !method.extra_params {
            return None;
        }
        let mut text = method
            .request_doc
            .as_deref()
            .map(|d| jsdoc(d, ""))
            .unwrap_or_default();
        text += "export interface {name} {\n";
        for field in &fields {
            text += &self.property(field, Dir::Request);
        }
        if method.extra_params {
            text += "  [key: string]: unknown\n";
        }
        text += "}\n";
        // Named after the request type; after the operation when that name is taken.
        let by_type = method
            .request_title
            .as_deref()
            .map(|t| format!("{}Options", t.strip_suffix("Request").unwrap_or(t)));
        let by_path = format!("{}Options", pascal(&method.camel.path));
        let name = match by_type {
            Some(name) if self.options.get(&name).is_none_or(|t| *t == text) => name,
            _ => by_path,
        };
        self.options.insert(name.clone(), text);
        Some((name, fields.iter().any(|f| f.required)))
    }
}

fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn literal(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        other => other.to_string(),
    }
}

/// A property name, quoted when it is not an identifier.
fn key(name: &str) -> String {
    let mut chars = name.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c == '_' || c == '$' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_alphanumeric());
    if identifier {
        name.to_string()
    } else {
        literal(&Value::String(name.into()))
    }
}

/// A JSDoc comment at `indent`.
fn jsdoc(text: &str, indent: &str) -> String {
    let text = text.trim().replace("*/", "*\\/");
    if text.is_empty() {
        return String::new();
    }
    if !text.contains('\n') {
        return format!("{indent}/** {text} */\n");
    }
    let mut out = format!("{indent}/**\n");
    for line in text.lines() {
        out += &if line.is_empty() {
            format!("{indent} *\n")
        } else {
            format!("{indent} * {line}\n")
        };
    }
    out + indent + " */\n"
}
