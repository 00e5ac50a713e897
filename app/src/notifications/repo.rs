//! Storage of notifications.

use crate::accounts::model::UserId;
use crate::db::Exec;
use crate::sql;
use crate::time::Timestamp;

use super::model::NotificationId;

type R<T> = Result<T, sqlx::Error>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: NotificationId,
    pub user_id: UserId,
    pub kind: String,
    pub params: String,
    pub link: String,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
    pub emailed_at: Option<Timestamp>,
}

pub async fn insert(
    ex: &mut impl Exec,
    id: NotificationId,
    user: UserId,
    kind: &str,
    params: &str,
    link: &str,
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO notifications (id, user_id, kind, params, link, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(id)
    .bind(user)
    .bind(kind)
    .bind(params)
    .bind(link)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn of_user(ex: &mut impl Exec, user: UserId, limit: i64) -> R<Vec<NotificationRow>> {
    sql!(ex, |c| sqlx::query_as::<_, NotificationRow>(
        "SELECT id, user_id, kind, params, link, created_at, read_at, emailed_at \
         FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2"
    )
    .bind(user)
    .bind(limit)
    .fetch_all(&mut *c)
    .await)
}

pub async fn get(ex: &mut impl Exec, id: NotificationId) -> R<Option<NotificationRow>> {
    sql!(ex, |c| sqlx::query_as::<_, NotificationRow>(
        "SELECT id, user_id, kind, params, link, created_at, read_at, emailed_at \
         FROM notifications WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn unread_count(ex: &mut impl Exec, user: UserId) -> R<i64> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL"
    )
    .bind(user)
    .fetch_one(&mut *c)
    .await)
}

pub async fn mark_all_read(ex: &mut impl Exec, user: UserId, now: Timestamp) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL"
    )
    .bind(user)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn mark_emailed(ex: &mut impl Exec, id: NotificationId, now: Timestamp) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE notifications SET emailed_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// The address and language of a user, for mail.
pub async fn mail_target(
    ex: &mut impl Exec,
    user: UserId,
) -> R<Option<(Option<String>, Option<String>)>> {
    sql!(ex, |c| {
        sqlx::query_as::<_, (Option<String>, Option<String>)>(
            "SELECT email, lang FROM users WHERE id = $1 AND active",
        )
        .bind(user)
        .fetch_optional(&mut *c)
        .await
    })
}
