//! Sync policy as data: pure decisions with tables of cases, so what the
//! engine does with an outgoing change or a failed request can be read and
//! tested without a server or a cache. The push calls these and carries
//! out what they say.

use casefile_providers::provider::EncodeError;
use casefile_providers::{Capabilities, ProviderError};
use casefile_store::PushAction;

/// What to do with one record's pending change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// Send it.
    Send,
    /// A delete of a record the server never had: nothing to send, done.
    Settle,
    /// Leave it pending: a conflict waits for the user, or a refusal waits
    /// for the next edit.
    Wait,
    /// The provider cannot take it: refuse it now, with this reason.
    Refuse(String),
}

/// The facts about a pending change that decide what happens to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutgoingFacts {
    pub action: PushAction,
    /// Whether the record has a server id.
    pub on_server: bool,
    pub conflicted: bool,
    pub refused: bool,
}

/// Decides a pending change from its facts and the provider's capabilities.
pub fn plan_outgoing(
    facts: OutgoingFacts,
    kind: casefile_domain::entity::Kind,
    caps: &Capabilities,
) -> Outgoing {
    if facts.conflicted || facts.refused {
        return Outgoing::Wait;
    }
    let (allowed, verb) = match facts.action {
        PushAction::Create => (caps.can_create(kind), "new"),
        PushAction::Update => (caps.can_update(kind), "changed"),
        PushAction::Delete => (caps.can_delete(kind), "deleted"),
    };
    if facts.action == PushAction::Delete && !facts.on_server {
        return Outgoing::Settle;
    }
    if !allowed {
        return Outgoing::Refuse(format!(
            "unsupported: this provider does not accept {verb} {}",
            kind.plural().replace('_', " ")
        ));
    }
    Outgoing::Send
}

/// What a failed request means for the push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Refused for good: keep the change pending with the reason shown,
    /// and do not send it again until the record is edited.
    Refuse,
    /// Worth another try on the next sync; go on with the other changes.
    Retry,
    /// Worth another try, but the server is unreachable or struggling:
    /// stop this push, try everything again next time.
    RetryLater,
    /// The firm's subscription lacks this (402): keep it pending, not
    /// refused (it goes once the firm has the plan), send no more of its
    /// kind in this push, and say why on the account. One request per
    /// kind per sync finds out when the plan arrives; nothing loops.
    Hold,
    /// Nothing can be pushed until the user acts (sign in, keychain):
    /// end the sync with this error.
    Abort,
}

/// Classifies a provider error for the push.
pub fn disposition(error: &ProviderError) -> Disposition {
    match error {
        ProviderError::Validation { .. }
        | ProviderError::Forbidden(_)
        | ProviderError::Unsupported(_) => Disposition::Refuse,
        ProviderError::PlanRequired { .. } => Disposition::Hold,
        ProviderError::SignInRequired | ProviderError::Unauthorized | ProviderError::Secrets(_) => {
            Disposition::Abort
        }
        ProviderError::Network(_) | ProviderError::Throttled { .. } => Disposition::RetryLater,
        // The server answered this request with an error of its own: it may
        // be this record (a 500 on the same create forever), so the push
        // goes on with the others ([`counts_against_record`], [`Backoff`]).
        // Gone from the server meanwhile (the reconciliation settles it), a
        // reply we could not read, an odd status, a storage hiccup.
        ProviderError::Server(_)
        | ProviderError::NotFound
        | ProviderError::Decode(_)
        | ProviderError::Unexpected(_)
        | ProviderError::LinkExpired(_)
        | ProviderError::Corrupt(_)
        | ProviderError::File(_) => Disposition::Retry,
    }
}

/// Whether a failure is the server's answer to this record's request, so
/// it counts towards the record's backoff. Being offline or throttled is
/// nobody's record's fault and counts for nothing.
pub fn counts_against_record(error: &ProviderError) -> bool {
    matches!(
        error,
        ProviderError::Server(_) | ProviderError::Decode(_) | ProviderError::Unexpected(_)
    )
}

/// Answered failures in a row, across records, after which a push stops:
/// the server itself is failing, not one record.
pub const SERVER_FAILING_AFTER: usize = 3;

/// How long a change the server keeps failing waits before it is sent
/// again: nothing for the first [`casefile_store::push::FAILING_AFTER`]
/// failures in a row, then `base`, doubling up to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: std::time::Duration,
    pub max: std::time::Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: std::time::Duration::from_secs(30),
            max: std::time::Duration::from_secs(3600),
        }
    }
}

impl Backoff {
    pub fn wait(&self, failures: i64) -> std::time::Duration {
        let over = failures - casefile_store::push::FAILING_AFTER;
        if over < 0 {
            return std::time::Duration::ZERO;
        }
        let factor = 1u32 << over.min(20) as u32;
        self.base.saturating_mul(factor).min(self.max)
    }
}

