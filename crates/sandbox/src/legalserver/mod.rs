//! The same demo firm served in LegalServer's Core API v1 dialect
//! (`--dialect legalserver`): records by UUID under `/api/v1/`, searches
//! paged by `page_number` and `page_size` in LegalServer's envelope, a
//! personal access token as Bearer, and the `x-rate-limit-*` headers on
//! every answer. It serves the searches and reads the sync needs (matters,
//! contacts, organizations, users, events, tasks), the writes of events and
//! tasks (`POST`, `PATCH`; Premium's 402 when Premium is off), and the
//! seeded faults, and documents: the multipart upload, a matter's list
//! and the download ([`documents`]), and a matter's case notes ([`notes`]).

mod documents;
pub mod faults;
mod ids;
mod limit;
mod notes;
mod search;
mod shapes;
mod write;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub use ids::{record_of, uuid_of};
pub use limit::PerMinute;
pub use search::Resource;

/// Routes of `/api/v1/`.
pub fn router() -> Router<Arc<AppState>> {
    // A document is as large as the firm's files: the upload streams to disk.
    let mut r = Router::new()
        .route(
            "/api/v1/documents",
            post(documents::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/api/v1/matters/{uuid}/documents", get(documents::list))
        .route("/api/v1/matters/{uuid}/notes", get(notes::list))
        .route("/modules/document/download.php", get(documents::download));
    for resource in Resource::ALL {
        let base = format!("/api/v1/{}", resource.path());
        let searched =
            move |State(app): State<Arc<AppState>>,
                  headers: HeaderMap,
                  Query(params): Query<BTreeMap<String, String>>| async move {
                search::search(&app, resource, &headers, &params)
            };
        let read = move |State(app): State<Arc<AppState>>,
                         headers: HeaderMap,
                         Path(uuid): Path<String>| async move {
            search::get_one(&app, resource, &headers, &uuid)
        };
        if matches!(resource, Resource::Events | Resource::Tasks) {
            let created = move |State(app): State<Arc<AppState>>,
                                headers: HeaderMap,
                                body: Bytes| async move {
                write::create(&app, resource, &headers, &body)
            };
            let patched = move |State(app): State<Arc<AppState>>,
                                headers: HeaderMap,
                                Path(uuid): Path<String>,
                                body: Bytes| async move {
                write::patch(&app, resource, &headers, &uuid, &body)
            };
            r = r
                .route(&base, get(searched).post(created))
                .route(&format!("{base}/{{uuid}}"), get(read).patch(patched));
        } else {
            r = r
                .route(&base, get(searched))
                .route(&format!("{base}/{{uuid}}"), get(read));
        }
    }
    r
}
