//! Loading the configured demo data into a fresh store: the demo firm generator
//! (`casefile_demo`) streams records in API shape into a sink that stores them.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use casefile_demo::{DemoParams, Resource};

use crate::config::{DemoData, SandboxConfig};
use crate::error::SandboxError;
use crate::seed::{seed_document, seed_record};
use crate::state::{lock, AppState};
use crate::store::{Kind, Tx};

fn kind_of(resource: Resource) -> Option<Kind> {
    Some(match resource {
        Resource::Firm => return None,
        Resource::Staff => Kind::Staff,
        Resource::PracticeArea => Kind::PracticeArea,
        Resource::CaseStage => Kind::CaseStage,
        Resource::Location => Kind::Location,
        Resource::Client => Kind::Client,
        Resource::Company => Kind::Company,
        Resource::Case => Kind::Case,
        Resource::Folder => Kind::Folder,
        Resource::Document => Kind::Document,
        Resource::Event => Kind::Event,
        Resource::Task => Kind::Task,
    })
}

struct StoreSink<'a, 'b> {
    app: &'a AppState,
    tx: &'a Tx<'b>,
    now: DateTime<Utc>,
    firm: Option<Value>,
    first_staff: Option<i64>,
}

impl casefile_demo::Sink for StoreSink<'_, '_> {
    type Error = SandboxError;

    fn record(&mut self, resource: Resource, record: Value) -> Result<(), SandboxError> {
        match kind_of(resource) {
            None => {
                self.firm = Some(record);
                Ok(())
            }
            Some(kind) => {
                let id = seed_record(self.tx, kind, record, self.now)?;
                if kind == Kind::Staff && self.first_staff.is_none() {
                    self.first_staff = Some(id);
                }
                Ok(())
            }
        }
    }

    fn document(&mut self, record: Value, content: Vec<u8>) -> Result<(), SandboxError> {
        seed_document(self.app, self.tx, record, &content, self.now).map(|_| ())
    }
}

fn default_firm() -> Value {
    json!({ "name": "Sandbox Law Group LLP", "url": "https://sandbox.example" })
}

/// Loads the firm and records; `/v1/me` answers with the first staff member.
pub fn load(app: &AppState, cfg: &SandboxConfig) -> Result<(), SandboxError> {
    let now = Utc::now();
    let params = match cfg.demo {
        DemoData::Empty => None,
        DemoData::SmallFirm => Some(DemoParams::small_firm(cfg.demo_seed, now)),
        DemoData::Scaled {
            cases,
            events,
            tasks,
            documents,
        } => Some(DemoParams::scaled(
            cases,
            events,
            tasks,
            documents,
            cfg.demo_seed,
            now,
        )),
    };
    let (firm, me) = app.store.batch(|tx| {
        let mut sink = StoreSink {
            app,
            tx,
            now,
            firm: None,
            first_staff: None,
        };
        if let Some(params) = &params {
            casefile_demo::generate(params, &mut sink)?;
        }
        let me = match sink.first_staff {
            Some(id) => id,
            None => seed_record(
                tx,
                Kind::Staff,
                json!({
                    "first_name": "Avery", "last_name": "Quinn",
                    "email": "avery.quinn@sandbox.example", "type": "Attorney",
                    "title": "Managing Partner", "active": true, "default_hourly_rate": 350.0
                }),
                now,
            )?,
        };
        Ok::<_, SandboxError>((sink.firm, me))
    })?;
    *lock(&app.firm) = firm.unwrap_or_else(default_firm);
    *lock(&app.me) = Some(me);
    Ok(())
}
