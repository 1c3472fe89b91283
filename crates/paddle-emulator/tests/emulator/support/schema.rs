//! Paddle's OpenAPI spec as a JSON-Schema (draft 2020-12) resource, and assertions
//! that bodies validate against its schemas.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};

const SPEC_URI: &str = "urn:paddle:openapi";

/// The spec, parsed once (1.5 MB of YAML).
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/paddle-openapi/openapi.yaml"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        serde_yaml_ng::from_str(&text).unwrap()
    })
}

fn registry() -> &'static Registry<'static> {
    static REGISTRY: OnceLock<Registry<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::new()
            .draft(Draft::Draft202012)
            .add(SPEC_URI, spec())
            .unwrap()
            .prepare()
            .unwrap()
    })
}

/// A JSON pointer into the spec, escaped for a URI fragment.
fn fragment(pointer: &str) -> String {
    pointer.replace('{', "%7B").replace('}', "%7D")
}

fn validator(pointer: &str) -> Arc<Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(found) = cache.lock().unwrap().get(pointer) {
        return found.clone();
    }
    assert!(
        spec().pointer(pointer).is_some(),
        "no schema at {pointer} in the spec"
    );
    let schema = json!({"$ref": format!("{SPEC_URI}#{}", fragment(pointer))});
    let built = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_registry(registry())
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema {pointer}: {e}"));
    let built = Arc::new(built);
    cache
        .lock()
        .unwrap()
        .insert(pointer.to_owned(), built.clone());
    built
}

/// Every violation of the schema at `pointer` by `instance`.
pub fn violations(pointer: &str, instance: &Value) -> Vec<String> {
    validator(pointer)
        .iter_errors(instance)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect()
}

/// Panics with every violation if `instance` does not validate against `pointer`.
pub fn assert_valid(pointer: &str, instance: &Value) {
    let errors = violations(pointer, instance);
    assert!(
        errors.is_empty(),
        "body does not match {pointer}:\n{}\nbody: {instance:#}",
        errors.join("\n")
    );
}

/// The pointer of a documented response's schema, e.g. `("/customers", "get", 200)`.
pub fn response_pointer(template: &str, method: &str, status: u16) -> String {
    let path = template.replace('~', "~0").replace('/', "~1");
    format!("/paths/{path}/{method}/responses/{status}/content/application~1json/schema")
}

/// Validates an API answer: documented successes against their response schema, every
/// other status against the `error` schema, plus Paddle's `documentation_url` shape.
pub fn assert_api_body(template: &str, method: &str, status: u16, body: &Value) {
    if (200..300).contains(&status) {
        assert_valid(&response_pointer(template, method, status), body);
    } else {
        assert_valid("/components/schemas/error", body);
        let code = body["error"]["code"].as_str().unwrap();
        // Paddle groups its codes by entity: `errors/shared/not_found`,
        // `errors/subscriptions/subscription_must_be_paused`, …
        let area = match code.split('_').next() {
            Some("subscription") => "subscriptions",
            Some("customer") => "customers",
            Some("transaction") => "transactions",
            _ => "shared",
        };
        assert_eq!(
            body["error"]["documentation_url"],
            format!("https://developer.paddle.com/errors/{area}/{code}")
        );
    }
    let request_id = body["meta"]["request_id"].as_str().unwrap_or_default();
    assert!(
        is_uuid(request_id),
        "meta.request_id {request_id:?} is not a UUID"
    );
}

/// The schema of a webhook body's `event_type` (envelope and `data`).
pub fn event_pointer(body: &Value) -> String {
    let event_type = body["event_type"].as_str().unwrap_or("missing-event-type");
    format!("/components/schemas/{event_type}")
}

/// Validates a webhook body against the schema of its `event_type`.
pub fn assert_event(body: &Value) {
    assert_valid(&event_pointer(body), body);
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}