/// What an encoding failure means: wait for a parent, or refuse.
pub fn encode_disposition(error: &EncodeError) -> Disposition {
    match error {
        EncodeError::Unresolved(_) => Disposition::Retry,
        EncodeError::Unsupported(_) | EncodeError::Invalid(_) => Disposition::Refuse,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use casefile_domain::entity::Kind;
    use casefile_providers::{Paging, ResourceCaps};

    use super::*;

    /// A provider that writes events and tasks fully and reads the rest.
    fn caps() -> Capabilities {
        Capabilities {
            resources: vec![
                ResourceCaps::read_write(Kind::Event),
                ResourceCaps::read_write(Kind::Task),
                ResourceCaps::read_only(Kind::Case),
                ResourceCaps::read_only(Kind::Client),
                ResourceCaps::read_only(Kind::Document),
                ResourceCaps::read_only(Kind::PracticeArea),
            ],
            paging: Paging::PageNumber { max_page_size: 100 },
            rate_limit_per_s: 0,
            documents: None,
            folders: false,
            document_versions: true,
            documents_per_case: false,
            case_notes: false,
            update_returns_record: true,
            deletions: casefile_providers::Deletions::Reported,
        }
    }

    fn facts(
        action: PushAction,
        on_server: bool,
        conflicted: bool,
        refused: bool,
    ) -> OutgoingFacts {
        OutgoingFacts {
            action,
            on_server,
            conflicted,
            refused,
        }
    }

    #[test]
    fn outgoing_table() {
        use Outgoing::*;
        use PushAction::*;
        let caps = caps();
        let refuse = |s: &str| Refuse(format!("unsupported: this provider does not accept {s}"));
        #[rustfmt::skip]
        let table: &[(Kind, OutgoingFacts, Outgoing)] = &[
            // kind        action  on_server conflicted refused   -> decision
            (Kind::Event, facts(Create, false, false, false), Send),
            (Kind::Event, facts(Update, true,  false, false), Send),
            (Kind::Event, facts(Delete, true,  false, false), Send),
            (Kind::Event, facts(Delete, false, false, false), Settle),
            (Kind::Event, facts(Update, true,  true,  false), Wait),
            (Kind::Task,  facts(Create, false, false, true),  Wait),
            (Kind::Task,  facts(Delete, true,  true,  false), Wait),
            (Kind::Case,  facts(Update, true,  false, false), refuse("changed cases")),
            (Kind::Client, facts(Create, false, false, false), refuse("new clients")),
            (Kind::Document, facts(Delete, true, false, false), refuse("deleted documents")),
            (Kind::PracticeArea, facts(Update, true, false, false), refuse("changed practice areas")),
            (Kind::Case,  facts(Delete, false, false, false), Settle),
        ];
        for (kind, f, want) in table {
            assert_eq!(&plan_outgoing(*f, *kind, &caps), want, "{kind:?} {f:?}");
        }
    }

    #[test]
    fn disposition_table() {
        use Disposition::*;
        let table: Vec<(ProviderError, Disposition)> = vec![
            (
                ProviderError::Validation {
                    message: "Name can't be blank".into(),
                    field: Some("name".into()),
                },
                Refuse,
            ),
            (ProviderError::Forbidden("no".into()), Refuse),
            (
                ProviderError::PlanRequired {
                    plan: "Premium".into(),
                },
                Hold,
            ),
            (ProviderError::Unsupported("x".into()), Refuse),
            (ProviderError::Unauthorized, Abort),
            (ProviderError::SignInRequired, Abort),
            (ProviderError::Secrets("locked".into()), Abort),
            (
                ProviderError::Throttled {
                    status: 429,
                    retry_after: Some(Duration::from_secs(1)),
                },
                RetryLater,
            ),
            (ProviderError::Server(500), Retry),
            (ProviderError::Server(502), Retry),
            (ProviderError::NotFound, Retry),
            (ProviderError::Decode("bad".into()), Retry),
            (ProviderError::Unexpected(418), Retry),
        ];
        for (error, want) in table {
            assert_eq!(disposition(&error), want, "{error:?}");
        }
        assert!(counts_against_record(&ProviderError::Server(500)));
        assert!(!counts_against_record(&ProviderError::NotFound));
        assert!(!counts_against_record(&ProviderError::Throttled {
            status: 429,
            retry_after: None
        }));
        assert_eq!(
            encode_disposition(&EncodeError::Unresolved(Kind::Case)),
            Retry
        );
        assert_eq!(
            encode_disposition(&EncodeError::Invalid("due".into())),
            Refuse
        );
        assert_eq!(
            encode_disposition(&EncodeError::Unsupported(Kind::Case)),
            Refuse
        );
    }

    #[test]
    fn a_record_that_keeps_failing_waits_longer_each_time_up_to_an_hour() {
        let b = Backoff::default();
        let secs = |f| b.wait(f).as_secs();
        assert_eq!((secs(0), secs(1), secs(2)), (0, 0, 0));
        assert_eq!((secs(3), secs(4), secs(5)), (30, 60, 120));
        assert_eq!(secs(20), 3600);
        assert_eq!(secs(10_000), 3600);
    }
}
