//! Sign-in, sessions, passwords, users and units through the real HTTP server, on
//! SQLite and on PostgreSQL.

mod common;

use app::accounts::model::{Me, Page, UnitView, UserSummary};
use app::error::AppError;
use app::i18n::Msg;
use common::{Backend, Client, World, ADMIN_PASSWORD};

async fn units(c: &mut Client) -> Vec<UnitView> {
    c.call("units/list", &[]).await.expect("units")
}

async fn create_unit(c: &mut Client, code: &str, name: &str, parent: &str) -> Result<(), AppError> {
    c.call(
        "units/create",
        &[("code", code), ("name", name), ("parent_id", parent)],
    )
    .await
}

fn unit_id(list: &[UnitView], code: &str) -> String {
    list.iter()
        .find(|u| u.code == code)
        .unwrap_or_else(|| panic!("unit {code}"))
        .id
        .to_string()
}

async fn create_user(
    c: &mut Client,
    login: &str,
    unit: &str,
    roles: &[&str],
    password: &str,
) -> Result<(), AppError> {
    let mut form = vec![
        ("login", login),
        ("display_name", "测试用户"),
        ("unit_id", unit),
        ("scope_unit_id", ""),
        ("rank_tag", ""),
        ("initial_password", password),
    ];
    for r in roles {
        form.push((r, "on"));
    }
    c.call("users/create", &form).await
}

async fn find_user(c: &mut Client, login: &str) -> UserSummary {
    let page: Page<UserSummary> = c
        .call(
            "users/list",
            &[
                ("query[q]", login),
                ("query[status]", "All"),
                ("query[page]", "1"),
            ],
        )
        .await
        .expect("list users");
    page.items
        .into_iter()
        .find(|u| u.login == login)
        .expect("user listed")
}

both_backends!(
    a_wrong_password_and_an_unknown_login_get_the_same_answer,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut c = w.client();
        let wrong = c.login("admin", "not-the-password").await.unwrap_err();
        let unknown = c
            .login("nobody-here", "not-the-password")
            .await
            .unwrap_err();
        assert_eq!(wrong, unknown);
        assert_eq!(
            wrong,
            AppError::Invalid {
                field: None,
                msg: Msg::LoginFailed
            }
        );
        assert!(c.session.is_none());
        w.finish().await;
    }
);

both_backends!(
    signing_in_opens_a_session_and_signing_out_ends_it,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut c = w.client();
        c.login("ADMIN ", ADMIN_PASSWORD)
            .await
            .expect("login is case-insensitive and trimmed");
        let token = c.session.clone().expect("session cookie");
        let me: Me = c.me().await;
        assert_eq!(me.user.expect("signed in").login, "admin");
        let _: () = c.call("logout", &[]).await.unwrap();
        assert!(c.session.is_none(), "logout clears the cookie");
        let mut replay = w.client();
        replay.session = Some(token);
        assert!(replay.me().await.user.is_none(), "the old token is dead");
        w.finish().await;
    }
);

both_backends!(
    signing_in_again_rotates_the_session_token,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut c = w.admin().await;
        let first = c.session.clone().unwrap();
        c.login("admin", ADMIN_PASSWORD).await.unwrap();
        let second = c.session.clone().unwrap();
        assert_ne!(first, second);
        let mut old = w.client();
        old.session = Some(first);
        assert!(old.me().await.user.is_none());
        assert!(c.me().await.user.is_some());
        w.finish().await;
    }
);

both_backends!(
    sessions_expire_after_idling_and_after_their_absolute_lifetime,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut c = w.admin().await;
        w.server.clock.advance_secs(29 * 60);
        assert!(
            c.me().await.user.is_some(),
            "activity within the idle limit"
        );
        w.server.clock.advance_secs(29 * 60);
        assert!(
            c.me().await.user.is_some(),
            "each request refreshes the idle limit"
        );
        w.server.clock.advance_secs(31 * 60);
        assert!(c.me().await.user.is_none(), "idle for more than 30 minutes");

        c.login("admin", ADMIN_PASSWORD).await.unwrap();
        for _ in 0..25 {
            w.server.clock.advance_secs(29 * 60);
            let _ = c.me().await;
        }
        assert!(
            c.me().await.user.is_none(),
            "12 hours is the absolute limit"
        );
        w.finish().await;
    }
);

