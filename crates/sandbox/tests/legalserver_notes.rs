//! A matter's case notes in the sandbox's LegalServer dialect, as
//! `CoreAPI.v1.yaml` describes them: the search envelope, paged, of
//! `v1_core_matter_note` items; a note added on the server is listed after
//! the others; an unknown matter is a 404.

mod common;

use common::assert_valid;
use common::legalserver::{get_json, legalserver, schema, spec};
use serde_json::{json, Value};

const NOTES: &str = "/api/v1/matters/{case_UUID}/notes";

async fn matters(env: &common::Env) -> Vec<Value> {
    let (_, _, body) = get_json(env, "/api/v1/matters?page_size=6").await;
    body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_matters_notes_are_served_in_the_envelope_and_a_new_one_is_listed_last() {
    let spec = spec();
    let env = legalserver(0).await;
    let mut seen = 0;
    for matter in matters(&env).await {
        let uuid = matter["matter_uuid"].as_str().unwrap();
        let (status, headers, body) =
            get_json(&env, &format!("/api/v1/matters/{uuid}/notes")).await;
        assert_eq!(status, 200, "{body}");
        assert!(headers.contains_key("x-rate-limit-remaining"));
        if let Some(spec) = &spec {
            assert_valid(&schema(spec, NOTES), &body, "a matter's notes");
        }
        let data = body["data"].as_array().unwrap();
        assert_eq!(body["total_records"], data.len());
        for note in data {
            assert_eq!(note["matter_id"], matter["case_id"]);
            assert!(note["subject"].as_str().is_some_and(|s| !s.is_empty()));
        }
        seen += data.len();
    }
    assert!(seen > 0, "some matters have notes");

    // One added on the server comes last, and pages are honoured.
    let first = &matters(&env).await[0];
    let (uuid, case_id) = (
        first["matter_uuid"].as_str().unwrap().to_owned(),
        first["case_id"].as_i64().unwrap(),
    );
    let resp = env
        .http
        .post(env.url(&format!("/admin/notes/{case_id}")))
        .bearer_auth(&env.info.admin_token)
        .json(&json!({
            "subject": "Hearing moved",
            "body": "<b>Not bold</b>: the clerk moved it to 3 pm.",
            "note_type": "Case Note",
            "date_posted": "2026-12-02",
            "is_html": false
        }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let (_, _, body) = get_json(&env, &format!("/api/v1/matters/{uuid}/notes")).await;
    let total = body["total_records"].as_u64().unwrap();
    let (_, _, last) = get_json(
        &env,
        &format!("/api/v1/matters/{uuid}/notes?page_size=1&page_number={total}"),
    )
    .await;
    assert_eq!(last["total_number_of_pages"], total);
    assert_eq!(last["data"][0]["subject"], "Hearing moved");
    assert!(last["data"][0]["casenote_uuid"].as_str().is_some());
    if let Some(spec) = &spec {
        assert_valid(&schema(spec, NOTES), &last, "the added note");
    }

    let unknown = "00000000-0000-4000-8000-000000000000";
    let (status, _, _) = get_json(&env, &format!("/api/v1/matters/{unknown}/notes")).await;
    assert_eq!(status, 404);
    env.sandbox.shutdown().await;
}
