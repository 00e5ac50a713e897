//! Server-side sessions and login throttling state.

use crate::db::Exec;
use crate::sql;
use crate::time::Timestamp;

use super::super::domain::ThrottleState;
use super::super::model::UserId;
use super::SessionRow;
use super::R;

pub async fn insert_session(
    ex: &mut impl Exec,
    token_hash: &str,
    user_id: UserId,
    now: Timestamp,
    expires_at: Timestamp,
    client_addr: &str,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, \
           client_addr) VALUES ($1, $2, $3, $3, $4, $5)"
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .bind(client_addr)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_session(ex: &mut impl Exec, token_hash: &str) -> R<Option<SessionRow>> {
    sql!(ex, |c| sqlx::query_as::<_, SessionRow>(
        "SELECT user_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn touch_session(ex: &mut impl Exec, token_hash: &str, now: Timestamp) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1"
    )
    .bind(token_hash)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn delete_session(ex: &mut impl Exec, token_hash: &str) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn delete_user_sessions(ex: &mut impl Exec, user_id: UserId) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn delete_stale_sessions(
    ex: &mut impl Exec,
    now: Timestamp,
    idle_cutoff: Timestamp,
) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2"
    )
    .bind(now)
    .bind(idle_cutoff)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn count_live_sessions(
    ex: &mut impl Exec,
    now: Timestamp,
    idle_cutoff: Timestamp,
) -> R<i64> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM sessions WHERE expires_at > $1 AND last_seen_at > $2"
    )
    .bind(now)
    .bind(idle_cutoff)
    .fetch_one(&mut *c)
    .await)
}

#[derive(sqlx::FromRow)]
struct ThrottleRow {
    failures: i64,
    window_start: Timestamp,
    blocked_until: Timestamp,
}

pub async fn get_throttle(ex: &mut impl Exec, key: &str) -> R<Option<ThrottleState>> {
    let row = sql!(ex, |c| {
        sqlx::query_as::<_, ThrottleRow>(
        "SELECT failures, window_start, blocked_until FROM login_throttle WHERE throttle_key = $1"
    )
    .bind(key)
    .fetch_optional(&mut *c)
    .await
    })?;
    Ok(row.map(|r| ThrottleState {
        failures: r.failures,
        window_start: r.window_start,
        blocked_until: r.blocked_until,
    }))
}

pub async fn put_throttle(ex: &mut impl Exec, key: &str, s: &ThrottleState) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO login_throttle (throttle_key, failures, window_start, blocked_until) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (throttle_key) DO UPDATE SET \
         failures = excluded.failures, window_start = excluded.window_start, \
         blocked_until = excluded.blocked_until"
    )
    .bind(key)
    .bind(s.failures)
    .bind(s.window_start)
    .bind(s.blocked_until)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn clear_throttle(ex: &mut impl Exec, key: &str) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM login_throttle WHERE throttle_key = $1"
    )
    .bind(key)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}
