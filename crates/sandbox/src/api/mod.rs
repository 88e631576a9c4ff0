//! The MyCase `/v1/` API: routing plus one module per resource family.

pub mod common;
pub mod documents;
pub mod folders;
pub mod people;
pub mod relationships;
pub mod resources;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;
use crate::store::Kind;

/// Routes of `/v1/`.
pub fn router() -> Router<Arc<AppState>> {
    use resources::{create, delete, get_one, list, update};
    let mut r = Router::new()
        .route("/v1/firm", get(people::firm))
        .route("/v1/me", get(people::me))
        .route("/v1/staff", get(list(Kind::Staff)))
        .route("/v1/staff/{id}", get(get_one(Kind::Staff)))
        .route("/v1/clients/{id}/cases", get(resources::client_cases));
    for kind in [
        Kind::CaseStage,
        Kind::PracticeArea,
        Kind::Location,
        Kind::Event,
        Kind::Task,
    ] {
        let base = format!("/v1/{}", kind.as_str());
        r = r.route(&base, get(list(kind)).post(create(kind))).route(
            &format!("{base}/{{id}}"),
            axum::routing::put(update(kind)).delete(delete(kind)),
        );
    }
    for kind in [Kind::Client, Kind::Company, Kind::Case] {
        let base = format!("/v1/{}", kind.as_str());
        r = r.route(&base, get(list(kind)).post(create(kind))).route(
            &format!("{base}/{{id}}"),
            get(get_one(kind)).put(update(kind)).delete(delete(kind)),
        );
    }
    r.route(
        "/v1/cases/{id}/relationships/{rel}",
        post(relationships::case_relationship),
    )
    .route(
        "/v1/companies/{id}/relationships/clients",
        post(relationships::company_clients),
    )
    .route(
        "/v1/events/{id}/relationships/staff",
        post(relationships::event_staff),
    )
    .route(
        "/v1/tasks/{id}/relationships/staff",
        post(relationships::task_staff),
    )
    .route("/v1/cases/{id}/folder", get(folders::case_folder))
    .route(
        "/v1/cases/{id}/subfolders",
        post(folders::create_subfolders),
    )
    .route("/v1/folders/{id}/subfolders", get(folders::subfolders))
    .route("/v1/folders/{id}/documents", get(folders::folder_documents))
    .route("/v1/documents", get(documents::list_all))
    .route(
        "/v1/cases/{id}/documents",
        get(documents::list_case).post(documents::create),
    )
    .route(
        "/v1/documents/{id}",
        get(documents::get_one)
            .put(documents::update)
            .delete(documents::delete),
    )
    .route(
        "/v1/documents/{id}/versions",
        get(documents::versions).post(documents::create_version),
    )
    .route("/v1/documents/{id}/data", get(documents::data))
    .route(
        "/v1/documents/{id}/versions/{version}/data",
        get(documents::version_data),
    )
    .route(
        "/v1/documents/{id}/versions/{version}",
        axum::routing::delete(documents::delete_version),
    )
}
