//! The control API of faults: `POST`, `GET` and `DELETE /_sandbox/faults`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::Fault;
use crate::extract::JsonBody;
use crate::problem::Problem;
use crate::state::SandboxState;

/// `POST /_sandbox/faults` → 201 `{"id": n}`.
pub(crate) async fn create(
    State(state): State<SandboxState>,
    JsonBody(fault): JsonBody<Fault>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    fault
        .validate()
        .map_err(|(field, message)| Problem::validation(field, message))?;
    let id = state.with(|s| s.faults.add(fault));
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

/// `GET /_sandbox/faults` → `{"faults": [PendingFault, ...]}`.
pub(crate) async fn list(State(state): State<SandboxState>) -> Json<Value> {
    Json(json!({ "faults": state.faults() }))
}

/// `DELETE /_sandbox/faults` → 204.
pub(crate) async fn clear(State(state): State<SandboxState>) -> StatusCode {
    state.clear_faults();
    StatusCode::NO_CONTENT
}
