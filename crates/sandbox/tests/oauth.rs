//! OAuth2 authorization code flow as getting-started.txt documents it: consent
//! redirect with code and state, token exchange, rotating refresh tokens, PKCE, and
//! 401 for expired access tokens.

mod common;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use casefile_sandbox::SandboxConfig;
use common::Env;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Runs the consent step; returns the redirect's query pairs.
async fn authorize(env: &Env, extra: &str) -> (u16, Vec<(String, String)>, String) {
    let url = format!(
        "{}?client_id={}&redirect_uri={}&response_type=code&state=xyz%20123{extra}",
        env.info.authorize_url,
        env.info.client_id,
        urlencode(&env.info.redirect_uri)
    );
    let resp = env.http.get(&url).send().await.unwrap();
    let status = resp.status().as_u16();
    let location = resp
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let query = reqwest::Url::parse(&location)
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    (status, query, location)
}

fn urlencode(s: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("v", s)])
        .unwrap()
        .query()
        .unwrap()
        .trim_start_matches("v=")
        .to_owned()
}

fn get<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str())
}

async fn exchange(env: &Env, body: Value) -> (u16, Value) {
    let resp = env
        .http
        .post(&env.info.token_url)
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn code_flow_refresh_rotation_and_expiry() {
    let env = common::with(
        SandboxConfig::empty()
            .with_rate_limit(0)
            .with_token_ttls(Duration::from_secs(2), Duration::from_secs(3600)),
    )
    .await;
    let (status, q, location) = authorize(&env, "").await;
    assert_eq!(status, 302, "consent redirects");
    assert!(location.starts_with(&env.info.redirect_uri), "{location}");
    assert_eq!(get(&q, "state"), Some("xyz 123"));
    let code = get(&q, "code").unwrap().to_owned();

    let (status, tokens) = exchange(
        &env,
        json!({
            "client_id": env.info.client_id, "client_secret": env.info.client_secret,
            "code": code, "grant_type": "authorization_code", "redirect_uri": env.info.redirect_uri,
        }),
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 2);
    assert!(tokens["firm_uuid"].is_string() && tokens["scope"].is_string());
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();

    let (status, again) = exchange(
        &env,
        json!({
            "client_id": env.info.client_id, "client_secret": env.info.client_secret,
            "code": code, "grant_type": "authorization_code", "redirect_uri": env.info.redirect_uri,
        }),
    )
    .await;
    assert_eq!(
        (status, again["error"].as_str()),
        (400, Some("invalid_grant")),
        "codes are single use"
    );

    let ok = env
        .http
        .get(env.url("/v1/firm"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let expired = env
        .http
        .get(env.url("/v1/firm"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    common::assert_error(expired, 401, "expired access token").await;

    // Form-encoded refresh works too and rotates the refresh token.
    let resp = env
        .http
        .post(&env.info.token_url)
        .form(&[
            ("client_id", env.info.client_id.as_str()),
            ("client_secret", env.info.client_secret.as_str()),
            ("refresh_token", refresh.as_str()),
            ("grant_type", "refresh_token"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let rotated: Value = resp.json().await.unwrap();
    let new_refresh = rotated["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, refresh);
    assert!(rotated.get("firm_uuid").is_none());
    let fresh = env
        .http
        .get(env.url("/v1/firm"))
        .bearer_auth(rotated["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let (status, reuse) = exchange(
        &env,
        json!({
            "client_id": env.info.client_id, "client_secret": env.info.client_secret,
            "refresh_token": refresh, "grant_type": "refresh_token",
        }),
    )
    .await;
    assert_eq!(
        (status, reuse["error"].as_str()),
        (400, Some("invalid_grant")),
        "a rotated refresh token is spent"
    );
    let (status, _) = exchange(
        &env,
        json!({
            "client_id": env.info.client_id, "client_secret": "wrong",
            "refresh_token": new_refresh, "grant_type": "refresh_token",
        }),
    )
    .await;
    assert_eq!(status, 401, "bad client secret");
}

#[tokio::test]
async fn pkce_and_redirect_checks() {
    let env = common::empty().await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let (_, q, _) = authorize(
        &env,
        &format!("&code_challenge={challenge}&code_challenge_method=S256"),
    )
    .await;
    let code = get(&q, "code").unwrap().to_owned();
    let body = |v: &str| {
        json!({
            "client_id": env.info.client_id, "client_secret": env.info.client_secret, "code": code,
            "grant_type": "authorization_code", "redirect_uri": env.info.redirect_uri, "code_verifier": v,
        })
    };
    let (status, _) = exchange(&env, body("wrong-verifier")).await;
    assert_eq!(status, 400, "a wrong verifier fails (and spends the code)");
    let (_, q, _) = authorize(
        &env,
        &format!("&code_challenge={challenge}&code_challenge_method=S256"),
    )
    .await;
    let code2 = get(&q, "code").unwrap().to_owned();
    let (status, tokens) = exchange(&env, json!({
        "client_id": env.info.client_id, "client_secret": env.info.client_secret, "code": code2,
        "grant_type": "authorization_code", "redirect_uri": env.info.redirect_uri, "code_verifier": verifier,
    })).await;
    assert_eq!(status, 200, "{tokens}");

    let evil = format!(
        "{}?client_id={}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&response_type=code",
        env.info.authorize_url, env.info.client_id
    );
    let resp = env.http.get(&evil).send().await.unwrap();
    assert_eq!(resp.status(), 400, "never redirects to an unregistered URI");
    assert!(resp.headers().get("location").is_none());
    let unknown = format!(
        "{}?client_id=nobody&redirect_uri=x&response_type=code",
        env.info.authorize_url
    );
    assert_eq!(env.http.get(&unknown).send().await.unwrap().status(), 400);

    // RFC 8252 7.3: a loopback redirect may name any port, and nothing else may differ.
    let asking = |uri: &str| {
        format!(
            "{}?client_id={}&redirect_uri={}&response_type=code&state=s",
            env.info.authorize_url,
            env.info.client_id,
            urlencode(uri)
        )
    };
    let native = "http://127.0.0.1:49152/casefile/oauth/callback";
    let resp = env.http.get(asking(native)).send().await.unwrap();
    assert_eq!(resp.status(), 302, "any loopback port is accepted");
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{native}?code=")),
        "{location}"
    );
    for bad in [
        "http://127.0.0.1:49152/elsewhere",
        "http://127.0.0.1.evil.example:80/casefile/oauth/callback",
        "http://127.0.0.1:1@evil.example/casefile/oauth/callback",
        "https://127.0.0.1:49152/casefile/oauth/callback",
    ] {
        let resp = env.http.get(asking(bad)).send().await.unwrap();
        assert_eq!(resp.status(), 400, "{bad} is refused");
    }
}
