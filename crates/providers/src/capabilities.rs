//! What a provider can do, declared as data so the engine never special-cases
//! a provider by name.

/// How a provider pages lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// `Link: <…>; rel="next"` with an opaque, expiring cursor.
    LinkHeader { max_page_size: u32 },
    /// Page numbers.
    Offset { max_page_size: u32 },
}

/// How document bytes are uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadStyle {
    /// The API returns a pre-signed URL for one streaming PUT.
    PresignedPut,
    Multipart,
}

/// One resource's abilities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceCaps {
    pub name: &'static str,
    pub read: bool,
    pub write: bool,
    /// Whether one record can be fetched by id (MyCase: not events or tasks).
    pub get_by_id: bool,
    /// Whether lists accept an inclusive updated-after filter.
    pub updated_after_filter: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Capabilities {
    pub resources: Vec<ResourceCaps>,
    pub paging: Paging,
    /// Requests per second the provider allows per client.
    pub rate_limit_per_s: u32,
    pub uploads: UploadStyle,
    /// Whether creates accept an idempotency key or external id.
    pub idempotent_creates: bool,
}

impl Capabilities {
    pub fn resource(&self, name: &str) -> Option<&ResourceCaps> {
        self.resources.iter().find(|r| r.name == name)
    }
}
