//! The field-level 3-way merge (DESIGN: a row with pending local edits is
//! rebased, never overwritten). Records are compared as their JSON: each
//! top-level field, and each key of `meta.extra`, merges on its own:
//!
//! - both sides agree, or only one side changed it from the base: that side;
//! - both changed it differently: a true conflict. The local value stays in
//!   the row and the conflict is reported for the user; nothing is resolved
//!   silently.
//!
//! Without a base (no server copy was ever seen), every difference is a conflict.

use serde_json::{Map, Value};

/// One field both sides changed differently.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    /// The field's name; `extra.<key>` for unmodelled provider fields.
    pub field: String,
    pub base: Option<Value>,
    pub local: Option<Value>,
    pub remote: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub value: Value,
    pub conflicts: Vec<FieldConflict>,
}

/// Merges `local` and `remote` (records as JSON objects) against `base`.
/// The result carries the remote's meta (remote id, server time) with the
/// local id, so the row stays what the cache refers to.
pub fn merge(base: Option<&Value>, local: &Value, remote: &Value) -> Merged {
    let empty = Map::new();
    let obj = |v: Option<&Value>| v.and_then(Value::as_object).unwrap_or(&empty).clone();
    let (b, l, r) = (obj(base), obj(Some(local)), obj(Some(remote)));
    let mut conflicts = Vec::new();
    let mut out = merge_maps(base.is_some(), &b, &l, &r, "", &["meta"], &mut conflicts);

    let meta = |m: &Map<String, Value>| obj(m.get("meta"));
    let (bm, lm, rm) = (meta(&b), meta(&l), meta(&r));
    let extra = |m: &Map<String, Value>| obj(m.get("extra"));
    let merged_extra = merge_maps(
        base.is_some(),
        &extra(&bm),
        &extra(&lm),
        &extra(&rm),
        "extra.",
        &[],
        &mut conflicts,
    );
    let mut merged_meta = if rm.is_empty() { lm.clone() } else { rm };
    if let Some(id) = lm.get("id") {
        merged_meta.insert("id".into(), id.clone());
    }
    merged_meta.insert("extra".into(), Value::Object(merged_extra));
    out.insert("meta".into(), Value::Object(merged_meta));
    Merged {
        value: Value::Object(out),
        conflicts,
    }
}

fn merge_maps(
    has_base: bool,
    b: &Map<String, Value>,
    l: &Map<String, Value>,
    r: &Map<String, Value>,
    prefix: &str,
    skip: &[&str],
    conflicts: &mut Vec<FieldConflict>,
) -> Map<String, Value> {
    let mut keys: Vec<&String> = l.keys().chain(r.keys()).chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Map::new();
    for key in keys.into_iter().filter(|k| !skip.contains(&k.as_str())) {
        let (bv, lv, rv) = (b.get(key), l.get(key), r.get(key));
        let chosen = if lv == rv {
            lv
        } else if has_base && lv == bv {
            rv
        } else if has_base && rv == bv {
            lv
        } else {
            conflicts.push(FieldConflict {
                field: format!("{prefix}{key}"),
                base: bv.cloned(),
                local: lv.cloned(),
                remote: rv.cloned(),
            });
            lv
        };
        if let Some(v) = chosen {
            out.insert(key.clone(), v.clone());
        }
    }
    out
}

/// Sets `field` (as named in a [`FieldConflict`]) of a record's JSON to
/// `value`, or removes it when `value` is none: how a resolution is applied.
pub fn set_field(record: &mut Value, field: &str, value: Option<Value>) {
    let target = match field.strip_prefix("extra.") {
        Some(key) => record
            .pointer_mut("/meta/extra")
            .and_then(Value::as_object_mut)
            .map(|m| (m, key)),
        None => record.as_object_mut().map(|m| (m, field)),
    };
    if let Some((map, key)) = target {
        match value {
            Some(v) => {
                map.insert(key.to_owned(), v);
            }
            None => {
                map.remove(key);
            }
        }
    }
}
