//! LegalServer names records by UUID. The sandbox keeps one firm with
//! integer ids, so each record's UUID is derived from its kind and id, the
//! same on every run, and read back the same way.

use uuid::{Builder, Uuid};

use crate::store::Kind;

/// A fixed tag in the UUID, so a UUID of another origin is
/// never read as one of ours.
const TAG: [u8; 5] = *b"cfsbx";

/// The UUID of record `id` of `kind`: the kind, the tag, then the id in the
/// last seven bytes (clear of the version and variant bits of bytes 6 and 8).
pub fn uuid_of(kind: Kind, id: i64) -> Uuid {
    let mut bytes = [0u8; 16];
    bytes[0] = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u8;
    bytes[1..6].copy_from_slice(&TAG);
    bytes[9..16].copy_from_slice(&id.to_be_bytes()[1..8]);
    // Version 4 and the RFC variant, as a well-formed UUID must carry.
    Builder::from_random_bytes(bytes).into_uuid()
}

/// The record a UUID names, if it is one of ours.
pub fn record_of(uuid: &str) -> Option<(Kind, i64)> {
    let bytes = *Uuid::parse_str(uuid).ok()?.as_bytes();
    if bytes[1..6] != TAG {
        return None;
    }
    let kind = *Kind::ALL.get(bytes[0] as usize)?;
    let mut id = [0u8; 8];
    id[1..8].copy_from_slice(&bytes[9..16]);
    let id = i64::from_be_bytes(id);
    (uuid_of(kind, id).as_bytes() == &bytes).then_some((kind, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuid_names_its_record_and_nothing_else() {
        for kind in Kind::ALL {
            for id in [1, 1000, 20_000, (1 << 56) - 1] {
                let uuid = uuid_of(kind, id);
                assert_eq!(uuid.get_version_num(), 4);
                assert_eq!(record_of(&uuid.to_string()), Some((kind, id)));
            }
        }
        assert_eq!(record_of(&Uuid::new_v4().to_string()), None);
        assert_eq!(record_of("not a uuid"), None);
    }
}
