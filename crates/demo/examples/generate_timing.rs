//! Prints how long the largest benchmark firm takes to generate:
//! `cargo run --release -p casefile-demo --example generate_timing`
//! (10k cases, 100k events, 50k tasks, 20k documents; bytes are counted, not kept).

use std::time::Instant;

use casefile_demo::{generate, DemoParams, Resource, Sink};

struct Count {
    records: usize,
    bytes: usize,
}

impl Sink for Count {
    type Error = std::convert::Infallible;
    fn record(&mut self, _: Resource, record: serde_json::Value) -> Result<(), Self::Error> {
        self.records += 1;
        self.bytes += record.to_string().len();
        Ok(())
    }
    fn document(&mut self, record: serde_json::Value, content: Vec<u8>) -> Result<(), Self::Error> {
        self.records += 1;
        self.bytes += record.to_string().len() + content.len();
        Ok(())
    }
}

fn main() {
    let now = "2026-11-23T15:00:00Z".parse().expect("a valid instant");
    let params = DemoParams::scaled(10_000, 100_000, 50_000, 20_000, 1, now);
    let mut count = Count {
        records: 0,
        bytes: 0,
    };
    let started = Instant::now();
    let Ok(()) = generate(&params, &mut count);
    println!(
        "demo-generate: records={} bytes={} seconds={:.2}",
        count.records,
        count.bytes,
        started.elapsed().as_secs_f64()
    );
}
