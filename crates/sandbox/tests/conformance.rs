//! Conformance: every implemented operation answers in the shape its contract schema
//! describes (validated with `jsonschema` against the spec files read at test time),
//! writes answer 201/204 as documented, and requests the contract forbids get the
//! contract's status codes and `{"errors":[...]}` bodies.

mod common;

use common::{assert_error, assert_valid, contracts_dir, response_schema, Env};
use serde_json::{json, Value};

struct Fixture {
    client: i64,
    company: i64,
    case: i64,
    event: i64,
    task: i64,
    folder: i64,
    document: i64,
}

async fn fixture(env: &Env) -> Fixture {
    env.create("/v1/case_stages", json!({"name": "Discovery"}))
        .await;
    env.create("/v1/practice_areas", json!({"name": "Family Law"}))
        .await;
    let location = env
        .create(
            "/v1/locations",
            json!({"name": "Main office", "address": {"address1": "1 Court St", "city": "Boston", "state": "MA", "zip_code": "02108", "country": "US"}}),
        )
        .await;
    let client = env
        .create(
            "/v1/clients",
            json!({"first_name": "Dana", "last_name": "Whitfield", "email": "dana@example.com", "birthdate": "1980-04-02"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let company = env
        .create(
            "/v1/companies",
            json!({"name": "Harbor Freight Partners LLC", "clients": [{"id": client}]}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let case = env
        .create(
            "/v1/cases",
            json!({"name": "Whitfield custody", "case_stage": "discovery", "practice_area": "Family Law",
                   "opened_date": "2026-01-05", "clients": [{"id": client}], "companies": [{"id": company}],
                   "staff": [{"id": 1, "lead_lawyer": true, "originating_lawyer": false}]}),
        )
        .await;
    assert_eq!(
        case["case_stage"], "Discovery",
        "stage matched case-insensitively"
    );
    let case = case["id"].as_i64().unwrap();
    let event = env
        .create(
            "/v1/events",
            json!({"name": "Custody hearing", "start": "2026-03-08T09:00:00-05:00", "end": "2026-03-08T10:00:00-04:00",
                   "staff": [{"id": 1, "required": true}], "case": {"id": case}, "location": {"id": location["id"]}}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let task = env
        .create(
            "/v1/tasks",
            json!({"name": "File motion", "priority": "high", "due_date": "2026-03-01", "staff": [{"id": 1}], "case": {"id": case}}),
        )
        .await;
    assert_eq!(task["priority"], "High");
    let task = task["id"].as_i64().unwrap();
    let folder = env
        .post(
            &format!("/v1/cases/{case}/subfolders"),
            &json!({"path": "Pleadings/Motions"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(folder.status(), 200);
    let folder = folder.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let doc = env
        .create(
            &format!("/v1/cases/{case}/documents"),
            json!({"path": "Pleadings/Motions/Motion to modify", "filename": "motion.txt", "description": "Draft"}),
        )
        .await;
    assert_eq!(
        doc["folder"]["id"], folder,
        "document lands in the folder its path names"
    );
    let put = env
        .http
        .put(doc["put_url"].as_str().unwrap())
        .header("Content-Type", "application/octet-stream")
        .body("Motion to modify custody.\n")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    Fixture {
        client,
        company,
        case,
        event,
        task,
        folder,
        document: doc["id"].as_i64().unwrap(),
    }
}

#[tokio::test]
async fn every_read_and_create_matches_the_contract_schema() {
    let Some(dir) = contracts_dir() else { return };
    let env = common::empty().await;
    let f = fixture(&env).await;
    let (c, cl, co, fo, d) = (f.case, f.client, f.company, f.folder, f.document);
    let root: Value = env
        .get(&format!("/v1/cases/{c}/folder"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let root = root["id"].as_i64().unwrap();
    let reads: Vec<(&str, &str, String)> = vec![
        ("Firm.json", "/v1/firm", "/v1/firm".into()),
        ("Staff.json", "/v1/staff", "/v1/staff".into()),
        ("Staff.json", "/v1/staff/{id}", "/v1/staff/1".into()),
        ("Staff.json", "/v1/me", "/v1/me".into()),
        (
            "CaseStages.json",
            "/v1/case_stages",
            "/v1/case_stages".into(),
        ),
        (
            "PracticeAreas.json",
            "/v1/practice_areas",
            "/v1/practice_areas".into(),
        ),
        ("Locations.json", "/v1/locations", "/v1/locations".into()),
        ("Clients.json", "/v1/clients", "/v1/clients".into()),
        (
            "Clients.json",
            "/v1/clients/{id}",
            format!("/v1/clients/{cl}"),
        ),
        ("Companies.json", "/v1/companies", "/v1/companies".into()),
        (
            "Companies.json",
            "/v1/companies/{id}",
            format!("/v1/companies/{co}"),
        ),
        ("Cases.json", "/v1/cases", "/v1/cases".into()),
        (
            "Cases.json",
            "/v1/cases/{id}",
            format!("/v1/cases/{c}?field[client]=id,first_name,last_name"),
        ),
        (
            "Cases.json",
            "/v1/clients/{id}/cases",
            format!("/v1/clients/{cl}/cases"),
        ),
        ("Events.json", "/v1/events", "/v1/events".into()),
        ("Tasks.json", "/v1/tasks", "/v1/tasks".into()),
        (
            "Folders.json",
            "/v1/cases/{id}/folder",
            format!("/v1/cases/{c}/folder"),
        ),
        (
            "Folders.json",
            "/v1/folders/{id}/subfolders",
            format!("/v1/folders/{root}/subfolders"),
        ),
        (
            "Folders.json",
            "/v1/folders/{id}/documents",
            format!("/v1/folders/{fo}/documents"),
        ),
        ("Documents.json", "/v1/documents", "/v1/documents".into()),
        (
            "Documents.json",
            "/v1/cases/{id}/documents",
            format!("/v1/cases/{c}/documents"),
        ),
        (
            "Documents.json",
            "/v1/documents/{id}",
            format!("/v1/documents/{d}"),
        ),
        (
            "Documents.json",
            "/v1/documents/{id}/versions",
            format!("/v1/documents/{d}/versions"),
        ),
    ];
    for (file, op, url) in reads {
        let resp = env.get(&url).send().await.unwrap();
        assert_eq!(resp.status(), 200, "GET {url}");
        let is_list = resp.headers().contains_key("item-count");
        let body: Value = resp.json().await.unwrap();
        if let Some(items) = body.as_array() {
            assert!(is_list, "GET {url}: lists carry Item-Count");
            assert!(
                !items.is_empty(),
                "GET {url}: fixture makes this list non-empty"
            );
        }
        let schema = response_schema(&dir, file, op, "get", "200");
        assert_valid(&schema, &body, &format!("GET {url}"));
    }
    // The validator is not vacuous: nested $refs resolve and wrong types are caught.
    let schema = response_schema(&dir, "Cases.json", "/v1/cases/{id}", "get", "200");
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(!validator.is_valid(&json!({"id": 1, "clients": [{"id": "seven"}]})));
    assert!(!validator.is_valid(&json!({"id": "one"})));
    let case = env
        .get(&format!("/v1/cases/{c}?field[client]=first_name"))
        .send()
        .await
        .unwrap();
    let case: Value = case.json().await.unwrap();
    assert_eq!(
        case["clients"][0]["first_name"], "Dana",
        "field[client] expands nested clients"
    );

    let creates: Vec<(&str, &str, String, Value, &str)> = vec![
        (
            "CaseStages.json",
            "/v1/case_stages",
            "/v1/case_stages".into(),
            json!({"name": "Trial"}),
            "201",
        ),
        (
            "PracticeAreas.json",
            "/v1/practice_areas",
            "/v1/practice_areas".into(),
            json!({"name": "Estate Planning"}),
            "201",
        ),
        (
            "Locations.json",
            "/v1/locations",
            "/v1/locations".into(),
            json!({"name": "County courthouse"}),
            "201",
        ),
        (
            "Clients.json",
            "/v1/clients",
            "/v1/clients".into(),
            json!({"first_name": "Omar", "last_name": "Reyes", "cases": [{"id": c}]}),
            "201",
        ),
        (
            "Companies.json",
            "/v1/companies",
            "/v1/companies".into(),
            json!({"name": "Reyes Holdings"}),
            "201",
        ),
        (
            "Cases.json",
            "/v1/cases",
            "/v1/cases".into(),
            json!({"name": "Reyes estate", "status": "closed", "sol_date": "2030-01-01"}),
            "201",
        ),
        (
            "Events.json",
            "/v1/events",
            "/v1/events".into(),
            json!({"name": "Filing deadline", "start": "2026-11-01", "end": "2026-11-02", "all_day": true, "staff": [{"id": 1}]}),
            "201",
        ),
        (
            "Tasks.json",
            "/v1/tasks",
            "/v1/tasks".into(),
            json!({"name": "Call client", "priority": "Low", "due_date": "2026-12-01", "staff": [{"id": 1}], "completed": true}),
            "201",
        ),
        (
            "Documents.json",
            "/v1/cases/{id}/documents",
            format!("/v1/cases/{c}/documents"),
            json!({"path": "Notes/intake", "filename": "intake.txt"}),
            "201",
        ),
        (
            "Documents.json",
            "/v1/documents/{id}/versions",
            format!("/v1/documents/{d}/versions"),
            json!({}),
            "201",
        ),
        (
            "Folders.json",
            "/v1/cases/{id}/subfolders",
            format!("/v1/cases/{c}/subfolders"),
            json!({"path": "Correspondence"}),
            "200",
        ),
    ];
    for (file, op, url, body, status) in creates {
        let resp = env.post(&url, &body).send().await.unwrap();
        assert_eq!(resp.status().as_str(), status, "POST {url}");
        let body: Value = resp.json().await.unwrap();
        let schema = response_schema(&dir, file, op, "post", status);
        assert_valid(&schema, &body, &format!("POST {url}"));
    }
}

#[tokio::test]
async fn writes_answer_204_with_no_body_and_take_effect() {
    let env = common::empty().await;
    let f = fixture(&env).await;
    let (c, cl, co, e, t, d) = (f.case, f.client, f.company, f.event, f.task, f.document);
    let other = env
        .create(
            "/v1/clients",
            json!({"first_name": "Li", "last_name": "Chen"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let writes: Vec<(reqwest::Method, String, Value)> = vec![
        (
            reqwest::Method::PUT,
            format!("/v1/cases/{c}"),
            json!({"status": "closed"}),
        ),
        (
            reqwest::Method::PUT,
            format!("/v1/clients/{cl}"),
            json!({"email": "dana.w@example.com"}),
        ),
        (
            reqwest::Method::PUT,
            format!("/v1/companies/{co}"),
            json!({"website": "https://harbor.example"}),
        ),
        (
            reqwest::Method::PUT,
            format!("/v1/events/{e}"),
            json!({"name": "Custody hearing (moved)"}),
        ),
        (
            reqwest::Method::PUT,
            format!("/v1/tasks/{t}"),
            json!({"completed": true}),
        ),
        (
            reqwest::Method::PUT,
            format!("/v1/documents/{d}"),
            json!({"path": "Archive/Motion to modify"}),
        ),
        (
            reqwest::Method::POST,
            format!("/v1/cases/{c}/relationships/clients"),
            json!({"clients": [{"id": other}]}),
        ),
        (
            reqwest::Method::POST,
            format!("/v1/cases/{c}/relationships/staff"),
            json!({"staff": [{"id": 1, "lead_lawyer": false}]}),
        ),
        (
            reqwest::Method::POST,
            format!("/v1/cases/{c}/relationships/companies"),
            json!({"companies": [{"id": co}]}),
        ),
        (
            reqwest::Method::POST,
            format!("/v1/companies/{co}/relationships/clients"),
            json!({"clients": [{"id": other}]}),
        ),
        (
            reqwest::Method::POST,
            format!("/v1/events/{e}/relationships/staff"),
            json!({"staff": [{"id": 1, "required": false}]}),
        ),
        (
            reqwest::Method::POST,
            format!("/v1/tasks/{t}/relationships/staff"),
            json!({"staff": [{"id": 1}]}),
        ),
    ];
    for (method, url, body) in writes {
        let resp = env
            .http
            .request(method.clone(), env.url(&url))
            .bearer_auth(&env.info.access_token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204, "{method} {url}");
        assert!(
            resp.bytes().await.unwrap().is_empty(),
            "{method} {url}: 204 has no body"
        );
    }
    let case: Value = env
        .get(&format!("/v1/cases/{c}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(case["status"], "closed");
    assert!(case["closed_date"].is_string());
    let ids: Vec<i64> = case["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![cl, other]);
    let tasks: Value = env
        .get("/v1/tasks")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        tasks[0]["completed_at"].is_string(),
        "completing a task stamps completed_at"
    );
    let doc: Value = env
        .get(&format!("/v1/documents/{d}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["path"], "Archive/Motion to modify");
    assert_eq!(doc["name"], "Motion to modify");
    let client_cases: Value = env
        .get(&format!("/v1/clients/{other}/cases"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(client_cases[0]["id"], c);

    let data = env
        .get(&format!("/v1/documents/{d}/data"))
        .send()
        .await
        .unwrap();
    assert_eq!(data.status(), 302);
    let location = data.headers()["location"].to_str().unwrap().to_owned();
    let bytes = env
        .http
        .get(&location)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"Motion to modify custody.\n");
    let tampered = location.replace("X-Amz-Signature=", "X-Amz-Signature=x");
    assert_eq!(env.http.get(&tampered).send().await.unwrap().status(), 403);

    for url in [
        format!("/v1/events/{e}"),
        format!("/v1/tasks/{t}"),
        format!("/v1/documents/{d}"),
        format!("/v1/cases/{c}"),
        format!("/v1/clients/{other}"),
        format!("/v1/companies/{co}"),
    ] {
        let resp = env.delete(&url).send().await.unwrap();
        assert_eq!(resp.status(), 204, "DELETE {url}");
        let again = env.delete(&url).send().await.unwrap();
        assert_error(again, 404, &format!("second DELETE {url}")).await;
    }
}

#[tokio::test]
async fn forbidden_requests_get_the_contracts_errors() {
    let env = common::empty().await;
    let f = fixture(&env).await;
    for path in ["/v1/cases", "/v1/firm", "/v1/me", "/v1/documents/1"] {
        let resp = env.http.get(env.url(path)).send().await.unwrap();
        assert_error(resp, 401, &format!("{path} without token")).await;
        let resp = env
            .http
            .get(env.url(path))
            .bearer_auth("not-a-token")
            .send()
            .await
            .unwrap();
        assert_error(resp, 401, &format!("{path} with a bad token")).await;
    }
    let missing: Vec<(&str, Value, &[&str])> = vec![
        ("/v1/cases", json!({}), &["/name"]),
        (
            "/v1/clients",
            json!({"email": "x@example.com"}),
            &["/first_name", "/last_name"],
        ),
        ("/v1/companies", json!({}), &["/name"]),
        (
            "/v1/events",
            json!({"description": "x"}),
            &["/name", "/start", "/end", "/staff"],
        ),
        (
            "/v1/tasks",
            json!({}),
            &["/name", "/priority", "/due_date", "/staff"],
        ),
        ("/v1/case_stages", json!({"name": ""}), &["/name"]),
        ("/v1/practice_areas", json!({}), &["/name"]),
        ("/v1/locations", json!({}), &["/name"]),
    ];
    for (path, body, pointers) in missing {
        let resp = env.post(path, &body).send().await.unwrap();
        let err = assert_error(resp, 422, &format!("POST {path} missing fields")).await;
        let got: Vec<&str> = err["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["source"]["pointer"].as_str())
            .collect();
        assert_eq!(got, pointers, "POST {path}");
    }
    let c = f.case;
    let invalid: Vec<(String, Value, &str)> = vec![
        (
            format!("/v1/cases/{c}/documents"),
            json!({"filename": "a.txt"}),
            "/path",
        ),
        (
            "/v1/tasks".into(),
            json!({"name": "x", "priority": "Urgent", "due_date": "2026-01-01", "staff": [{"id": 1}]}),
            "/priority",
        ),
        (
            "/v1/tasks".into(),
            json!({"name": "x", "priority": "Low", "due_date": "tomorrow", "staff": [{"id": 1}]}),
            "/due_date",
        ),
        (
            "/v1/events".into(),
            json!({"name": "x", "start": "2026-01-02T10:00:00Z", "end": "2026-01-02T09:00:00Z", "staff": [{"id": 1}]}),
            "/end",
        ),
        (
            "/v1/events".into(),
            json!({"name": "x", "start": "2026-01-02T10:00:00Z", "end": "2026-01-02T11:00:00Z", "staff": [{"id": 424242}]}),
            "/staff/0/id",
        ),
        (
            "/v1/cases".into(),
            json!({"name": "Whitfield custody"}),
            "/name",
        ),
        (
            "/v1/cases".into(),
            json!({"name": "Other", "clients": [{"id": 999}]}),
            "/clients/0/id",
        ),
    ];
    for (path, body, pointer) in invalid {
        let resp = env.post(&path, &body).send().await.unwrap();
        let err = assert_error(resp, 422, &format!("POST {path} {body}")).await;
        assert_eq!(
            err["errors"][0]["source"]["pointer"], pointer,
            "POST {path} {body}"
        );
    }
    let resp = env
        .http
        .post(env.url("/v1/cases"))
        .bearer_auth(&env.info.access_token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_error(resp, 400, "malformed body").await;
    for path in [
        format!("/v1/events/{}", f.event),
        format!("/v1/tasks/{}", f.task),
        "/v1/cases/999999".into(),
        "/v1/clients/abc".into(),
        "/v1/documents/999999".into(),
        "/v1/folders/999999/subfolders".into(),
        "/v1/cases/999999/folder".into(),
        "/v1/no_such_resource".into(),
    ] {
        let resp = env.get(&path).send().await.unwrap();
        assert_error(resp, 404, &format!("GET {path}")).await;
    }
    let resp = env
        .put("/v1/clients/999999", &json!({"first_name": "X"}))
        .send()
        .await
        .unwrap();
    assert_error(resp, 404, "PUT missing client").await;
    for (query, param) in [
        ("page_size=0", "page_size"),
        ("page_size=1001", "page_size"),
        ("page_size=ten", "page_size"),
        ("filter[updated_after]=yesterday", "filter[updated_after]"),
        ("page_token=forged.token", "page_token"),
    ] {
        let resp = env
            .get(&format!("/v1/clients?{query}"))
            .send()
            .await
            .unwrap();
        let err = assert_error(resp, 422, query).await;
        assert_eq!(err["errors"][0]["source"]["parameter"], param);
    }
    let doc = env
        .get(&format!("/v1/documents/{}/versions/9/data", f.document))
        .send()
        .await
        .unwrap();
    assert_error(doc, 404, "missing version").await;
}
