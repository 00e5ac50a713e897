//! Pure account rules: input validation, the password policy, role parsing, the unit
//! tree's path arithmetic, scopes, login throttling and session lifetimes. No IO, no
//! clock: time is always a parameter.

use crate::i18n::Msg;
use crate::time::Timestamp;

use super::model::{Role, Roles, UnitId};

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const LOGIN_MAX_CHARS: usize = 64;
pub const NAME_MAX_CHARS: usize = 100;
pub const CODE_MAX_CHARS: usize = 64;
/// The longest address SMTP carries (RFC 5321's path limit less the angle brackets).
pub const EMAIL_MAX_CHARS: usize = 254;
pub const PER_PAGE: u32 = 20;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Trims and lower-cases a login so "Zhang.San " and "zhang.san" are one account.
pub fn normalize_login(raw: &str) -> Result<String, Msg> {
    let login = raw.trim().to_lowercase();
    let n = login.chars().count();
    if n == 0 {
        return Err(Msg::ErrRequired);
    }
    if !(2..=LOGIN_MAX_CHARS).contains(&n) {
        return Err(Msg::ErrLoginFormat);
    }
    let ok = login
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(login)
    } else {
        Err(Msg::ErrLoginFormat)
    }
}

/// A required short text (names, codes): trimmed, non-empty, bounded.
pub fn required_text(raw: &str, max_chars: usize) -> Result<String, Msg> {
    let s = raw.trim();
    if s.is_empty() {
        Err(Msg::ErrRequired)
    } else if s.chars().count() > max_chars {
        Err(Msg::ErrTooLong)
    } else {
        Ok(s.to_owned())
    }
}

/// An optional short text: blank becomes `None`.
pub fn optional_text(raw: &str, max_chars: usize) -> Result<Option<String>, Msg> {
    let s = raw.trim();
    if s.is_empty() {
        Ok(None)
    } else if s.chars().count() > max_chars {
        Err(Msg::ErrTooLong)
    } else {
        Ok(Some(s.to_owned()))
    }
}

/// An optional email address (for notification mail): blank becomes `None`; otherwise
/// one '@' with something on either side, no spaces or control characters, at most
/// [`EMAIL_MAX_CHARS`]. Whether the address exists is the mail server's business.
pub fn optional_email(raw: &str) -> Result<Option<String>, Msg> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let looks_like_one = s.chars().count() <= EMAIL_MAX_CHARS
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        });
    if looks_like_one {
        Ok(Some(s.to_owned()))
    } else {
        Err(Msg::ErrEmailInvalid)
    }
}

pub fn check_password(password: &str) -> Result<(), Msg> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(Msg::ErrPasswordTooShort);
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(Msg::ErrPasswordTooLong);
    }
    if is_common_password(password) {
        return Err(Msg::ErrPasswordCommon);
    }
    Ok(())
}

fn is_common_password(password: &str) -> bool {
    let lowered = password.to_lowercase();
    let first = lowered.chars().next();
    let all_same = lowered.chars().all(|c| Some(c) == first);
    all_same
        || COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .any(|common| !common.is_empty() && common == lowered)
}

/// Parses the roles column of an import file: Chinese or English names separated by
/// commas (half- or full-width), 、, semicolons or spaces.
pub fn parse_roles(raw: &str) -> Result<Roles, Msg> {
    let mut roles = Roles::default();
    let parts = raw
        .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；' | '/') || c.is_whitespace())
        .map(str::trim)
        .filter(|p| !p.is_empty());
    for part in parts {
        let role = match part.to_lowercase().as_str() {
            "管理员" | "admin" | "administrator" => Role::Admin,
            "组织者" | "organizer" | "organiser" => Role::Organizer,
            "考生" | "candidate" => Role::Candidate,
            "约谈人" | "interviewer" => Role::Interviewer,
            _ => return Err(Msg::RowInvalidRole),
        };
        roles = roles.with(role);
    }
    if roles.is_empty() {
        Err(Msg::ErrRequired)
    } else {
        Ok(roles)
    }
}

/// The materialised path of a unit: its parent's path followed by its own id.
pub fn unit_path(parent_path: Option<&str>, id: UnitId) -> String {
    format!("{}{}/", parent_path.unwrap_or("/"), id.0)
}

