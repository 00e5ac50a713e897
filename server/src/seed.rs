//! First-run data: the demo organisation (only when demo mode is on and the database is
//! empty) and the creation of a first administrator for production.

use uuid::Uuid;

use app::accounts::domain;
use app::accounts::model::{Roles, UnitId, UserId};
use app::accounts::repo::{self, NewUser};
use app::error::AppError;
use app::server::AppState;

/// The password every demo account shares. Demo mode only; printed at start.
pub const DEMO_PASSWORD: &str = "Demo-2026!";

struct DemoUnit {
    code: &'static str,
    name: &'static str,
    parent: Option<&'static str>,
}

const DEMO_UNITS: &[DemoUnit] = &[
    DemoUnit {
        code: "3301",
        name: "示例市委组织部",
        parent: None,
    },
    DemoUnit {
        code: "330102",
        name: "上城区",
        parent: Some("3301"),
    },
    DemoUnit {
        code: "330102-01",
        name: "上城区委办公室",
        parent: Some("330102"),
    },
    DemoUnit {
        code: "330102-02",
        name: "上城区财政局",
        parent: Some("330102"),
    },
    DemoUnit {
        code: "330105",
        name: "拱墅区",
        parent: Some("3301"),
    },
    DemoUnit {
        code: "330105-01",
        name: "拱墅区委宣传部",
        parent: Some("330105"),
    },
    DemoUnit {
        code: "330105-02",
        name: "拱墅区教育局",
        parent: Some("330105"),
    },
    DemoUnit {
        code: "330122",
        name: "桐庐县",
        parent: Some("3301"),
    },
    DemoUnit {
        code: "330122-01",
        name: "桐庐县委组织部",
        parent: Some("330122"),
    },
    DemoUnit {
        code: "330122-02",
        name: "桐庐县农业农村局",
        parent: Some("330122"),
    },
    DemoUnit {
        code: "3301-01",
        name: "市发展和改革委员会",
        parent: Some("3301"),
    },
];

pub(crate) const DEMO_CANDIDATES: &[(&str, &str, &str, &str)] = &[
    ("zhangwei", "张伟", "330102-01", "县处级副职"),
    ("wangfang", "王芳", "330102-01", "乡科级正职"),
    ("liqiang", "李强", "330102-02", "县处级正职"),
    ("liuyang", "刘洋", "330102-02", "乡科级副职"),
    ("chenjing", "陈静", "330105-01", "县处级副职"),
    ("yangfan", "杨帆", "330105-01", "乡科级正职"),
    ("zhaolei", "赵磊", "330105-02", "乡科级副职"),
    ("huangmin", "黄敏", "330105-02", "县处级副职"),
    ("zhoujie", "周杰", "330122-01", "乡科级正职"),
    ("wuxia", "吴霞", "330122-01", "县处级正职"),
    ("xuhao", "徐浩", "330122-02", "乡科级副职"),
    ("sunli", "孙丽", "3301-01", "县处级副职"),
];

