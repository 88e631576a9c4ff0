//! Settling a conflict the user has decided (DESIGN: conflicts are never
//! resolved silently). Keeping the local value lets the pending push go
//! ahead; taking the server's value is saved as a new local edit, so it
//! travels through the outbox like any other. A record deleted on the
//! server while edited here is either re-created from the local copy or
//! let go.

use casefile_domain::entity::Kind;
use casefile_domain::ids::{AccountId, LocalId};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::edits::save_local;
use crate::error::{Result, StoreError};
use crate::merge::set_field;
use crate::record::{table, Entity};

/// The field name of a "deleted on the server, edited here" conflict.
pub const DELETED_ON_SERVER: &str = "deleted_on_server";

/// Which side the user kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Local,
    Remote,
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Local => "local",
            Choice::Remote => "remote",
        }
    }
}

pub fn resolve(
    tx: &Transaction<'_>,
    account: &AccountId,
    conflict_id: &str,
    choice: Choice,
    now: &str,
) -> Result<()> {
    let found: Option<(String, String, String, Option<String>)> = tx
        .prepare_cached(
            "SELECT kind, record_id, field, remote FROM conflicts WHERE id = ?1 AND resolved_at IS NULL",
        )?
        .query_row([conflict_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((kind, record_id, field, remote)) = found else {
        return Err(StoreError::NotFound {
            kind: "conflict",
            id: conflict_id.to_owned(),
        });
    };
    let kind = Kind::parse(&kind).ok_or_else(|| StoreError::Invalid("conflict kind".into()))?;
    let id =
        LocalId::parse(&record_id).map_err(|_| StoreError::Invalid("conflict record".into()))?;
    tx.prepare_cached("UPDATE conflicts SET resolved_at = ?2, resolution = ?3 WHERE id = ?1")?
        .execute(params![conflict_id, now, choice.as_str()])?;
    let table = table(kind);
    match (field.as_str(), choice) {
        (DELETED_ON_SERVER, Choice::Local) => {
            // Send it again as a new record.
            tx.prepare_cached(&format!(
                "UPDATE {table} SET remote_id = NULL, data = json_set(data, '$.meta.remote_id', NULL),
                   change_counter = max(change_counter, 1) WHERE id = ?1"
            ))?
            .execute([&record_id])?;
            tx.prepare_cached("DELETE FROM mirror WHERE kind = ?1 AND id = ?2")?
                .execute(params![kind.as_str(), record_id])?;
        }
        (DELETED_ON_SERVER, Choice::Remote) => {
            for sql in [
                format!("DELETE FROM {table} WHERE id = ?1"),
                "DELETE FROM links WHERE from_id = ?1".to_owned(),
                "DELETE FROM outbox WHERE record_id = ?1".to_owned(),
                "DELETE FROM mirror WHERE id = ?1".to_owned(),
                "UPDATE conflicts SET resolved_at = coalesce(resolved_at, ?2), resolution = coalesce(resolution, 'remote') WHERE record_id = ?1".to_owned(),
            ] {
                if sql.contains("?2") {
                    tx.execute(&sql, params![record_id, now])?;
                } else {
                    tx.execute(&sql, [&record_id])?;
                }
            }
        }
        (_, Choice::Local) => {}
        (_, Choice::Remote) => {
            let remote = remote.map(|r| serde_json::from_str(&r)).transpose()?;
            crate::for_kind!(kind, take_remote(tx, account, &id, &field, remote, now))?;
        }
    }
    Ok(())
}

fn take_remote<E: Entity>(
    tx: &Transaction<'_>,
    account: &AccountId,
    id: &LocalId,
    field: &str,
    remote: Option<Value>,
    now: &str,
) -> Result<()> {
    let data: Option<String> = tx
        .prepare_cached(&format!(
            "SELECT data FROM {} WHERE id = ?1 AND deleted = 0",
            table(E::KIND)
        ))?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    let Some(data) = data else {
        return Ok(());
    };
    let mut json: Value = serde_json::from_str(&data)?;
    set_field(&mut json, field, remote);
    let record: E = serde_json::from_value(json)?;
    save_local(
        tx,
        account,
        &record,
        &format!("kept the server's {field}"),
        now,
    )?;
    Ok(())
}
