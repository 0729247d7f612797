//! Decoders never crash. Arbitrary bytes and arbitrary JSON go to every operation's response
//! decoder (Gateway, MobilePay, PSD2), to the error parsers, to the host request path, to the
//! page envelope and to the money types; what comes back is a value or a typed error, never a
//! panic. (The bindings turn a panic that does happen into `InternalError`, so the process lives
//! on, but every one is a bug.)
//!
//! The runs are seeded (`PROPTEST_RNG_SEED` and `PROPTEST_CASES` override the defaults), so CI
//! sees the same cases every time; keys are drawn partly from the operations' own JSON Schemas
//! so the inputs get past the first `unknown field` and into the models.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::net::TcpListener;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use mypos::host::{self, Api, Case};
use mypos::{Amount, Credentials, Environment, Error, GatewayConfig, MinorUnits, Page};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::{Map, Number, Value, json};

/// Cases per property.
const CASES: u32 = 256;
/// Cases per operation on the request path, which has one property per operation.
const CALL_CASES: u32 = 64;

fn config(cases: u32, salt: &str) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        // One fixed seed per property and operation: deterministic, yet not the same draws
        // for every operation.
        let salt = salt.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        config.rng_seed = RngSeed::Fixed(0x6d79_706f_735f_7364 ^ salt);
    }
    // The seed replays a failure; no regression files are written into the tree.
    config.failure_persistence = None;
    config
}

/// Runs `test` on `cases` values of `strategy`; a failing case is shrunk and reported.
fn check<S>(
    what: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let mut runner = TestRunner::new(config(cases, what));
    if let Err(failure) = runner.run(&strategy, test) {
        panic!("{what}: {failure}");
    }
}

/// `f()`, or a test failure naming the panic.
fn no_panic<T>(f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    // Shrinking replays a panic many times; one line each is enough (no backtraces).
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}"))));
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        TestCaseError::fail(format!("panicked: {message}"))
    })
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

/// Envelope and error-body keys no response schema names.
const ENVELOPE_KEYS: &[&str] = &[
    "success",
    "Success",
    "errors",
    "Errors",
    "data",
    "items",
    "pagination",
    "page",
    "page_size",
    "size",
    "total",
    "total_count",
    "total_pages",
    "has_next_page",
    "has_previous_page",
    "type",
    "title",
    "detail",
    "status",
    "error",
    "error_description",
    "message",
    "request_id",
    "traceId",
    "tppMessages",
    "additionalErrors",
    "code",
    "path",
    "text",
    "category",
    "_links",
    "href",
    "posInformation",
    "terminals",
    "transactions",
    "accounts",
    "balances",
];

/// Property names and enum values anywhere in `schema`: keys and strings a decoder knows.
fn vocabulary(schema: &Value, keys: &mut BTreeSet<String>, words: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                keys.extend(properties.keys().cloned());
            }
            for key in ["enum", "const"] {
                match map.get(key) {
                    Some(Value::Array(values)) => {
                        words.extend(values.iter().filter_map(Value::as_str).map(str::to_owned))
                    }
                    Some(Value::String(s)) => {
                        words.insert(s.clone());
                    }
                    _ => {}
                }
            }
            map.values().for_each(|v| vocabulary(v, keys, words));
        }
        Value::Array(items) => items.iter().for_each(|v| vocabulary(v, keys, words)),
        _ => {}
    }
}

/// What inputs are made of: keys (in every casing given) and words.
#[derive(Clone, Debug)]
struct Vocabulary {
    keys: Vec<String>,
    words: Vec<String>,
}

impl Vocabulary {
    fn of(schemas: &[&Value], cases: &[Case]) -> Self {
        let (mut keys, mut words) = (BTreeSet::new(), BTreeSet::new());
        schemas
            .iter()
            .for_each(|s| vocabulary(s, &mut keys, &mut words));
        keys.extend(ENVELOPE_KEYS.iter().map(|k| k.to_string()));
        let mut spelled: BTreeSet<String> = keys.clone();
        for case in cases {
            spelled.extend(keys.iter().map(|k| case.apply(k)));
        }
        words
            .extend(["EUR", "DKK", "2025-01-31", "2025-01-31T12:00:00Z", "1301"].map(String::from));
        Self {
            keys: spelled.into_iter().collect(),
            words: words.into_iter().collect(),
        }
    }

