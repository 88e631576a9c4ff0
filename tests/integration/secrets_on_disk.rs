//! Searching a data directory for secrets, as a thief with the disk would:
//! what the keychain holds for each account (tokens, client secrets, cache
//! keys), looked for in every file, the app's rolling log included.

use std::path::Path;

use serde_json::Value;

use crate::window::TestResult;

/// The secrets the keychain holds for every account under `data_dir`:
/// tokens, client secrets and cache keys, by name.
pub(crate) fn keychain_secrets(data_dir: &Path) -> TestResult<Vec<(String, String)>> {
    use casefile_providers::SecretStore;
    let keychain = casefile_core::keychain::Keychain::open()?;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(data_dir.join("accounts"))? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let settings: Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        let Some(ns) = settings["secrets_ns"].as_str() else {
            continue;
        };
        for name in [
            "access_token",
            "refresh_token",
            "client_secret",
            "cache_key",
        ] {
            if let Some(secret) = keychain.get(&format!("{ns}/{name}"))? {
                found.push((format!("{ns} {name}"), secret));
            }
        }
    }
    Ok(found)
}

/// No secret in any file under `data_dir` (cache, WAL, settings, blobs,
/// and the app's rolling log, written at its most verbose): a cache key
/// neither as the keychain keeps it (hex) nor as raw bytes.
pub(crate) fn assert_no_secret_on_disk(
    data_dir: &Path,
    secrets: &[(String, String)],
) -> TestResult {
    let files = walkdir(data_dir);
    let log: Vec<u8> = files
        .iter()
        .filter(|p| p.starts_with(data_dir.join("logs")))
        .flat_map(|p| std::fs::read(p).unwrap_or_default())
        .collect();
    if !log.windows(5).any(|w| w == b"TRACE") {
        return Err("the app's rolling log holds no trace-level line to search".into());
    }
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_default();
        for (what, secret) in secrets {
            let mut needles = vec![secret.as_bytes().to_vec()];
            if what.ends_with("cache_key") {
                needles.push(hex::decode(secret)?);
            }
            if needles
                .iter()
                .any(|n| bytes.windows(n.len()).any(|w| w == n.as_slice()))
            {
                return Err(format!("{what} is readable in {}", path.display()).into());
            }
        }
    }
    Ok(())
}

/// Every file under `dir`.
pub(crate) fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}