/// Whether the unit at `path` lies in the subtree rooted at `scope_path` (inclusive).
pub fn within_scope(path: &str, scope_path: &str) -> bool {
    path.starts_with(scope_path)
}

/// Depth below the root (a root unit has depth 0).
pub fn path_depth(path: &str) -> u32 {
    (path.matches('/').count().saturating_sub(2)) as u32
}

/// Moving the unit at `unit_path` under the unit at `new_parent_path` would create a
/// cycle exactly when the new parent is the unit itself or one of its descendants.
pub fn move_creates_cycle(unit_path: &str, new_parent_path: &str) -> bool {
    new_parent_path.starts_with(unit_path)
}

/// Rewrites a descendant's path after its ancestor moved from `old_prefix` to `new_prefix`.
pub fn rebase_path(path: &str, old_prefix: &str, new_prefix: &str) -> Option<String> {
    path.strip_prefix(old_prefix)
        .map(|rest| format!("{new_prefix}{rest}"))
}

/// Orders units as a tree: each parent before its children, siblings by code. Units
/// whose parent is not in the list (the top of a scope) are roots.
pub fn tree_order<T>(
    units: Vec<T>,
    id: impl Fn(&T) -> UnitId,
    parent: impl Fn(&T) -> Option<UnitId>,
    code: impl Fn(&T) -> String,
) -> Vec<T> {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<UnitId> = units.iter().map(&id).collect();
    let mut children: HashMap<Option<UnitId>, Vec<T>> = HashMap::new();
    for u in units {
        let key = parent(&u).filter(|p| ids.contains(p));
        children.entry(key).or_default().push(u);
    }
    for list in children.values_mut() {
        list.sort_by_key(|u| code(u));
    }
    let mut out = Vec::with_capacity(ids.len());
    let mut stack: Vec<T> = children.remove(&None).unwrap_or_default();
    stack.reverse();
    while let Some(u) = stack.pop() {
        if let Some(mut kids) = children.remove(&Some(id(&u))) {
            kids.reverse();
            stack.extend(kids);
        }
        out.push(u);
    }
    out
}

/// Session lifetime settings.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle_secs: i64,
    pub absolute_secs: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_secs: 30 * 60,
            absolute_secs: 12 * 3600,
        }
    }
}

impl SessionPolicy {
    pub fn is_live(&self, last_seen: Timestamp, expires_at: Timestamp, now: Timestamp) -> bool {
        now < expires_at && now < last_seen.plus_secs(self.idle_secs)
    }

    /// Refreshing `last_seen_at` on every request would turn reads into writes; once a
    /// minute keeps the idle timeout accurate to a minute.
    pub fn needs_touch(&self, last_seen: Timestamp, now: Timestamp) -> bool {
        now >= last_seen.plus_secs(60)
    }
}

/// Login throttling: failures within a window earn a growing delay before the next
/// attempt is even checked. Delays are short and capped, so an attacker is slowed to a
/// crawl while the real user, retrying a minute later, still gets in.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window_secs: i64,
    pub free_failures: i64,
    pub base_delay_secs: i64,
    pub max_delay_secs: i64,
}