    fn key(&self) -> BoxedStrategy<String> {
        prop_oneof![4 => select(self.keys.clone()), 1 => any::<String>()].boxed()
    }
}

/// Numbers at the edges of every width the models read into.
fn edge_number() -> impl Strategy<Value = Value> {
    select(vec![
        json!(0),
        json!(-0.0),
        json!(-1),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(i64::MAX),
        json!(u32::MAX),
        json!(u64::from(u32::MAX) + 1),
        json!(9_007_199_254_740_993_u64),
        json!(1e308),
        json!(-1e308),
        json!(5e-324),
        json!(0.1),
        json!(1e-7),
        json!(12.345),
        json!(1e19),
        json!(1e20),
    ])
}

/// Strings that look like numbers, dates or nothing at all.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "-?[0-9]{1,40}(\\.[0-9]{1,40})?([eE][-+]?[0-9]{1,4})?",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?",
        select(vec![
            "",
            " ",
            "NaN",
            "inf",
            "-inf",
            "-0",
            "1e400",
            "0x10",
            "１２",
            "12,50",
            "\u{0}",
            "\u{feff}1",
        ])
        .prop_map(String::from),
    ]
}

fn leaf(words: Vec<String>) -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        edge_number(),
        tricky_string().prop_map(Value::String),
        select(words).prop_map(Value::String),
    ]
}

/// Arbitrary JSON: unicode, huge and tiny numbers, objects keyed mostly by `vocabulary`,
/// nested up to 8 deep.
fn json_value(vocabulary: &Vocabulary) -> BoxedStrategy<Value> {
    json_within(vocabulary, 8, 64)
}

/// Arbitrary JSON up to `depth` deep and about `size` nodes.
fn json_within(vocabulary: &Vocabulary, depth: u32, size: u32) -> BoxedStrategy<Value> {
    let key = vocabulary.key();
    leaf(vocabulary.words.clone())
        .prop_recursive(depth, size, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..8)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
        .boxed()
}

/// An object at the top, as most answers and every request are.
fn json_object(vocabulary: &Vocabulary) -> BoxedStrategy<Value> {
    prop::collection::vec((vocabulary.key(), json_value(vocabulary)), 0..10)
        .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>()))
        .boxed()
}

/// JSON shaped like `schema` (a JSON Schema whose `$ref`s point into `root`): the right
/// members with values of the right type, mostly, but with edge values and now and then an
/// arbitrary one in place, so inputs get past the first type check into the models' own logic.
fn shaped(
    root: &Value,
    schema: &Value,
    vocabulary: &Vocabulary,
    depth: u32,
) -> BoxedStrategy<Value> {
    let arbitrary = || leaf(vocabulary.words.clone()).boxed();
    let mut node = schema;
    for _ in 0..16 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(pointer) => match root.pointer(pointer.trim_start_matches('#')) {
                Some(target) => node = target,
                None => break,
            },
            None => break,
        }
    }
    if depth == 0 {
        return arbitrary();
    }
    if let Some(Value::Array(values)) = node.get("enum") {
        return prop_oneof![9 => select(values.clone()), 1 => arbitrary()].boxed();
    }
    if let Some(value) = node.get("const") {
        return Just(value.clone()).boxed();
    }
    for combinator in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(branches)) = node.get(combinator) {
            let branches: Vec<_> = branches
                .iter()
                .map(|branch| shaped(root, branch, vocabulary, depth - 1))
                .collect();
            return proptest::strategy::Union::new(branches).boxed();
        }
    }
    let types: Vec<&str> = match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let of_type = |ty: &str| -> BoxedStrategy<Value> {
        match ty {
            "null" => Just(Value::Null).boxed(),
            "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
            "integer" => prop_oneof![
                (0..1000_u64).prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                edge_number(),
            ]
            .boxed(),
            "number" => prop_oneof![
                (0..100_000_u64).prop_map(|cents| json!(cents as f64 / 100.0)),
                edge_number(),
            ]
            .boxed(),
            "string" => prop_oneof![
                tricky_string().prop_map(Value::String),
                select(vocabulary.words.clone()).prop_map(Value::String),
            ]
            .boxed(),
            "array" => {
                let items = node.get("items").unwrap_or(&Value::Null);
                prop::collection::vec(shaped(root, items, vocabulary, depth - 1), 0..4)
                    .prop_map(Value::Array)
                    .boxed()
            }
            _ => {
                let members: Vec<_> = node
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(name, member)| {
                        let value = shaped(root, member, vocabulary, depth - 1);
                        (Just(name.clone()), proptest::option::weighted(0.8, value))
                    })
                    .collect();
                let extra = proptest::option::weighted(0.1, (vocabulary.key(), arbitrary()));
                (members, extra)
                    .prop_map(|(members, extra)| {
                        let mut map: Map<String, Value> = members
                            .into_iter()
                            .filter_map(|(name, value)| Some((name, value?)))
                            .collect();
                        map.extend(extra);
                        Value::Object(map)
                    })
                    .boxed()
            }
        }
    };
    let typed = match types.as_slice() {
        [] if node.get("properties").is_some() => of_type("object"),
        [] => return json_within(vocabulary, depth.min(3), 12),
        types => proptest::strategy::Union::new(types.iter().map(|t| of_type(t))).boxed(),
    };
    prop_oneof![19 => typed, 1 => arbitrary()].boxed()
}

