//! Per-account quotas (named as Google names them) and injected faults.

use serde::{Deserialize, Serialize};

/// Quota buckets of people.googleapis.com.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Bucket {
    CriticalReads,
    CriticalWrites,
    Writes,
    GroupReads,
    DailyContactWrites,
    PhotoWrites,
}

impl Bucket {
    pub const ALL: [Bucket; 6] = [
        Bucket::CriticalReads,
        Bucket::CriticalWrites,
        Bucket::Writes,
        Bucket::GroupReads,
        Bucket::DailyContactWrites,
        Bucket::PhotoWrites,
    ];
    /// The quota's display name as Google's 429 messages spell it.
    pub fn display(self) -> &'static str {
        match self {
            Bucket::CriticalReads => "Critical read requests (Contact and Profile Reads)",
            Bucket::CriticalWrites => "Critical write requests (Contact Creates and Updates)",
            Bucket::Writes => "Write requests (Contact Deletes and Contact Group Writes)",
            Bucket::GroupReads => "Read requests (Contact Group Reads)",
            Bucket::DailyContactWrites => "Daily Contact Writes (Total)",
            Bucket::PhotoWrites => "Photo write requests (Photo Updates)",
        }
    }
    pub fn metric(self) -> &'static str {
        match self {
            Bucket::CriticalReads => "people.googleapis.com/critical_read_requests",
            Bucket::CriticalWrites => "people.googleapis.com/critical_write_requests",
            Bucket::Writes => "people.googleapis.com/write_requests",
            Bucket::GroupReads => "people.googleapis.com/read_requests",
            Bucket::DailyContactWrites => "people.googleapis.com/daily_contact_writes",
            Bucket::PhotoWrites => "people.googleapis.com/photo_write_requests",
        }
    }
    /// Window length: one minute, or a day for the daily bucket.
    pub fn window_ms(self) -> u64 {
        match self {
            Bucket::DailyContactWrites => 86_400_000,
            _ => 60_000,
        }
    }
    pub fn per(self) -> &'static str {
        match self {
            Bucket::DailyContactWrites => "per day per user",
            _ => "per minute per user",
        }
    }
}

/// Which limits apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum QuotaPreset {
    /// No limits (the default).
    #[default]
    None,
    /// The defaults projects report seeing in the Cloud Console.
    Google,
}

impl QuotaPreset {
    pub fn limits(self) -> Vec<(Bucket, u64)> {
        match self {
            QuotaPreset::None => Vec::new(),
            QuotaPreset::Google => vec![
                (Bucket::CriticalReads, 90),
                (Bucket::CriticalWrites, 30),
                (Bucket::Writes, 30),
                (Bucket::GroupReads, 90),
                (Bucket::DailyContactWrites, 100_000),
                (Bucket::PhotoWrites, 50),
            ],
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(QuotaPreset::None),
            "google" => Some(QuotaPreset::Google),
            _ => None,
        }
    }
}

/// Units a method charges, per the costs reported for the "Read and Manage Contacts" guide:
/// batch writes cost the same whatever their size.
pub fn costs(method: &str) -> &'static [(Bucket, u64)] {
    use Bucket::*;
    match method {
        "people.connections.list" | "people.get" | "people.getBatchGet" => &[(CriticalReads, 1)],
        "people.createContact" | "people.updateContact" => &[
            (CriticalReads, 1),
            (CriticalWrites, 1),
            (DailyContactWrites, 1),
        ],
        "people.deleteContact" => &[(Writes, 1)],
        "people.batchCreateContacts" | "people.batchUpdateContacts" => &[
            (CriticalReads, 6),
            (CriticalWrites, 6),
            (DailyContactWrites, 200),
        ],
        "people.batchDeleteContacts" => &[(Writes, 10)],
        "people.updateContactPhoto" | "people.deleteContactPhoto" => &[(PhotoWrites, 1)],
        "contactGroups.list" | "contactGroups.get" => &[(GroupReads, 1)],
        "contactGroups.create"
        | "contactGroups.update"
        | "contactGroups.delete"
        | "contactGroups.members.modify" => &[(Writes, 1)],
        _ => &[],
    }
}

/// What a targeted fault rule does to a matching request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FaultKind {
    /// Answer with this HTTP status and Google's body for it.
    Status { status: u16 },
    /// An update fails with the etag-mismatch error although the etag is current.
    EtagMismatch,
    /// Answer normally, this much later.
    Latency { ms: u64 },
    /// Close the connection without answering.
    Drop,
}

/// "The next `count` calls of `method` meet `kind`."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// A method id (`people.batchUpdateContacts`), its last part (`batchUpdateContacts`), or `*`.
    #[serde(default = "any_method")]
    pub method: String,
    #[serde(flatten)]
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: u32,
}

fn any_method() -> String {
    "*".into()
}
fn one() -> u32 {
    1
}

impl FaultRule {
    pub fn matches(&self, method: &str) -> bool {
        let last = method.rsplit('.').next().unwrap_or(method);
        let named = self.method == "*" || self.method == method || self.method == last;
        // A spurious etag mismatch only makes sense for calls that carry etags.
        let applies = match self.kind {
            FaultKind::EtagMismatch => {
                method == "people.updateContact" || method == "people.batchUpdateContacts"
            }
            _ => true,
        };
        named && applies
    }
}
