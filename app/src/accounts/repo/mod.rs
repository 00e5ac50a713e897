//! Storage of units, users, sessions, login throttling and pending imports. Every
//! statement is written once and runs on both backends through [`crate::sql!`].

mod imports;
mod sessions;
mod units;
mod users;

pub use imports::*;
pub use sessions::*;
pub use units::*;
pub use users::*;

use super::model::{Roles, UnitId, UserId, UserSummary};
use crate::time::Timestamp;

type R<T> = Result<T, sqlx::Error>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitRow {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub path: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitCountsRow {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub path: String,
    pub member_count: i64,
    pub child_count: i64,
}

/// A user with the unit and scope facts authorization needs. No password hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub scope_unit_id: Option<UnitId>,
    pub is_admin: bool,
    pub is_organizer: bool,
    pub is_candidate: bool,
    pub is_interviewer: bool,
    pub rank_tag: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub lang: Option<String>,
    pub email: Option<String>,
}

impl UserRow {
    pub fn roles(&self) -> Roles {
        Roles {
            admin: self.is_admin,
            organizer: self.is_organizer,
            candidate: self.is_candidate,
            interviewer: self.is_interviewer,
        }
    }

    pub fn summary(&self) -> UserSummary {
        UserSummary {
            id: self.id,
            login: self.login.clone(),
            display_name: self.display_name.clone(),
            unit_id: self.unit_id,
            unit_code: self.unit_code.clone(),
            unit_name: self.unit_name.clone(),
            roles: self.roles(),
            rank_tag: self.rank_tag.clone(),
            scope_unit_id: self.scope_unit_id,
            active: self.active,
            email: self.email.clone(),
        }
    }
}

pub(super) const USER_COLUMNS: &str =
    "u.id, u.login, u.display_name, u.unit_id, un.code AS unit_code, \
     un.name AS unit_name, un.path AS unit_path, u.scope_unit_id, u.is_admin, u.is_organizer, \
     u.is_candidate, u.is_interviewer, u.rank_tag, u.active, u.must_change_password, u.lang, \
     u.email \
     FROM users u JOIN units un ON un.id = u.unit_id";

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub id: UserId,
    pub login: &'a str,
    pub display_name: &'a str,
    pub unit_id: UnitId,
    pub scope_unit_id: Option<UnitId>,
    pub roles: Roles,
    pub rank_tag: Option<&'a str>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub now: Timestamp,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: UserId,
    pub password_hash: String,
    pub active: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: UserId,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}