/// JSON text no `Value` can hold: numbers far past f64 and u64, nesting past any limit.
fn extreme_text(vocabulary: &Vocabulary) -> impl Strategy<Value = String> + use<> {
    let number =
        (any::<bool>(), 20..400_usize, 0..400_usize).prop_map(|(negative, whole, fraction)| {
            format!(
                "{}1{}.{}1e{}",
                if negative { "-" } else { "" },
                "0".repeat(whole),
                "0".repeat(fraction),
                whole
            )
        });
    let deep = (1..400_usize, any::<bool>()).prop_map(|(depth, objects)| {
        if objects {
            format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
        } else {
            format!("{}{}", "[".repeat(depth), "]".repeat(depth))
        }
    });
    let literal = prop_oneof![
        number,
        Just("1e999".to_string()),
        Just("-1e999".to_string()),
        Just("18446744073709551616".to_string()),
        Just("-9223372036854775809".to_string()),
    ];
    let keyed = (vocabulary.key(), literal.clone())
        .prop_map(|(key, value)| format!("{{{}: {value}}}", Value::String(key)));
    prop_oneof![literal, deep, keyed]
}

/// Bytes an answer might have: random, JSON, JSON cut short, or extreme JSON text.
fn body_bytes(vocabulary: &Vocabulary) -> BoxedStrategy<Vec<u8>> {
    let json = prop_oneof![json_object(vocabulary), json_value(vocabulary)]
        .prop_map(|v| serde_json::to_vec(&v).expect("a Value serializes"));
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..256),
        3 => json.clone(),
        1 => (json, any::<prop::sample::Index>()).prop_map(|(bytes, cut)| {
            bytes[..cut.index(bytes.len() + 1)].to_vec()
        }),
        1 => extreme_text(vocabulary).prop_map(String::into_bytes),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// The operations
// ---------------------------------------------------------------------------------------------

/// Every operation of every client type: `(api name, operation name)`.
fn operations() -> Vec<(&'static str, &'static str)> {
    let mut all = Vec::new();
    all.extend(
        host::gateway()
            .operations(Case::Snake)
            .into_iter()
            .map(|op| ("gateway", op.name)),
    );
    all.extend(
        host::mobilepay()
            .operations(Case::Snake)
            .into_iter()
            .map(|op| ("mobilepay", op.name)),
    );
    all.extend(
        host::psd2()
            .operations(Case::Snake)
            .into_iter()
            .map(|op| ("psd2", op.name)),
    );
    all
}

