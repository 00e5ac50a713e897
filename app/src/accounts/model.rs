//! Wire types for accounts and units. Nothing here carries a password or its hash.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::i18n::{Lang, Msg};
use crate::time::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct UserId(pub Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct UnitId(pub Uuid);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for UnitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for UnitId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s.trim()).map(UnitId)
    }
}

impl std::str::FromStr for UserId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s.trim()).map(UserId)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Organizer,
    Candidate,
    /// Conducts escalation interviews (约谈) for the units in their scope.
    Interviewer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Organizer,
        Role::Candidate,
        Role::Interviewer,
    ];

    pub fn label(self) -> Msg {
        match self {
            Role::Admin => Msg::RoleAdmin,
            Role::Organizer => Msg::RoleOrganizer,
            Role::Candidate => Msg::RoleCandidate,
            Role::Interviewer => Msg::RoleInterviewer,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Organizer => "organizer",
            Role::Candidate => "candidate",
            Role::Interviewer => "interviewer",
        }
    }

    pub fn from_key(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == s)
    }
}

/// The set of roles a user holds; a user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Roles {
    pub admin: bool,
    pub organizer: bool,
    pub candidate: bool,
    #[serde(default)]
    pub interviewer: bool,
}

impl Roles {
    pub fn has(self, role: Role) -> bool {
        match role {
            Role::Admin => self.admin,
            Role::Organizer => self.organizer,
            Role::Candidate => self.candidate,
            Role::Interviewer => self.interviewer,
        }
    }

    pub fn with(mut self, role: Role) -> Self {
        match role {
            Role::Admin => self.admin = true,
            Role::Organizer => self.organizer = true,
            Role::Candidate => self.candidate = true,
            Role::Interviewer => self.interviewer = true,
        }
        self
    }

    pub fn is_empty(self) -> bool {
        !(self.admin || self.organizer || self.candidate || self.interviewer)
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.has(*r))
    }

    pub fn labels(self, lang: Lang) -> String {
        self.iter()
            .map(|r| r.label().text(lang))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// Who is signed in, as the browser may know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    pub roles: Roles,
    pub scope_unit_id: UnitId,
    pub scope_name: String,
    /// True when the scope is the root of the unit tree.
    pub global: bool,
    pub must_change_password: bool,
}

/// What every page needs to know about the request: the viewer, the language and the
/// header's unread-notification count. One value, so the page frame waits on one
/// resource only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user: Option<CurrentUser>,
    pub lang: Lang,
    /// Zero when signed out.
    pub unread_notifications: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub roles: Roles,
    pub rank_tag: Option<String>,
    pub scope_unit_id: Option<UnitId>,
    pub active: bool,
    /// Where notification mail goes; none: notifications stay in-app.
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u32 {
        (self.total.div_ceil(self.per_page.max(1) as u64)).max(1) as u32
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum StatusFilter {
    #[default]
    All,
    Active,
    Disabled,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserQuery {
    pub q: String,
    pub unit_id: Option<UnitId>,
    pub role: Option<Role>,
    pub status: StatusFilter,
    pub page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitView {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub depth: u32,
    pub member_count: u64,
    pub child_count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// 1-based row number as a spreadsheet shows it (the header is row 1).
    pub row: u32,
    pub column: String,
    pub reason: Msg,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub row: u32,
    pub login: String,
    pub display_name: String,
    pub unit_code: String,
    pub roles: Roles,
    pub rank_tag: Option<String>,
    /// From an optional "电子邮箱"/"email" column.
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub id: Uuid,
    pub file_name: String,
    pub good: Vec<ImportRow>,
    pub errors: Vec<RowError>,
    pub committed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminStats {
    pub users: u64,
    pub units: u64,
    pub active_sessions: u64,
}