/// Loads the demo organisation into an empty database; does nothing otherwise. Returns
/// whether it loaded anything.
pub async fn load_demo(state: &AppState) -> Result<bool, AppError> {
    {
        let mut c = state.db.read().await?;
        if repo::root_unit(&mut c).await?.is_some() {
            return Ok(false);
        }
    }
    let hash = state.hasher.hash(DEMO_PASSWORD.to_owned()).await;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let mut units: Vec<(&str, UnitId, String)> = Vec::new();
    for u in DEMO_UNITS {
        let id = UnitId(Uuid::new_v4());
        let parent = u
            .parent
            .and_then(|p| units.iter().find(|(c, _, _)| *c == p));
        let path = domain::unit_path(parent.map(|(_, _, p)| p.as_str()), id);
        repo::insert_unit(
            &mut tx,
            id,
            u.code,
            u.name,
            parent.map(|(_, i, _)| *i),
            &path,
            now,
        )
        .await?;
        units.push((u.code, id, path));
    }
    let unit = |code: &str| {
        units
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, id, _)| *id)
            .expect("demo unit exists")
    };
    let staff: [(&str, &str, &str, Roles); 3] = [
        (
            "admin",
            "系统管理员",
            "3301",
            Roles {
                admin: true,
                ..Default::default()
            },
        ),
        (
            "organizer",
            "上城区组织员",
            "330102",
            Roles {
                organizer: true,
                ..Default::default()
            },
        ),
        (
            "yuetan",
            "市委组织部部长",
            "3301",
            Roles {
                interviewer: true,
                ..Default::default()
            },
        ),
    ];
    let people = staff
        .iter()
        .map(|(l, n, u, r)| (*l, *n, *u, *r, None))
        .chain(DEMO_CANDIDATES.iter().map(|(l, n, u, rank)| {
            (
                *l,
                *n,
                *u,
                Roles {
                    candidate: true,
                    ..Default::default()
                },
                Some(*rank),
            )
        }));
    let mut admin_id = None;
    for (login, name, unit_code, roles, rank) in people {
        let id = UserId(Uuid::new_v4());
        if login == "admin" {
            admin_id = Some(id);
        }
        repo::insert_user(
            &mut tx,
            &NewUser {
                id,
                login,
                display_name: name,
                unit_id: unit(unit_code),
                scope_unit_id: None,
                roles,
                rank_tag: rank,
                password_hash: &hash,
                must_change_password: false,
                now,
            },
        )
        .await?;
    }
    tx.commit().await?;

    let admin_id = admin_id.ok_or(AppError::Internal)?;
    let mut c = state.db.read().await?;
    let admin = repo::get_user(&mut c, admin_id)
        .await?
        .ok_or(AppError::Internal)?;
    let scope = repo::get_unit(&mut c, unit("3301"))
        .await?
        .ok_or(AppError::Internal)?;
    drop(c);
    let admin = app::server::Authed {
        token_hash: String::new(),
        user: admin,
        scope,
    };
    crate::seed_authoring::load(
        state,
        &admin,
        &[unit("330102"), unit("3301-01")],
        &[unit("330105"), unit("330122")],
    )
    .await?;
    Ok(true)
}

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("{0}")]
    Invalid(String),
    #[error("the login {0:?} is already taken")]
    Taken(String),
    #[error("database error")]
    Db(#[from] AppError),
}

/// Creates an administrator of the whole tree. On an empty database the root unit is
/// created too. The password must pass the normal policy; no default exists.
pub async fn create_admin(
    state: &AppState,
    login: &str,
    display_name: &str,
    password: &str,
    root: Option<(&str, &str)>,
) -> Result<(), BootstrapError> {
    let login = domain::normalize_login(login)
        .map_err(|m| BootstrapError::Invalid(m.text(app::i18n::Lang::En).into()))?;
    domain::check_password(password)
        .map_err(|m| BootstrapError::Invalid(m.text(app::i18n::Lang::En).into()))?;
    let name = domain::required_text(display_name, domain::NAME_MAX_CHARS)
        .map_err(|m| BootstrapError::Invalid(m.text(app::i18n::Lang::En).into()))?;
    let hash = state.hasher.hash(password.to_owned()).await;
    let now = state.clock.now();
    let mut tx = state.db.begin().await.map_err(AppError::from)?;
    let root_id = match repo::root_unit(&mut tx).await.map_err(AppError::from)? {
        Some(r) => r.id,
        None => {
            let (code, unit_name) = root.ok_or_else(|| {
                BootstrapError::Invalid("the database has no units yet: give --unit-code and --unit-name for the top unit".into())
            })?;
            let id = UnitId(Uuid::new_v4());
            let path = domain::unit_path(None, id);
            repo::insert_unit(&mut tx, id, code, unit_name, None, &path, now)
                .await
                .map_err(AppError::from)?;
            id
        }
    };
    let inserted = repo::insert_user(
        &mut tx,
        &NewUser {
            id: UserId(Uuid::new_v4()),
            login: &login,
            display_name: &name,
            unit_id: root_id,
            scope_unit_id: None,
            roles: Roles {
                admin: true,
                ..Default::default()
            },
            rank_tag: None,
            password_hash: &hash,
            must_change_password: false,
            now,
        },
    )
    .await;
    match inserted.map_err(AppError::from) {
        Ok(()) => {}
        Err(AppError::Conflict(_)) => return Err(BootstrapError::Taken(login)),
        Err(e) => return Err(e.into()),
    }
    tx.commit().await.map_err(AppError::from)?;
    Ok(())
}