fn schemas(api: &str, name: &str) -> (Value, Value) {
    match api {
        "gateway" => host::gateway().schemas(name),
        "mobilepay" => host::mobilepay().schemas(name),
        _ => host::psd2().schemas(name),
    }
    .expect("a listed operation has schemas")
}

fn decode_answer(
    api: &str,
    name: &str,
    status: u16,
    body: &[u8],
    case: Case,
) -> Option<mypos::Result<String>> {
    match api {
        "gateway" => host::gateway().decode_answer(name, status, body, case),
        "mobilepay" => host::mobilepay().decode_answer(name, status, body, case),
        _ => host::psd2().decode_answer(name, status, body, case),
    }
}

fn any_case() -> impl Strategy<Value = Case> {
    prop_oneof![Just(Case::Snake), Just(Case::Camel)]
}

/// What a decoder may answer: the host's JSON text, or the error for an unreadable success
/// (`Decode`), or the API's refusal inside a success (MobilePay's `success: false`).
fn decoded(outcome: Option<mypos::Result<String>>) -> Result<bool, TestCaseError> {
    match outcome {
        // A flow: no single answer to decode.
        None => Ok(false),
        Some(Ok(text)) => {
            prop_assert!(
                serde_json::from_str::<Value>(&text).is_ok(),
                "not JSON: {text}"
            );
            Ok(true)
        }
        Some(Err(Error::Decode { .. } | Error::Api(_))) => Ok(true),
        Some(Err(other)) => Err(TestCaseError::fail(format!(
            "untyped decoder error: {other:?}"
        ))),
    }
}

/// Every decoder of `api`'s operations gets every input: one input is made per case (making
/// it costs more than decoding it), keyed from all of the family's response schemas.
fn decoders_survive(api: &'static str) {
    let names: Vec<&'static str> = operations()
        .into_iter()
        .filter(|(family, name)| {
            *family == api && decode_answer(api, name, 200, b"{}", Case::Snake).is_some()
        })
        .map(|(_, name)| name)
        .collect();
    assert!(
        names.len() >= 10,
        "{api}: only {} operations have a decoder",
        names.len()
    );
    let responses: Vec<Value> = names.iter().map(|name| schemas(api, name).1).collect();
    let vocabulary = Vocabulary::of(&responses.iter().collect::<Vec<_>>(), &[]);
    // Each case is shaped like one of the answers (bare, or inside MobilePay's envelope).
    let answers = proptest::strategy::Union::new(
        responses
            .iter()
            .map(|schema| shaped(schema, schema, &vocabulary, 6)),
    );
    let answers = (answers, any::<bool>()).prop_map(|(answer, enveloped)| match answer {
        Value::Object(mut members) if enveloped => {
            members.insert("success".into(), Value::Bool(true));
            Value::Object(members)
        }
        other => other,
    });
    let status = || prop_oneof![Just(200_u16), Just(201), Just(202), Just(204), 200..300_u16];
    let decode_all = |status: u16, body: &[u8], case: Case| -> Result<(), TestCaseError> {
        for name in &names {
            let outcome = no_panic(|| decode_answer(api, name, status, body, case))
                .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
            decoded(outcome).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        }
        Ok(())
    };
    check(
        &format!("{api} decoders: bytes"),
        CASES,
        (status(), body_bytes(&vocabulary), any_case()),
        |(status, body, case)| decode_all(status, &body, case),
    );
    check(
        &format!("{api} decoders: JSON"),
        CASES,
        (
            status(),
            prop_oneof![
                2 => answers,
                1 => json_object(&vocabulary),
                1 => json_value(&vocabulary),
            ],
            any_case(),
        ),
        |(status, value, case)| {
            let body = serde_json::to_vec(&value).expect("a Value serializes");
            decode_all(status, &body, case)
        },
    );
}

#[test]
fn gateway_decoders_survive_arbitrary_bytes_and_json() {
    decoders_survive("gateway");
}

#[test]
fn mobilepay_decoders_survive_arbitrary_bytes_and_json() {
    decoders_survive("mobilepay");
}

#[test]
fn psd2_decoders_survive_arbitrary_bytes_and_json() {
    decoders_survive("psd2");
}