both_backends!(
    repeated_failures_are_slowed_down_but_the_owner_gets_back_in,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut c = w.client();
        for _ in 0..5 {
            assert!(matches!(
                c.login("admin", "wrong-password").await,
                Err(AppError::Invalid { .. })
            ));
        }
        let _ = c.login("admin", "wrong-password").await;
        let err = c.login("admin", ADMIN_PASSWORD).await.unwrap_err();
        assert!(
            matches!(err, AppError::Throttled { retry_after_secs } if retry_after_secs >= 1),
            "{err:?}"
        );
        w.server.clock.advance_secs(61);
        c.login("admin", ADMIN_PASSWORD)
            .await
            .expect("the owner signs in once the delay passed");
        w.finish().await;
    }
);

both_backends!(
    a_new_user_must_change_the_password_before_doing_anything_else,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let list = units(&mut admin).await;
        let root = unit_id(&list, "3301");
        create_user(
            &mut admin,
            "li.ming",
            &root,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap();

        let mut u = w.client();
        u.login("li.ming", "Initial-pass-1").await.unwrap();
        assert!(u.me().await.user.unwrap().must_change_password);
        assert_eq!(
            u.call::<Vec<UnitView>>("units/list", &[])
                .await
                .unwrap_err(),
            AppError::PasswordChangeRequired
        );

        let weak = u
            .call::<()>(
                "password",
                &[
                    ("current_password", "Initial-pass-1"),
                    ("new_password", "12345678"),
                    ("confirm", "12345678"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(
            weak,
            AppError::Invalid {
                field: Some("new_password".into()),
                msg: Msg::ErrPasswordCommon
            }
        );
        let mismatch = u
            .call::<()>(
                "password",
                &[
                    ("current_password", "Initial-pass-1"),
                    ("new_password", "New-pass-2026"),
                    ("confirm", "New-pass-2027"),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(
            mismatch,
            AppError::Invalid {
                field: Some("confirm".into()),
                msg: Msg::ErrPasswordMismatch
            }
        );

        let before = u.session.clone().unwrap();
        let _: () = u
            .call(
                "password",
                &[
                    ("current_password", "Initial-pass-1"),
                    ("new_password", "New-pass-2026"),
                    ("confirm", "New-pass-2026"),
                ],
            )
            .await
            .unwrap();
        assert_ne!(
            u.session.clone().unwrap(),
            before,
            "a password change rotates the session"
        );
        assert!(!u.me().await.user.unwrap().must_change_password);
        let mut again = w.client();
        assert!(again.login("li.ming", "Initial-pass-1").await.is_err());
        again.login("li.ming", "New-pass-2026").await.unwrap();
        w.finish().await;
    }
);

both_backends!(
    disabling_a_user_ends_their_sessions_and_blocks_sign_in,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let root = unit_id(&units(&mut admin).await, "3301");
        create_user(
            &mut admin,
            "wang.er",
            &root,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap();
        let mut u = w.client();
        u.login("wang.er", "Initial-pass-1").await.unwrap();
        let id = find_user(&mut admin, "wang.er").await.id.to_string();

        let _: () = admin
            .call("users/active", &[("id", &id), ("active", "false")])
            .await
            .unwrap();
        assert!(u.me().await.user.is_none());
        assert!(w.client().login("wang.er", "Initial-pass-1").await.is_err());
        assert!(!find_user(&mut admin, "wang.er").await.active);

        let _: () = admin
            .call("users/active", &[("id", &id), ("active", "true")])
            .await
            .unwrap();
        w.client().login("wang.er", "Initial-pass-1").await.unwrap();

        let me_id = admin.me().await.user.unwrap().id.to_string();
        let err = admin
            .call::<()>("users/active", &[("id", &me_id), ("active", "false")])
            .await
            .unwrap_err();
        assert_eq!(
            err,
            AppError::Invalid {
                field: Some("active".into()),
                msg: Msg::ErrCannotDisableSelf
            }
        );
        w.finish().await;
    }
);

both_backends!(
    a_password_reset_ends_sessions_and_forces_a_change,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let root = unit_id(&units(&mut admin).await, "3301");
        create_user(
            &mut admin,
            "zhao.liu",
            &root,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap();
        let id = find_user(&mut admin, "zhao.liu").await.id.to_string();
        let mut u = w.client();
        u.login("zhao.liu", "Initial-pass-1").await.unwrap();
        let _: () = u
            .call(
                "password",
                &[
                    ("current_password", "Initial-pass-1"),
                    ("new_password", "Own-pass-2026"),
                    ("confirm", "Own-pass-2026"),
                ],
            )
            .await
            .unwrap();

        let _: () = admin
            .call(
                "users/reset-password",
                &[("id", &id), ("new_password", "Reset-pass-2026")],
            )
            .await
            .unwrap();
        assert!(u.me().await.user.is_none());
        u.login("zhao.liu", "Reset-pass-2026").await.unwrap();
        assert!(u.me().await.user.unwrap().must_change_password);

        let n: u64 = admin
            .call("users/end-sessions", &[("id", &id)])
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert!(u.me().await.user.is_none());
        w.finish().await;
    }
);

both_backends!(
    duplicate_logins_and_unit_codes_are_conflicts_with_clear_messages,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let root = unit_id(&units(&mut admin).await, "3301");
        create_user(
            &mut admin,
            "sun.qi",
            &root,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap();
        let err = create_user(
            &mut admin,
            "Sun.Qi",
            &root,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap_err();
        assert_eq!(err, AppError::Conflict(Msg::ErrDuplicateLogin));
        create_unit(&mut admin, "A1", "甲区", &root).await.unwrap();
        let err = create_unit(&mut admin, "A1", "乙区", &root)
            .await
            .unwrap_err();
        assert_eq!(err, AppError::Conflict(Msg::ErrDuplicateUnitCode));
        let err = create_user(
            &mut admin,
            "x y",
            &root,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap_err();
        assert_eq!(
            err,
            AppError::Invalid {
                field: Some("login".into()),
                msg: Msg::ErrLoginFormat
            }
        );
        let err = create_user(&mut admin, "no.roles", &root, &[], "Initial-pass-1")
            .await
            .unwrap_err();
        assert_eq!(
            err,
            AppError::Invalid {
                field: Some("roles".into()),
                msg: Msg::ErrNoRole
            }
        );
        w.finish().await;
    }
);

both_backends!(
    the_unit_tree_refuses_cycles_and_silent_deletes,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let root = unit_id(&units(&mut admin).await, "3301");
        create_unit(&mut admin, "C1", "一县", &root).await.unwrap();
        let c1 = unit_id(&units(&mut admin).await, "C1");
        create_unit(&mut admin, "D1", "一县财政局", &c1)
            .await
            .unwrap();
        create_unit(&mut admin, "C2", "二县", &root).await.unwrap();
        let list = units(&mut admin).await;
        let (d1, c2) = (unit_id(&list, "D1"), unit_id(&list, "C2"));

        let err = admin
            .call::<()>(
                "units/update",
                &[
                    ("id", &c1),
                    ("code", "C1"),
                    ("name", "一县"),
                    ("parent_id", &d1),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(
            err,
            AppError::Invalid {
                field: Some("parent_id".into()),
                msg: Msg::ErrUnitCycle
            }
        );
        let err = admin
            .call::<()>(
                "units/update",
                &[
                    ("id", &c1),
                    ("code", "C1"),
                    ("name", "一县"),
                    ("parent_id", &c1),
                ],
            )
            .await
            .unwrap_err();
        assert_eq!(
            err,
            AppError::Invalid {
                field: Some("parent_id".into()),
                msg: Msg::ErrUnitCycle
            }
        );

        // Moving a county moves its departments with it.
        let _: () = admin
            .call(
                "units/update",
                &[
                    ("id", &c1),
                    ("code", "C1"),
                    ("name", "一县"),
                    ("parent_id", &c2),
                ],
            )
            .await
            .unwrap();
        let list = units(&mut admin).await;
        let depth = |code: &str| list.iter().find(|u| u.code == code).unwrap().depth;
        assert_eq!((depth("C2"), depth("C1"), depth("D1")), (1, 2, 3));

        let err = admin
            .call::<()>("units/delete", &[("id", &c1)])
            .await
            .unwrap_err();
        assert_eq!(err, AppError::Conflict(Msg::ErrUnitHasChildren));
        create_user(
            &mut admin,
            "in.d1",
            &d1,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap();
        let err = admin
            .call::<()>("units/delete", &[("id", &d1)])
            .await
            .unwrap_err();
        assert_eq!(err, AppError::Conflict(Msg::ErrUnitHasMembers));
        let _: () = admin
            .call("units/delete", &[("id", &c2)])
            .await
            .unwrap_err_or_ok_children();
        w.finish().await;
    }
);

trait ChildrenOk {
    fn unwrap_err_or_ok_children(self);
}

impl ChildrenOk for Result<(), AppError> {
    /// C2 still holds C1, so deleting it must be refused as well.
    fn unwrap_err_or_ok_children(self) {
        assert_eq!(
            self.unwrap_err(),
            AppError::Conflict(Msg::ErrUnitHasChildren)
        );
    }
}

both_backends!(
    an_organizer_sees_only_their_subtree,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let root = unit_id(&units(&mut admin).await, "3301");
        create_unit(&mut admin, "EAST", "东区", &root)
            .await
            .unwrap();
        create_unit(&mut admin, "WEST", "西区", &root)
            .await
            .unwrap();
        let list = units(&mut admin).await;
        let (east, west) = (unit_id(&list, "EAST"), unit_id(&list, "WEST"));
        create_user(
            &mut admin,
            "org.east",
            &east,
            &["role_organizer"],
            "Initial-pass-1",
        )
        .await
        .unwrap();
        create_user(
            &mut admin,
            "cand.east",
            &east,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap();
        create_user(
            &mut admin,
            "cand.west",
            &west,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap();

        let mut org = w.client();
        org.login("org.east", "Initial-pass-1").await.unwrap();
        let _: () = org
            .call(
                "password",
                &[
                    ("current_password", "Initial-pass-1"),
                    ("new_password", "East-pass-2026"),
                    ("confirm", "East-pass-2026"),
                ],
            )
            .await
            .unwrap();
        let seen: Vec<String> = org
            .call::<Vec<UnitView>>("units/list", &[])
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(seen, vec!["EAST".to_owned()]);
        let page: Page<UserSummary> = org
            .call(
                "users/list",
                &[
                    ("query[q]", ""),
                    ("query[status]", "All"),
                    ("query[page]", "1"),
                ],
            )
            .await
            .unwrap();
        let logins: Vec<_> = page.items.iter().map(|u| u.login.as_str()).collect();
        assert!(
            logins.contains(&"cand.east") && !logins.contains(&"cand.west"),
            "{logins:?}"
        );
        let err = org
            .call::<()>(
                "units/create",
                &[("code", "X"), ("name", "x"), ("parent_id", &east)],
            )
            .await
            .unwrap_err();
        assert_eq!(err, AppError::Forbidden, "organizers do not manage units");
        w.finish().await;
    }
);

both_backends!(
    user_search_finds_chinese_substrings_and_pages_results,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let root = unit_id(&units(&mut admin).await, "3301");
        for i in 0..25 {
            let login = format!("user{i:02}");
            admin
                .call::<()>(
                    "users/create",
                    &[
                        ("login", login.as_str()),
                        ("display_name", &format!("欧阳修{i}")),
                        ("unit_id", &root),
                        ("scope_unit_id", ""),
                        ("rank_tag", ""),
                        ("initial_password", "Initial-pass-1"),
                        ("role_candidate", "on"),
                    ],
                )
                .await
                .unwrap();
        }
        let page: Page<UserSummary> = admin
            .call(
                "users/list",
                &[
                    ("query[q]", "阳修"),
                    ("query[status]", "All"),
                    ("query[page]", "2"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(page.total, 25);
        assert_eq!(page.page, 2);
        assert_eq!(page.items.len(), 5);
        let none: Page<UserSummary> = admin
            .call(
                "users/list",
                &[
                    ("query[q]", "100%"),
                    ("query[status]", "All"),
                    ("query[page]", "1"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(none.total, 0, "LIKE wildcards in the search are literal");
        w.finish().await;
    }
);

/// Creates a candidate under `unit` with the given `email` field.
async fn create_with_email(
    c: &mut Client,
    login: &str,
    unit: &str,
    email: &str,
) -> Result<(), AppError> {
    c.call(
        "users/create",
        &[
            ("login", login),
            ("display_name", "测试用户"),
            ("unit_id", unit),
            ("scope_unit_id", ""),
            ("role_candidate", "on"),
            ("rank_tag", ""),
            ("initial_password", "Initial-pass-1"),
            ("email", email),
        ],
    )
    .await
}

/// The edit form of a candidate `name` under `unit`, with `email` if given.
fn edit_form<'a>(
    id: &'a str,
    unit: &'a str,
    name: &'a str,
    email: Option<&'a str>,
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("id", id),
        ("display_name", name),
        ("unit_id", unit),
        ("scope_unit_id", ""),
        ("role_candidate", "on"),
        ("rank_tag", ""),
    ];
    form.extend(email.map(|e| ("email", e)));
    form
}

both_backends!(
    an_admin_sets_changes_and_clears_a_users_email_and_a_malformed_one_is_refused,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let root = unit_id(&units(&mut admin).await, "3301");
        let invalid = AppError::Invalid {
            field: Some("email".into()),
            msg: Msg::ErrEmailInvalid,
        };

        // Created with an address (trimmed); a user created without the field has none.
        create_with_email(&mut admin, "li.ming", &root, " li.ming@example.org ")
            .await
            .unwrap();
        let li = find_user(&mut admin, "li.ming").await;
        assert_eq!(li.email.as_deref(), Some("li.ming@example.org"));
        create_user(
            &mut admin,
            "no.mail",
            &root,
            &["role_candidate"],
            "Initial-pass-1",
        )
        .await
        .unwrap();
        assert_eq!(find_user(&mut admin, "no.mail").await.email, None);

        // A malformed address is refused on creation, and nobody is created.
        for bad in [
            "li.ming.example.org",
            "li ming@example.org",
            "a@b@c",
            "@example.org",
        ] {
            let refused = create_with_email(&mut admin, "bad.mail", &root, bad)
                .await
                .unwrap_err();
            assert_eq!(refused, invalid, "{bad:?}");
        }
        let page: Page<UserSummary> = admin
            .call(
                "users/list",
                &[
                    ("query[q]", "bad.mail"),
                    ("query[status]", "All"),
                    ("query[page]", "1"),
                ],
            )
            .await
            .unwrap();
        assert!(page.items.is_empty());

        // Changed; a malformed change is refused and saves nothing.
        let id = li.id.to_string();
        let _: () = admin
            .call(
                "users/update",
                &edit_form(&id, &root, "李明", Some("ming.li@example.cn")),
            )
            .await
            .unwrap();
        assert_eq!(
            find_user(&mut admin, "li.ming").await.email.as_deref(),
            Some("ming.li@example.cn")
        );
        let page = admin
            .get(&format!("/admin/users/{id}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(r#"name="email""#) && page.contains(r#"value="ming.li@example.cn""#),
            "the edit form shows the address"
        );
        let refused = admin
            .call::<()>(
                "users/update",
                &edit_form(&id, &root, "李小明", Some("ming.li@")),
            )
            .await
            .unwrap_err();
        assert_eq!(refused, invalid);
        let li = find_user(&mut admin, "li.ming").await;
        assert_eq!(li.email.as_deref(), Some("ming.li@example.cn"));
        assert_eq!(li.display_name, "李明");
        // An emptied field clears it (a form without the field, too).
        let _: () = admin
            .call("users/update", &edit_form(&id, &root, "李明", Some("")))
            .await
            .unwrap();
        assert_eq!(find_user(&mut admin, "li.ming").await.email, None);
        let _: () = admin
            .call(
                "users/update",
                &edit_form(&id, &root, "李明", Some("ming.li@example.cn")),
            )
            .await
            .unwrap();
        let _: () = admin
            .call("users/update", &edit_form(&id, &root, "李明", None))
            .await
            .unwrap();
        assert_eq!(find_user(&mut admin, "li.ming").await.email, None);

        // A refused plain-form post sends the typed address back to the form.
        let referer = w.server.url(&format!("/admin/users/{id}"));
        let res = admin
            .http
            .post(w.server.url("/api/users/update"))
            .header("accept", "text/html")
            .header("referer", &referer)
            .header(
                "cookie",
                format!("examhall_session={}", admin.session.clone().unwrap()),
            )
            .form(&edit_form(&id, &root, "李明", Some("not-an-address")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        let loc = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            loc.starts_with(&referer) && loc.contains("&email=not-an-address"),
            "{loc}"
        );
        assert_eq!(find_user(&mut admin, "li.ming").await.email, None);
        let path = loc.trim_start_matches(&w.server.url(""));
        let page = admin.get(path).await.text().await.unwrap();
        assert!(
            page.contains(r#"value="not-an-address""#),
            "the form comes back with the address typed"
        );
        w.finish().await;
    }
);
