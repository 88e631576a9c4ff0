//! The command line, as clap derives it; every command has `--help`.

use std::path::PathBuf;

use casefile_providers::registry::UnknownProvider;
use casefile_providers::ProviderId;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "casefile-cli",
    version,
    about = "Casefile's headless client: sync a firm account and work with its cache"
)]
pub struct Cli {
    /// The data directory (default: the app's, or CASEFILE_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The account to use (default: the only one set up).
    #[arg(long, global = true, value_name = "ID")]
    pub account: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set up and list firm accounts.
    #[command(subcommand)]
    Account(AccountCmd),
    /// Sync now: pull, push pending changes, read back what was pushed.
    Sync {
        /// Keep syncing periodically until interrupted (Ctrl-C).
        #[arg(long)]
        watch: bool,
        /// Seconds between syncs with --watch.
        #[arg(long, default_value_t = 60)]
        interval: u64,
        /// Also compare id sets now, to find records deleted on the server.
        #[arg(long)]
        reconcile: bool,
    },
    /// Pending changes, conflicts, and the last sync of each account.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Cases in the cache.
    #[command(subcommand)]
    Cases(CasesCmd),
    /// Calendar events in the cache.
    #[command(subcommand)]
    Events(EventsAction),
    /// Create, change or delete one event (synced on the next `sync`).
    #[command(subcommand)]
    Event(EventCmd),
    /// Create, change, complete or delete one task (synced on the next `sync`).
    #[command(subcommand)]
    Task(TaskCmd),
    /// Changes made on both sides that need a decision.
    #[command(subcommand)]
    Conflicts(ConflictsCmd),
    /// Documents in the cache.
    #[command(subcommand)]
    Documents(DocumentsCmd),
    /// Upload a file into a case folder. It is copied into the account's
    /// store first and queued; a file named like a document already in that
    /// folder becomes a new version.
    Upload {
        file: PathBuf,
        /// The case's id (from `cases list --json`).
        #[arg(long)]
        case: String,
        /// The folder path in the case, e.g. "Pleadings/Motions".
        #[arg(long)]
        folder: Option<String>,
        /// Only queue it; the next `sync` (or `transfers run`) sends it.
        #[arg(long)]
        queue_only: bool,
        #[arg(long)]
        json: bool,
    },
    /// Download a document into the account's store, and save a copy in DIR.
    Download {
        /// The document's id (from `documents list --json`).
        doc: String,
        /// A directory to save a copy into (under a safe, non-clashing name).
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Keep every document of a case on this laptop, current as it changes.
    Pin { case: String },
    /// The transfer queue: list it, or pause, resume, cancel or retry one.
    Transfers {
        #[command(subcommand)]
        action: Option<TransferAction>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum DocumentsCmd {
    /// The documents of a case.
    List {
        #[arg(long)]
        case: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TransferAction {
    /// Run every transfer that is due now.
    Run,
    Pause {
        id: String,
    },
    Resume {
        id: String,
    },
    Cancel {
        id: String,
    },
    /// Try a failed transfer again now.
    Retry {
        id: String,
    },
}

/// What `account add` takes.
#[derive(Args, Debug)]
pub struct AddArgs {
    #[arg(value_enum)]
    #[arg(value_parser = provider)]
    pub provider: ProviderId,
    #[arg(long, value_name = "URL")]
    pub base_url: String,
    /// For scripts: the environment variable holding an access token.
    #[arg(long, value_name = "VAR", conflicts_with = "client_id")]
    pub token_env: Option<String>,
    /// HTTP Basic (a LegalServer user with API access): the user name.
    #[arg(long, value_name = "NAME", requires = "password_env",
          conflicts_with_all = ["client_id", "token_env"])]
    pub user: Option<String>,
    /// The environment variable holding that user's password; it is
    /// kept in the keychain, never on the command line or on disk.
    #[arg(long, value_name = "VAR", requires = "user")]
    pub password_env: Option<String>,
    /// The OAuth client id Casefile is registered under. Issued ids are often
    /// base64url, so one may begin with '-'.
    #[arg(
        long,
        value_name = "ID",
        required_unless_present_any = ["token_env", "user"],
        allow_hyphen_values = true
    )]
    pub client_id: Option<String>,
    /// The environment variable holding the OAuth client secret (kept in the keychain).
    #[arg(long, value_name = "VAR", requires = "client_id")]
    pub client_secret_env: Option<String>,
    /// The provider's authorize URL (default: the provider's own).
    #[arg(long, value_name = "URL")]
    pub authorize_url: Option<String>,
    /// The provider's token URL (default: the provider's own).
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// The firm's time zone (IANA), for events the server sends without one.
    #[arg(long, default_value = "America/New_York")]
    pub zone: String,
    /// The account's id (default: derived from the server URL).
    #[arg(long)]
    pub id: Option<String>,
    /// Requests a second (default: the provider's published limit; 0 = no pacing).
    #[arg(long)]
    pub rate_limit: Option<u32>,
}

#[derive(Subcommand, Debug)]
pub enum AccountCmd {
    /// Add an account. It signs in through the browser (`account login`),
    /// with a user and password (HTTP Basic), or, for scripts, reads an
    /// access token from an environment variable.
    Add(Box<AddArgs>),
    /// Sign in through the browser; the tokens go to the OS keychain.
    Login {
        /// Only print the sign-in URL; do not open a browser.
        #[arg(long)]
        no_browser: bool,
        /// Seconds to wait for the browser to come back.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
    },
    /// Sign out: removes the account's cache, documents and keychain entries.
    Logout {
        /// Sign out even though changes have not been synced (they are lost).
        #[arg(long)]
        force: bool,
    },
    /// The accounts set up.
    List {
        #[arg(long)]
        json: bool,
    },
}

/// A provider id as the registry spells it (its list is in the error).
fn provider(text: &str) -> Result<ProviderId, UnknownProvider> {
    ProviderId::parse(text)
}

#[derive(Subcommand, Debug)]
pub enum CasesCmd {
    /// List cases by name.
    List {
        #[arg(long)]
        json: bool,
        /// Match name, number or description.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum EventsCmd {
    /// Events overlapping a window.
    List {
        #[arg(long)]
        json: bool,
        /// Start of the window (RFC 3339, or a date).
        #[arg(long)]
        from: String,
        /// End of the window (RFC 3339, or a date).
        #[arg(long)]
        to: String,
    },
}

/// `events`: the listing ([`EventsCmd`]) and the export.
#[derive(Subcommand, Debug)]
pub enum EventsAction {
    #[command(flatten)]
    Read(EventsCmd),
    /// Write the events overlapping a window as an iCalendar (.ics) file.
    ///
    /// The file is RFC 5545, which Outlook, Google and Apple Calendar import.
    /// Each event keeps its UID from one export to the next, so importing a
    /// later export updates the events an earlier one created.
    Export {
        /// Start of the window (RFC 3339, or a date in the firm's zone).
        #[arg(long)]
        from: String,
        /// End of the window, exclusive (RFC 3339, or a date in the firm's zone).
        #[arg(long)]
        to: String,
        /// Only this case's events (its id from `cases list --json`).
        #[arg(long)]
        case: Option<String>,
        /// The .ics file to write (replaced whole, never left half-written),
        /// or `-` for standard output.
        #[arg(long, value_name = "FILE")]
        ics: PathBuf,
    },
}

#[derive(Args, Debug, Default)]
pub struct EventFields {
    #[arg(long)]
    pub name: Option<String>,
    /// RFC 3339 with an offset (timed) or YYYY-MM-DD (all-day).
    #[arg(long)]
    pub start: Option<String>,
    /// RFC 3339 with an offset, or the LAST day of an all-day event.
    #[arg(long)]
    pub end: Option<String>,
    #[arg(long)]
    pub all_day: bool,
    #[arg(long)]
    pub description: Option<String>,
    /// The case's id (from `cases list --json`).
    #[arg(long)]
    pub case: Option<String>,
    /// Staff ids; default: the firm's first staff member.
    #[arg(long)]
    pub staff: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum EventCmd {
    Create {
        #[command(flatten)]
        fields: EventFields,
        #[arg(long)]
        json: bool,
    },
    Update {
        id: String,
        #[command(flatten)]
        fields: EventFields,
        #[arg(long)]
        json: bool,
    },
    Delete {
        id: String,
    },
}

#[derive(Args, Debug, Default)]
pub struct TaskFields {
    #[arg(long)]
    pub name: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long)]
    pub due: Option<String>,
    /// low, medium or high.
    #[arg(long)]
    pub priority: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub case: Option<String>,
    #[arg(long)]
    pub staff: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum TaskCmd {
    Create {
        #[command(flatten)]
        fields: TaskFields,
        #[arg(long)]
        json: bool,
    },
    Update {
        id: String,
        #[command(flatten)]
        fields: TaskFields,
        #[arg(long)]
        json: bool,
    },
    Complete {
        id: String,
    },
    Delete {
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConflictsCmd {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Keep one side of a conflict.
    Resolve {
        id: String,
        #[arg(long, value_enum)]
        keep: Side,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Side {
    Local,
    Remote,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{AccountCmd, Cli, Command};

    #[test]
    fn a_client_id_may_begin_with_a_hyphen() {
        let cli = Cli::try_parse_from([
            "casefile-cli",
            "account",
            "add",
            casefile_providers::ProviderId::ALL[0].as_str(),
            "--base-url",
            "http://127.0.0.1:1",
            "--client-id",
            "-lQz9",
        ])
        .expect("parses");
        match cli.command {
            Command::Account(AccountCmd::Add(add)) => {
                assert_eq!(add.client_id.as_deref(), Some("-lQz9"))
            }
            other => panic!("{other:?}"),
        }
    }
}