#[test]
fn every_operation_is_covered() {
    let operations = operations();
    for api in ["gateway", "mobilepay", "psd2"] {
        assert!(
            operations.iter().any(|(family, _)| *family == api),
            "no {api} operations"
        );
    }
    // Only flows have no single decoder; the rest of the table is fuzzed above.
    let flows: Vec<_> = operations
        .iter()
        .filter(|(api, name)| decode_answer(api, name, 200, b"{}", Case::Snake).is_none())
        .collect();
    assert!(
        flows
            .iter()
            .all(|(api, name)| *api == "mobilepay" && name.starts_with("flows.")),
        "operations without a decoder: {flows:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The error parsers
// ---------------------------------------------------------------------------------------------

fn error_headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        4 => select(vec![
            "retry-after", "x-request-id", "request-id", "x-correlation-id", "traceparent",
            "content-type",
        ])
        .prop_map(String::from),
        1 => "[a-z-]{1,20}",
    ];
    let value = prop_oneof![
        tricky_string().prop_map(String::into_bytes),
        select(vec![
            "1e20",
            "1e300",
            "18446744073709551616",
            "-1",
            "0.5",
            "NaN",
            "inf",
            "-0",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "120",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ];
    prop::collection::vec((name, value), 0..4)
}

fn error_vocabulary() -> Vocabulary {
    Vocabulary::of(&[], &[])
}

/// Checks what the parser made of the answer: its status, and no absurd durations.
fn parsed(error: Option<mypos::ApiError>, status: u16) -> Result<(), TestCaseError> {
    let error = error.ok_or_else(|| TestCaseError::fail("a valid status gave no error"))?;
    prop_assert_eq!(error.status, status);
    // What the hosts are handed: the class, code and fields of the error, as JSON.
    let error = Error::from(error);
    prop_assert!(!error.class_name().is_empty());
    for case in [Case::Snake, Case::Camel] {
        let text = host::error_json(&error, case);
        prop_assert!(serde_json::from_str::<Value>(&text).is_ok());
    }
    Ok(())
}

#[test]
fn error_parsers_survive_arbitrary_answers() {
    let vocabulary = error_vocabulary();
    let strategy = || (100..1000_u16, error_headers(), body_bytes(&vocabulary));
    check(
        "transport::api_error",
        CASES * 2,
        strategy(),
        |(status, headers, body)| {
            let error = no_panic(|| mypos::hooks::api_error(status, &headers, &body))?;
            parsed(error, status)
        },
    );
    check(
        "psd2 api_error",
        CASES * 2,
        strategy(),
        |(status, headers, body)| {
            let error = no_panic(|| mypos::hooks::psd2_api_error(status, &headers, &body))?;
            parsed(error, status)
        },
    );
}

#[test]
fn a_retry_after_past_any_clock_is_read_without_panicking() {
    for value in ["1e20", "1e300", "18446744073709551616"] {
        let headers = [("retry-after".to_string(), value.as_bytes().to_vec())];
        let error = mypos::hooks::api_error(429, &headers, b"").expect("429 is a status");
        let wait = error
            .retry_after
            .expect("a number of seconds is a Retry-After");
        assert!(
            wait > Duration::from_secs(86_400 * 365),
            "{value}: {wait:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The host request path
// ---------------------------------------------------------------------------------------------

/// A loopback URL nothing listens on: connections are refused at once.
fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

const TIMEOUT: Duration = Duration::from_millis(300);

struct Clients {
    gateway: mypos::MerchantClient,
    mobilepay: mypos::mobilepay::MobilePayPos,
    psd2: mypos::psd2::Psd2Client,
}

fn clients(url: &str) -> Clients {
    let mut config = GatewayConfig::new(
        Environment::Custom(url.to_string()),
        Credentials::new("client_fuzz", "secret_fuzz"),
        "mps-p-100000",
        "mps-app-200000",
    );
    config.timeout = TIMEOUT;
    config.max_retries = 0;
    let gateway = mypos::Gateway::new(config)
        .expect("a loopback config is valid")
        .client(Credentials::new("cli_fuzz", "sec_fuzz"))
        .expect("merchant credentials are valid");
    let mut config = mypos::mobilepay::MobilePayConfig::new(url, "bio-fuzz", "token-fuzz");
    config.timeout = TIMEOUT;
    config.max_retries = 0;
    let mobilepay =
        mypos::mobilepay::MobilePayPos::new(config).expect("a loopback config is valid");
    let mut config = mypos::psd2::Psd2Config::new(url, "tpp-fuzz", "secret-fuzz");
    config.timeout = TIMEOUT;
    config.max_retries = 0;
    let psd2 = mypos::psd2::Psd2Client::new(config).expect("a loopback config is valid");
    Clients {
        gateway,
        mobilepay,
        psd2,
    }
}

async fn call<C: mypos::endpoint::Executor>(
    api: &Api<C>,
    client: &C,
    name: &str,
    args: &str,
    case: Case,
) -> mypos::Result<String> {
    api.call(client, name, args, case).await
}

/// Request arguments: objects keyed by the request's fields, other JSON, or not JSON at all.
/// Requests are flat but for a list or two, so values nest less than answers do.
fn args_text(vocabulary: &Vocabulary, schema: &Value) -> BoxedStrategy<String> {
    let member = (vocabulary.key(), json_within(vocabulary, 4, 16));
    prop_oneof![
        6 => shaped(schema, schema, vocabulary, 5).prop_map(|v| v.to_string()),
        3 => prop::collection::vec(member, 0..8)
            .prop_map(|members| Value::Object(members.into_iter().collect()).to_string()),
        1 => json_within(vocabulary, 4, 16).prop_map(|v| v.to_string()),
        1 => any::<String>(),
        1 => extreme_text(vocabulary),
    ]
    .boxed()
}

#[test]
fn the_request_path_turns_arbitrary_arguments_into_typed_errors() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let _entered = runtime.enter();
    let clients = clients(&refused_url());
    for (api, name) in operations() {
        let (request, _) = schemas(api, name);
        let vocabulary = Vocabulary::of(&[&request], &[Case::Snake, Case::Camel]);
        check(
            &format!("{api} {name}: arguments"),
            CALL_CASES,
            (args_text(&vocabulary, &request), any_case()),
            |(args, case)| {
                let future = async {
                    match api {
                        "gateway" => {
                            call(host::gateway(), &clients.gateway, name, &args, case).await
                        }
                        "mobilepay" => {
                            call(host::mobilepay(), &clients.mobilepay, name, &args, case).await
                        }
                        _ => call(host::psd2(), &clients.psd2, name, &args, case).await,
                    }
                };
                let outcome = no_panic(|| {
                    runtime.block_on(tokio::time::timeout(Duration::from_secs(10), future))
                })?
                .map_err(|_| TestCaseError::fail("the call did not end within 10 s"))?;
                let is_json =
                    args.trim().is_empty() || serde_json::from_str::<Value>(&args).is_ok();
                // A flow's error names its payment around the error itself.
                match outcome.as_ref().map_err(Error::cause) {
                    Err(Error::InvalidRequest { field, .. }) => {
                        prop_assert!(is_json || field == "request", "{field}");
                    }
                    // Valid enough to be sent: it got as far as the (refused) connection.
                    Err(
                        Error::Connection { .. }
                        | Error::Timeout { .. }
                        | Error::Auth { .. }
                        | Error::PaymentUnconfirmed { .. },
                    ) => prop_assert!(is_json, "non-JSON arguments were sent"),
                    other => {
                        return Err(TestCaseError::fail(format!(
                            "unexpected outcome: {other:?}"
                        )));
                    }
                }
                Ok(())
            },
        );
    }
}

/// The shapes hosts hand the config parsers: a Gateway, MobilePay or PSD2 config, or a
/// holder's stored tokens.
fn host_configs() -> Value {
    let text = json!({"type": "string"});
    let number = json!({"type": "number"});
    let object = |members: &[(&str, &Value)]| {
        let properties: Map<String, Value> = members
            .iter()
            .map(|(k, v)| (k.to_string(), (*v).clone()))
            .collect();
        json!({"type": "object", "properties": properties})
    };
    let integration = object(&[("client_id", &text), ("client_secret", &text)]);
    let limits = [
        ("timeout", &number),
        ("connect_timeout", &number),
        ("max_retries", &json!({"type": "integer"})),
        ("host", &text),
    ];
    let with_limits = |members: &[(&str, &Value)]| {
        let all: Vec<(&str, &Value)> = members.iter().chain(limits.iter()).copied().collect();
        object(&all)
    };
    json!({"anyOf": [
        with_limits(&[
            ("gateway_url", &text), ("integration", &integration), ("partner_id", &text),
            ("application_id", &text),
        ]),
        with_limits(&[("base_url", &text), ("bio_code", &text), ("access_token", &text)]),
        with_limits(&[
            ("base_url", &text), ("token_url", &text), ("client_id", &text),
            ("client_secret", &text), ("client_auth", &json!({"enum": ["body", "basic", "x"]})),
            ("redirect_uri", &text), ("api_key", &text),
        ]),
        object(&[
            ("access_token", &text), ("refresh_token", &text), ("expires_at", &number),
            ("scope", &text),
        ]),
        // What `authorization_url` is handed: a consent or payment with its links.
        object(&[
            ("consentId", &text),
            ("_links", &object(&[("scaRedirect", &object(&[("href", &text)])), ("scaOAuth", &text)])),
        ]),
    ]})
}

#[test]
fn host_side_parsers_survive_arbitrary_text() {
    let schema = host_configs();
    let mut vocabulary = Vocabulary::of(&[&schema], &[Case::Snake, Case::Camel]);
    vocabulary.words.extend(
        [
            "http://127.0.0.1:1",
            "https://example.com",
            "client_x",
            "secret_x",
            "mps-p-1",
            "https://psd2.example/sca?x=1#f",
            "/sca/consents/1",
        ]
        .map(String::from),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let _entered = runtime.enter();
    let clients = clients(&refused_url());
    let words = || {
        prop::option::of(prop_oneof![
            tricky_string(),
            select(vocabulary.words.clone())
        ])
    };
    check(
        "host-side parsers",
        CASES * 2,
        (
            args_text(&vocabulary, &schema),
            any_case(),
            words(),
            words(),
        ),
        |(text, case, state, redirect_uri)| {
            let typed =
                |e: &Error| matches!(e, Error::Config { .. } | Error::InvalidRequest { .. });
            let (state, redirect_uri) = (state.as_deref(), redirect_uri.as_deref());
            for outcome in [
                no_panic(|| host::gateway_config(&text, case).map(drop))?,
                no_panic(|| host::mobilepay_config(&text, case).map(drop))?,
                no_panic(|| host::psd2_config(&text, case).map(drop))?,
                no_panic(|| mypos::host::psd2_client::tokens_from_json(&text, case).map(drop))?,
                no_panic(|| host::with_options(&clients.gateway, &text, case).map(drop))?,
                no_panic(|| {
                    mypos::host::psd2_client::with_options(&clients.psd2, &text, case).map(drop)
                })?,
                no_panic(|| {
                    mypos::host::psd2_client::authorization_url(
                        &clients.psd2,
                        &text,
                        state,
                        redirect_uri,
                    )
                    .map(drop)
                })?,
            ] {
                if let Err(e) = outcome {
                    prop_assert!(typed(&e), "{e:?}");
                }
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Pages and money
// ---------------------------------------------------------------------------------------------

fn page_vocabulary() -> Vocabulary {
    Vocabulary {
        keys: [
            "items",
            "pagination",
            "page",
            "page_size",
            "size",
            "total",
            "total_count",
            "total_pages",
            "has_next_page",
            "has_previous_page",
            "terminals",
        ]
        .map(String::from)
        .to_vec(),
        words: vec!["12.50".into()],
    }
}

/// A page, when one is read, counts from 1 and holds the list it was given.
fn page_holds<T: Debug>(page: &Page<T>, listed: Option<usize>) -> Result<(), TestCaseError> {
    prop_assert!(page.page >= 1, "page {}", page.page);
    if let Some(listed) = listed {
        prop_assert_eq!(page.items.len(), listed);
    }
    Ok(())
}

#[test]
fn the_page_envelope_survives_arbitrary_json() {
    let vocabulary = page_vocabulary();
    check(
        "Page<T> from JSON",
        CASES * 2,
        json_value(&vocabulary),
        |value| {
            let listed = match &value {
                Value::Array(items) => Some(items.len()),
                Value::Object(map) => map.get("items").and_then(Value::as_array).map(Vec::len),
                _ => None,
            };
            if let Ok(page) = no_panic(|| serde_json::from_value::<Page<Value>>(value.clone()))? {
                page_holds(&page, listed)?;
            }
            if let Ok(page) = no_panic(|| serde_json::from_value::<Page<Amount>>(value.clone()))? {
                page_holds(&page, listed)?;
            }
            if let Ok(page) = no_panic(|| serde_json::from_value::<Page<MinorUnits>>(value))? {
                page_holds(&page, listed)?;
            }
            Ok(())
        },
    );
    check(
        "Page<T> from bytes",
        CASES,
        body_bytes(&vocabulary),
        |bytes| {
            if let Ok(page) = no_panic(|| serde_json::from_slice::<Page<Value>>(&bytes))? {
                page_holds(&page, None)?;
            }
            Ok(())
        },
    );
}

#[test]
fn stored_tokens_expiring_past_any_clock_are_refused() {
    for expires_at in ["1e19", "1e300", "-1"] {
        let text = format!(r#"{{"access_token": "a", "expires_at": {expires_at}}}"#);
        let error = mypos::host::psd2_client::tokens_from_json(&text, Case::Snake).unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest { field, .. } if field == "tokens.expires_at"),
            "{expires_at}: {error:?}"
        );
    }
}

#[test]
fn a_page_number_past_u32_is_not_page_zero() {
    let page: Page<u8> =
        serde_json::from_value(json!({"items": [], "page": 4_294_967_296_u64})).expect("a page");
    assert!(page.page >= 1, "page {}", page.page);
}

#[test]
fn money_survives_arbitrary_json_and_text() {
    let vocabulary = Vocabulary {
        keys: vec!["amount".into()],
        words: vec!["12.50".into(), "0.01".into()],
    };
    check(
        "Amount and MinorUnits from JSON",
        CASES * 2,
        json_value(&vocabulary),
        |value| {
            match no_panic(|| serde_json::from_value::<Amount>(value.clone()))? {
                Ok(amount) => {
                    prop_assert!(!amount.value().is_sign_negative() || amount.value().is_zero());
                    prop_assert!(amount.value().normalize().scale() <= 2, "{amount}");
                    // What is written reads back the same.
                    let written = serde_json::to_value(amount).expect("an amount serializes");
                    prop_assert_eq!(serde_json::from_value::<Amount>(written).ok(), Some(amount));
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
            match no_panic(|| serde_json::from_value::<MinorUnits>(value.clone()))? {
                Ok(MinorUnits(units)) => prop_assert_eq!(value.as_u64(), Some(units)),
                Err(_) => prop_assert!(value.as_u64().is_none()),
            }
            Ok(())
        },
    );
    check("Amount from text", CASES * 4, tricky_string(), |text| {
        if let Ok(amount) = no_panic(|| text.parse::<Amount>())? {
            prop_assert!(amount.value().normalize().scale() <= 2, "{amount}");
        }
        let bytes = Value::String(text).to_string();
        no_panic(|| serde_json::from_str::<Amount>(&bytes))?.ok();
        Ok(())
    });
    check(
        "money from extreme JSON text",
        CASES,
        extreme_text(&vocabulary),
        |text| {
            no_panic(|| serde_json::from_str::<Amount>(&text))?.ok();
            if let Ok(MinorUnits(units)) = no_panic(|| serde_json::from_str::<MinorUnits>(&text))? {
                prop_assert_eq!(text.trim().parse::<u64>().ok(), Some(units));
            }
            Ok(())
        },
    );
}
