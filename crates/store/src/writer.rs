//! The one writer: a dedicated thread owns the only read-write connection and
//! runs jobs one at a time (DESIGN invariant 5). Callers block on the answer,
//! so a write is confirmed only after its transaction committed. Jobs are
//! short; nothing that waits on the network ever runs here.

use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::Connection;

use crate::error::{Result, StoreError};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

pub struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Moves `conn` onto the writer thread.
    pub fn spawn(mut conn: Connection) -> std::io::Result<Self> {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("casefile-store-writer".into())
            .spawn(move || {
                for job in inbox {
                    job(&mut conn);
                }
            })?;
        Ok(Self {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Runs `f` on the writer thread and waits for its result.
    pub fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |conn| {
            let _ = reply.send(f(conn));
        });
        self.jobs
            .as_ref()
            .ok_or(StoreError::Closed)?
            .send(job)
            .map_err(|_| StoreError::Closed)?;
        answer.recv().map_err(|_| StoreError::Closed)?
    }

    /// Ends the writer thread once its queued jobs ran, closing its connection
    /// before this returns. Idempotent; later calls get [`StoreError::Closed`].
    pub fn close(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.close();
    }
}
