//! What a provider can do, declared as data so the engine, the CLI and the
//! window decide from it and never ask which provider it is. A test per
//! provider checks the declaration against what the provider accepts.

use casefile_domain::entity::Kind;
use serde::Serialize;

/// How a provider pages lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Paging {
    /// `Link: <…>; rel="next"` with an opaque, expiring cursor.
    LinkHeader { max_page_size: u32 },
    /// Page numbers.
    PageNumber { max_page_size: u32 },
}

/// How document bytes are uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadStyle {
    /// The API returns a pre-signed URL for one streaming PUT.
    PresignedPut,
    /// One `multipart/form-data` request carries the record and the bytes.
    Multipart,
}

/// How a create whose answer was lost is found again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreateLookup {
    /// No idempotency key: search recent records for one with the same fields.
    FieldSearch,
    /// The create carried our stable id (an external id with a unique
    /// constraint): look that id up.
    IdempotencyKey,
}

/// How records deleted on the server are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Deletions {
    /// Lists never mention deleted records: compare the full id sets now
    /// and then (a walk of every page of every resource).
    IdSets,
    /// The provider tells of deletions itself (tombstones in its lists, or
    /// it never deletes): no id-set walk is needed.
    Reported,
}

/// One resource's abilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ResourceCaps {
    pub kind: Kind,
    pub read: bool,
    pub create: bool,
    pub update: bool,
    pub delete: bool,
    /// Whether one record can be fetched by id.
    pub get_by_id: bool,
    /// Whether lists accept an updated-after filter.
    pub updated_after_filter: bool,
    /// How a create whose answer was lost is found again: per resource,
    /// since an API may key some resources (LegalServer's events carry an
    /// `external_id`) and not others (its tasks do not).
    pub create_lookup: CreateLookup,
    /// Whether its records keep a description (LegalServer's events and
    /// tasks have none): the window offers no field it would drop.
    pub description: bool,
}

impl ResourceCaps {
    /// A resource that is only read.
    pub const fn read_only(kind: Kind) -> Self {
        Self {
            kind,
            read: true,
            create: false,
            update: false,
            delete: false,
            get_by_id: true,
            updated_after_filter: true,
            create_lookup: CreateLookup::FieldSearch,
            description: true,
        }
    }

    /// Its creates carry our stable id as an idempotency key.
    pub const fn keyed(self) -> Self {
        Self {
            create_lookup: CreateLookup::IdempotencyKey,
            ..self
        }
    }

    /// A resource that is read and fully written.
    pub const fn read_write(kind: Kind) -> Self {
        Self {
            create: true,
            update: true,
            delete: true,
            ..Self::read_only(kind)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capabilities {
    pub resources: Vec<ResourceCaps>,
    pub paging: Paging,
    /// Requests per second the provider allows per client.
    pub rate_limit_per_s: u32,
    /// Documents, when the provider has them, and how bytes go up.
    pub documents: Option<UploadStyle>,
    /// Whether the provider lists a case's folders (empty ones too) and
    /// makes new ones ([`crate::DocumentTransport::case_folders`]); without
    /// it, folders exist only as the paths of documents.
    pub folders: bool,
    /// Whether a document takes new versions of its bytes (LegalServer's
    /// do not): without it a name clash can only keep both files.
    pub document_versions: bool,
    /// Whether documents are listed one case at a time and not with the
    /// sync ([`crate::DocumentTransport::case_documents`]; LegalServer has
    /// no list across matters): a case's documents come in when it is
    /// opened online, for pinned cases after each sync, and after an upload.
    pub documents_per_case: bool,
    /// Whether the provider keeps case notes ([`crate::Provider::case_notes`]),
    /// read one case at a time, as documents per case are.
    pub case_notes: bool,
    /// Whether an update's answer carries the new server copy.
    pub update_returns_record: bool,
    pub deletions: Deletions,
}

impl Capabilities {
    pub fn resource(&self, kind: Kind) -> Option<&ResourceCaps> {
        self.resources.iter().find(|r| r.kind == kind)
    }

    pub fn can_create(&self, kind: Kind) -> bool {
        self.resource(kind).is_some_and(|r| r.create)
    }

    pub fn can_update(&self, kind: Kind) -> bool {
        self.resource(kind).is_some_and(|r| r.update)
    }

    /// How a lost create of `kind` is found again.
    pub fn create_lookup(&self, kind: Kind) -> CreateLookup {
        self.resource(kind)
            .map_or(CreateLookup::FieldSearch, |r| r.create_lookup)
    }

    /// Whether records of `kind` keep a description.
    pub fn keeps_description(&self, kind: Kind) -> bool {
        self.resource(kind).is_some_and(|r| r.description)
    }

    pub fn can_delete(&self, kind: Kind) -> bool {
        self.resource(kind).is_some_and(|r| r.delete)
    }

    /// Whether any change of this kind is taken.
    pub fn writes(&self, kind: Kind) -> bool {
        self.resource(kind)
            .is_some_and(|r| r.create || r.update || r.delete)
    }

    pub fn has_documents(&self) -> bool {
        self.documents.is_some()
    }
}
