//! Creating notifications inside the transaction of what caused them, listing them, and
//! the mail job.

use uuid::Uuid;

use crate::accounts::model::UserId;
use crate::db::{Exec, Tx};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::jobs::service::{finish, Claimed, Handled, JobError, SEND_EMAIL};
use crate::server::{AppState, Authed};
use crate::time::Timestamp;

use super::model::{Note, NotificationId, NotificationView};
use super::repo;

/// Adds an in-app notification and, when mail is configured, the job that mails it.
pub async fn notify(
    tx: &mut Tx,
    mail: bool,
    user: UserId,
    note: &Note,
    link: &str,
    now: Timestamp,
) -> Result<NotificationId, sqlx::Error> {
    let id = NotificationId(Uuid::new_v4());
    let params = serde_json::to_string(note).unwrap_or_else(|_| "null".to_owned());
    repo::insert(tx, id, user, note.kind(), &params, link, now).await?;
    if mail {
        let key = id.to_string();
        crate::jobs::repo::enqueue(tx, SEND_EMAIL, &key, &key, now, now).await?;
    }
    Ok(id)
}

fn view(row: repo::NotificationRow) -> Option<NotificationView> {
    let note = serde_json::from_str::<Note>(&row.params).ok()?;
    Some(NotificationView {
        id: row.id,
        note,
        link: row.link,
        created_at: row.created_at,
        read: row.read_at.is_some(),
    })
}

pub async fn mine(state: &AppState, a: &Authed) -> Result<Vec<NotificationView>, AppError> {
    let mut c = state.db.read().await?;
    Ok(repo::of_user(&mut c, a.user.id, 200)
        .await?
        .into_iter()
        .filter_map(view)
        .collect())
}

pub async fn unread(state: &AppState, a: &Authed) -> Result<i64, AppError> {
    let mut c = state.db.read().await?;
    Ok(repo::unread_count(&mut c, a.user.id).await?)
}

pub async fn mark_all_read(state: &AppState, a: &Authed) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    repo::mark_all_read(&mut tx, a.user.id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The mail job of one notification: sends it to the user's address in their language.
/// A user without an address, or a server without SMTP, completes the job unsent.
pub async fn deliver(
    state: &AppState,
    job: &Claimed,
    id: NotificationId,
    now: Timestamp,
) -> Result<Handled, JobError> {
    let (row, target) = {
        let mut c = state.db.read().await?;
        let Some(row) = repo::get(&mut c, id).await? else {
            return done(state, job, None, now).await;
        };
        let target = repo::mail_target(&mut c, row.user_id).await?;
        (row, target)
    };
    let (Some(mailer), Some((Some(to), lang)), None) =
        (state.mailer.as_ref(), target, row.emailed_at)
    else {
        return done(state, job, None, now).await;
    };
    let Ok(note) = serde_json::from_str::<Note>(&row.params) else {
        return Err(JobError(format!("unreadable notification {id}")));
    };
    let lang = lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    mailer
        .send(&to, &note.subject(lang), &note.text(lang))
        .await
        .map_err(|e| JobError(e.to_string()))?;
    done(state, job, Some(id), now).await
}

async fn done(
    state: &AppState,
    job: &Claimed,
    sent: Option<NotificationId>,
    now: Timestamp,
) -> Result<Handled, JobError> {
    let mut tx = state.db.begin().await?;
    if let Some(id) = sent {
        repo::mark_emailed(&mut tx, id, now).await?;
    }
    finish(&mut tx, job, now).await?;
    tx.commit().await?;
    Ok(Handled::Done)
}

/// Organizers and admins whose scope covers a unit path (by their scope unit, else
/// their unit): the people who can schedule sittings for an exam owned there.
pub async fn staff_covering(
    ex: &mut impl Exec,
    unit_path: &str,
) -> Result<Vec<UserId>, sqlx::Error> {
    let rows = crate::sql!(ex, |c| sqlx::query_as::<_, (UserId, String)>(
        "SELECT u.id, COALESCE(s.path, un.path) FROM users u \
         JOIN units un ON un.id = u.unit_id LEFT JOIN units s ON s.id = u.scope_unit_id \
         WHERE (u.is_organizer OR u.is_admin) AND u.active"
    )
    .fetch_all(&mut *c)
    .await)?;
    Ok(rows
        .into_iter()
        .filter(|(_, scope)| crate::accounts::domain::within_scope(unit_path, scope))
        .map(|(id, _)| id)
        .collect())
}
