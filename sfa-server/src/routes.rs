//! The HTTP face: `POST /v1/sync/push`, `POST /v1/sync/pull`,
//! `GET /v1/cards/{id}/image` (bearer token), and `GET /health`. Bodies are the
//! library's own sync messages; errors are JSON `{"code", "message"}` (messages name
//! records and fields, never customer data).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sfa_core::sync::SyncServer;
use sfa_core::{CardId, Error, Sfa, UserId};

use crate::tenants::Tenants;
use crate::tokens::Tokens;

/// The largest push: a card image (10 MiB, base64 in JSON) and more.
pub const MAX_PUSH_BYTES: usize = 48 << 20;
/// The largest pull request (a cursor and the records to refresh).
pub const MAX_PULL_BYTES: usize = 1 << 20;

/// What every request shares.
pub struct App {
    /// Who the tokens stand for.
    pub tokens: Tokens,
    /// The tenants' databases.
    pub tenants: Tenants,
}

/// The routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route(
            "/v1/sync/push",
            post(push).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)),
        )
        .route(
            "/v1/sync/pull",
            post(pull).layer(DefaultBodyLimit::max(MAX_PULL_BYTES)),
        )
        .route("/v1/cards/{id}/image", get(card_image))
        .with_state(app)
}

/// An answer that is not the happy path.
struct Failure {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"code": self.code, "message": self.message});
        let mut response = (self.status, body.to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let (status, code) = match &e {
            Error::Validation(_) => (StatusCode::BAD_REQUEST, "validation"),
            Error::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            Error::PermissionDenied { .. } => (StatusCode::FORBIDDEN, "permission_denied"),
            Error::Unavailable | Error::Busy | Error::Timeout => {
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            }
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            "the server failed; try again later".to_string()
        } else {
            e.to_string()
        };
        Failure {
            status,
            code,
            message,
        }
    }
}

fn unauthorized() -> Failure {
    Failure {
        status: StatusCode::UNAUTHORIZED,
        code: "unauthorized",
        message: "a valid bearer token is required".into(),
    }
}

/// Runs blocking work (the store, the token table) off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|_| {
        Err(Failure {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: "the server failed; try again later".into(),
        })
    })
}

/// The tenant and user the request's token stands for, with the tenant's database.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<(Sfa, UserId), Failure> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    let holder = app
        .tokens
        .holder(token.trim())
        .map_err(|_| Failure::from(Error::Unavailable))?
        .ok_or_else(unauthorized)?;
    Ok((app.tenants.get(&holder.tenant)?, holder.user))
}

fn octets(bytes: Vec<u8>, media_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, media_type)], bytes).into_response()
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let ok = blocking(move || Ok(app.tokens.healthy()))
        .await
        .unwrap_or(false);
    if ok {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

/// Answers a request with `answer`'s bytes, run as the token's user on the token's
/// tenant, off the async workers.
async fn answer_as_user(
    app: Arc<App>,
    headers: HeaderMap,
    media_type: &'static str,
    answer: impl FnOnce(SyncServer, UserId) -> Result<Vec<u8>, Failure> + Send + 'static,
) -> Response {
    let answer = blocking(move || {
        let (sfa, user) = authenticate(&app, &headers)?;
        answer(sfa.sync_server(), user)
    })
    .await;
    match answer {
        Ok(bytes) => octets(bytes, media_type),
        Err(failure) => failure.into_response(),
    }
}

async fn push(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    answer_as_user(app, headers, "application/json", move |server, user| {
        Ok(server.push(user, &body)?)
    })
    .await
}

async fn pull(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    answer_as_user(app, headers, "application/json", move |server, user| {
        Ok(server.pull(user, &body)?)
    })
    .await
}

async fn card_image(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    answer_as_user(
        app,
        headers,
        "application/octet-stream",
        move |server, user| {
            let card: CardId = id.parse().map_err(|_| Failure {
                status: StatusCode::BAD_REQUEST,
                code: "validation",
                message: "the card id is not an id".into(),
            })?;
            Ok(server.card_image(user, card)?)
        },
    )
    .await
}