impl ThrottlePolicy {
    pub const PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
        window_secs: 15 * 60,
        free_failures: 5,
        base_delay_secs: 2,
        max_delay_secs: 60,
    };
    /// One address may host a whole office behind NAT, so it gets more room.
    pub const PER_ADDRESS: ThrottlePolicy = ThrottlePolicy {
        window_secs: 15 * 60,
        free_failures: 30,
        base_delay_secs: 1,
        max_delay_secs: 60,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleState {
    pub failures: i64,
    pub window_start: Timestamp,
    pub blocked_until: Timestamp,
}

impl ThrottlePolicy {
    /// Seconds the caller must still wait before an attempt is considered.
    pub fn wait_secs(&self, state: Option<&ThrottleState>, now: Timestamp) -> Option<u64> {
        let s = state?;
        if now < s.blocked_until {
            Some(now.secs_until(s.blocked_until).max(1) as u64)
        } else {
            None
        }
    }

    /// The state after one more failure at `now`.
    pub fn after_failure(&self, state: Option<&ThrottleState>, now: Timestamp) -> ThrottleState {
        let (failures, window_start) = match state {
            Some(s) if now < s.window_start.plus_secs(self.window_secs) => {
                (s.failures + 1, s.window_start)
            }
            _ => (1, now),
        };
        let over = failures - self.free_failures;
        let blocked_until = if over > 0 {
            let exp = (over - 1).min(16) as u32;
            let delay = (self.base_delay_secs.saturating_mul(1 << exp)).min(self.max_delay_secs);
            now.plus_secs(delay)
        } else {
            now
        };
        ThrottleState {
            failures,
            window_start,
            blocked_until,
        }
    }
}

pub fn clamp_page(page: u32, total: u64, per_page: u32) -> u32 {
    let pages = total.div_ceil(per_page.max(1) as u64).max(1) as u32;
    page.clamp(1, pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    #[test]
    fn logins_are_trimmed_and_lowercased() {
        assert_eq!(normalize_login("  Zhang.San ").unwrap(), "zhang.san");
        assert_eq!(normalize_login("张三_01").unwrap(), "张三_01");
    }

    #[test]
    fn logins_with_spaces_or_symbols_are_refused() {
        assert_eq!(normalize_login("zhang san"), Err(Msg::ErrLoginFormat));
        assert_eq!(normalize_login("a;drop"), Err(Msg::ErrLoginFormat));
        assert_eq!(normalize_login("   "), Err(Msg::ErrRequired));
        assert_eq!(normalize_login("x"), Err(Msg::ErrLoginFormat));
    }

    #[test]
    fn an_email_address_is_optional_and_must_look_like_one() {
        assert_eq!(optional_email("  "), Ok(None));
        assert_eq!(
            optional_email(" wang.fang@example.org "),
            Ok(Some("wang.fang@example.org".to_owned()))
        );
        assert_eq!(
            optional_email("王芳@例子.中国"),
            Ok(Some("王芳@例子.中国".to_owned()))
        );
        for bad in [
            "wangfang",
            "@example.org",
            "wangfang@",
            "wang@fang@example.org",
            "wang fang@example.org",
            "wang\u{7}@example.org",
        ] {
            assert_eq!(optional_email(bad), Err(Msg::ErrEmailInvalid), "{bad:?}");
        }
        let longest = format!("{}@example.org", "a".repeat(EMAIL_MAX_CHARS - 12));
        assert_eq!(longest.chars().count(), EMAIL_MAX_CHARS);
        assert!(optional_email(&longest).is_ok());
        assert_eq!(
            optional_email(&format!("a{longest}")),
            Err(Msg::ErrEmailInvalid)
        );
    }

    #[test]
    fn passwords_outside_the_length_bounds_are_refused() {
        assert_eq!(check_password("Ab3$xyz"), Err(Msg::ErrPasswordTooShort));
        assert_eq!(
            check_password(&"a1".repeat(65)),
            Err(Msg::ErrPasswordTooLong)
        );
        assert!(check_password("河清海晏-2026").is_ok());
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(check_password("Password1"), Err(Msg::ErrPasswordCommon));
        assert_eq!(check_password("12345678"), Err(Msg::ErrPasswordCommon));
        assert_eq!(check_password("woaini1314"), Err(Msg::ErrPasswordCommon));
        assert_eq!(check_password("zzzzzzzzzz"), Err(Msg::ErrPasswordCommon));
    }

    #[test]
    fn roles_parse_from_chinese_and_english_lists() {
        let r = parse_roles("考生，组织者").unwrap();
        assert!(r.candidate && r.organizer && !r.admin);
        let r = parse_roles("Admin; candidate").unwrap();
        assert!(r.admin && r.candidate);
        assert_eq!(parse_roles("校长"), Err(Msg::RowInvalidRole));
        assert_eq!(parse_roles(" "), Err(Msg::ErrRequired));
    }

    fn uid(n: u128) -> UnitId {
        UnitId(Uuid::from_u128(n))
    }

    #[test]
    fn a_unit_cannot_move_under_itself_or_a_descendant() {
        let root = unit_path(None, uid(1));
        let county = unit_path(Some(&root), uid(2));
        let dept = unit_path(Some(&county), uid(3));
        assert!(move_creates_cycle(&county, &county));
        assert!(move_creates_cycle(&county, &dept));
        assert!(!move_creates_cycle(&county, &root));
        assert!(!move_creates_cycle(&dept, &root));
    }

    #[test]
    fn scope_covers_exactly_the_subtree() {
        let root = unit_path(None, uid(1));
        let a = unit_path(Some(&root), uid(2));
        let b = unit_path(Some(&root), uid(3));
        let a1 = unit_path(Some(&a), uid(4));
        assert!(within_scope(&a1, &a));
        assert!(within_scope(&a, &a));
        assert!(!within_scope(&b, &a));
        assert!(within_scope(&b, &root));
        assert_eq!(path_depth(&root), 0);
        assert_eq!(path_depth(&a1), 2);
    }

    #[test]
    fn trees_list_parents_before_children_and_siblings_by_code() {
        // (id, parent, code)
        let units = vec![
            (4, Some(2), "B-2"),
            (2, Some(1), "B"),
            (3, Some(1), "A"),
            (1, None, "ROOT"),
            (5, Some(2), "B-1"),
        ];
        let ordered = tree_order(units, |u| uid(u.0), |u| u.1.map(uid), |u| u.2.to_owned());
        let codes: Vec<_> = ordered.iter().map(|u| u.2).collect();
        assert_eq!(codes, vec!["ROOT", "A", "B", "B-1", "B-2"]);
    }

    #[test]
    fn sessions_end_at_the_idle_or_absolute_limit() {
        let p = SessionPolicy {
            idle_secs: 60,
            absolute_secs: 3600,
        };
        let t0 = Timestamp(1_000_000);
        let expires = t0.plus_secs(3600);
        assert!(p.is_live(t0, expires, t0.plus_secs(59)));
        assert!(!p.is_live(t0, expires, t0.plus_secs(60)));
        assert!(!p.is_live(t0.plus_secs(3590), expires, t0.plus_secs(3600)));
    }

    #[test]
    fn the_first_failures_cost_nothing_then_delays_grow_to_the_cap() {
        let p = ThrottlePolicy::PER_ACCOUNT;
        let now = Timestamp(10_000_000);
        let mut state = None;
        for _ in 0..5 {
            let s = p.after_failure(state.as_ref(), now);
            assert_eq!(p.wait_secs(Some(&s), now), None);
            state = Some(s);
        }
        let s = p.after_failure(state.as_ref(), now);
        assert_eq!(p.wait_secs(Some(&s), now), Some(2));
        let mut s = s;
        for _ in 0..20 {
            s = p.after_failure(Some(&s), now);
        }
        assert_eq!(p.wait_secs(Some(&s), now), Some(60));
    }

    #[test]
    fn failures_outside_the_window_start_a_new_count() {
        let p = ThrottlePolicy::PER_ACCOUNT;
        let t0 = Timestamp(0);
        let mut s = p.after_failure(None, t0);
        for _ in 0..10 {
            s = p.after_failure(Some(&s), t0);
        }
        let later = t0.plus_secs(p.window_secs + 1);
        let fresh = p.after_failure(Some(&s), later);
        assert_eq!(fresh.failures, 1);
        assert_eq!(p.wait_secs(Some(&fresh), later), None);
    }

    proptest! {
        #[test]
        fn throttle_delay_never_exceeds_the_cap(n in 0usize..200, step in 0i64..120) {
            let p = ThrottlePolicy::PER_ADDRESS;
            let mut now = Timestamp(0);
            let mut s: Option<ThrottleState> = None;
            for _ in 0..n {
                now = now.plus_secs(step);
                s = Some(p.after_failure(s.as_ref(), now));
                let wait = p.wait_secs(s.as_ref(), now).unwrap_or(0);
                prop_assert!(wait as i64 <= p.max_delay_secs);
            }
        }

        #[test]
        fn rebasing_keeps_the_suffix(a in "[a-f0-9/]{0,20}", b in "[a-f0-9/]{0,20}", rest in "[a-f0-9/]{0,20}") {
            let path = format!("{a}{rest}");
            prop_assert_eq!(rebase_path(&path, &a, &b), Some(format!("{b}{rest}")));
        }

        #[test]
        fn clamped_pages_are_always_in_range(page in 0u32..1000, total in 0u64..10_000) {
            let p = clamp_page(page, total, PER_PAGE);
            prop_assert!(p >= 1);
            prop_assert!(p as u64 <= total.div_ceil(PER_PAGE as u64).max(1));
        }
    }
}
