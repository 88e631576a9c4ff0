//! transfer-bench: uploads a 1 GiB file through the transfer queue to the
//! sandbox (run as its own process, so this process's memory is the
//! client's alone) and compares it with a raw streaming PUT of the same file
//! in the same run; then downloads it through the queue and compares that
//! with a raw GET. Memory growth is this process's peak RSS during the
//! queued upload over its RSS before it (Linux: /proc/self/clear_refs). The
//! queue side includes encryption at rest: the cache is SQLCipher and the
//! blobs are sealed, so the upload opens and the download seals every byte.
//!
//! ```sh
//! cargo build --release -p casefile-sandbox
//! cargo run --release -p casefile-transfer --example transfer-bench
//! ```
//! `TRANSFER_BENCH_MIB=256` moves a smaller file.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use casefile_domain::entity::Kind;
use casefile_domain::ids::{AccountId, RemoteId};
use casefile_providers::documents::DocumentTransport;
use casefile_providers::{AnyProvider, Auth, Connection, Credentials, MemorySecrets, ProviderId};
use casefile_store::{CacheKey, Store};
use casefile_sync::{Engine, SyncOptions, Syncer};
use casefile_transfer::BlobStore;
use futures_util::StreamExt;

fn proc_kib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with(key))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(f64::NAN)
}

fn write_file(path: &std::path::Path, bytes: u64) {
    let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let mut block: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut left = bytes;
    let mut n = 0u64;
    while left > 0 {
        block[..8].copy_from_slice(&n.to_le_bytes());
        n += 1;
        let take = left.min(block.len() as u64) as usize;
        f.write_all(&block[..take]).unwrap();
        left -= take as u64;
    }
    f.flush().unwrap();
}

/// Seconds for one raw streaming PUT of `file` to a fresh document's URL.
async fn raw_put(
    client: &AnyProvider,
    case_remote: &RemoteId,
    file: &std::path::Path,
    size: u64,
    name: &str,
) -> f64 {
    let target = client
        .create_document(case_remote, &format!("Bench/{name}"), name)
        .await
        .unwrap()
        .put;
    let started = Instant::now();
    let body = tokio_util::io::ReaderStream::with_capacity(
        tokio::fs::File::open(file).await.unwrap(),
        256 * 1024,
    );
    let mut put = reqwest::Client::new()
        .put(&target.url)
        .header(reqwest::header::CONTENT_LENGTH, size)
        .body(reqwest::Body::wrap_stream(body));
    for (k, v) in &target.headers {
        put = put.header(k.as_str(), v.as_str());
    }
    put.send().await.unwrap().error_for_status().unwrap();
    started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let mib: u64 = std::env::var("TRANSFER_BENCH_MIB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024);
    let size = mib << 20;
    let exe = std::env::current_exe().unwrap();
    let sandbox_bin = std::env::var("SANDBOX_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            exe.parent()
                .unwrap()
                .parent()
                .unwrap()
                .join("casefile-sandbox")
        });
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("sandbox-docs");
    std::fs::create_dir_all(&docs).unwrap();
    let mut child = Command::new(&sandbox_bin)
        .args(["--rate-limit", "0", "--doc-dir", docs.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "start {} (build it with `cargo build --release -p casefile-sandbox`): {e}",
                sandbox_bin.display()
            )
        });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).expect("sandbox ready line");
    let base = info["base_url"].as_str().unwrap().to_owned();
    let token = info["access_token"].as_str().unwrap().to_owned();
    let auth = Arc::new(Auth::new(Arc::new(MemorySecrets::default()), "bench", None));
    auth.store_tokens(&token, None).unwrap();
    // The client the registry makes for the dialect the sandbox speaks.
    let dialect = ProviderId::parse(info["dialect"].as_str().unwrap()).unwrap();
    let client = Arc::new(
        AnyProvider::connect(
            dialect,
            Connection {
                base_url: base,
                credentials: Credentials::Bearer(auth),
                rate_limit_per_s: Some(0),
                retry: Default::default(),
            },
        )
        .unwrap(),
    );

    // A cache that knows the firm's cases.
    // Encrypted at rest, as every firm account is.
    let key = CacheKey::generate().unwrap();
    let store = Arc::new(
        Store::open_encrypted(&dir.path().join("cache"), &AccountId("bench".into()), &key).unwrap(),
    );
    let engine = Engine::new(Syncer {
        store: store.clone(),
        provider: client.clone(),
        zone: chrono_tz::America::New_York,
    });
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let (case, case_remote) = store.remote_ids(Kind::Case).unwrap()[0].clone();

    let file = dir.path().join("bench.bin");
    write_file(&file, size);

    // Raw: one streaming PUT of the file, nothing else (before and after the
    // queued upload, averaged, so neither side gets the warmer disk).
    let raw_put_before = raw_put(&client, &case_remote, &file, size, "raw-1.bin").await;

    // Through the queue: import into the blob store, then the queued upload.
    let blobs = BlobStore::open(&dir.path().join("blobs"), &key).unwrap();
    let started = Instant::now();
    let id = casefile_transfer::add_upload(&store, &blobs, &file, &case, Some("Bench"))
        .await
        .unwrap();
    let import_s = started.elapsed().as_secs_f64();
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_before = proc_kib("VmRSS:");
    let started = Instant::now();
    let report = casefile_transfer::run_due(&store, client.as_ref(), &blobs)
        .await
        .unwrap();
    let upload_s = started.elapsed().as_secs_f64();
    let growth_mib = (proc_kib("VmHWM:") - rss_before) / 1024.0;
    assert_eq!(report.done, 1, "{:?}", store.transfer(&id).unwrap());
    let remote = RemoteId(
        store
            .transfer(&id)
            .unwrap()
            .unwrap()
            .remote_document
            .unwrap(),
    );
    let raw_put_after = raw_put(&client, &case_remote, &file, size, "raw-2.bin").await;
    let raw_put_s = (raw_put_before + raw_put_after) / 2.0;

    // Raw download: follow the 302 and read every byte.
    let started = Instant::now();
    let mut incoming = client
        .open_download(&remote)
        .await
        .unwrap()
        .response
        .bytes_stream();
    let mut got = 0u64;
    while let Some(chunk) = incoming.next().await {
        got += chunk.unwrap().len() as u64;
    }
    assert_eq!(got, size);
    let raw_get_s = started.elapsed().as_secs_f64();

    // Through the queue: verified into the blob store (a fresh one, so it downloads).
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let doc = store
        .local_id_for(Kind::Document, &remote)
        .unwrap()
        .expect("the uploaded document synced");
    let fresh = BlobStore::open(&dir.path().join("blobs-2"), &key).unwrap();
    casefile_transfer::add_download(&store, &doc, None).unwrap();
    let started = Instant::now();
    let report = casefile_transfer::run_due(&store, client.as_ref(), &fresh)
        .await
        .unwrap();
    let download_s = started.elapsed().as_secs_f64();
    assert_eq!(report.done, 1);

    let _ = child.kill();
    let _ = child.wait();
    let rate = |s: f64| mib as f64 / s;
    println!(
        "transfer-bench detail: file_mib={mib} import_mib_s={:.1} raw_get_mib_s={:.1} rss_before_mib={:.1}",
        rate(import_s),
        rate(raw_get_s),
        rss_before / 1024.0
    );
    println!(
        "transfer-bench: upload_mib_s={:.1} raw_put_mib_s={:.1} ratio={:.2} peak_rss_growth_mib={:.1} download_mib_s={:.1}",
        rate(upload_s),
        rate(raw_put_s),
        raw_put_s / upload_s,
        growth_mib,
        rate(download_s)
    );
}
