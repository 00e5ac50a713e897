//! What the HTTP layer guarantees: health and metrics, security headers, refusal of
//! cross-site writes, plain-form (no JavaScript) posts, languages, imports and audit.

mod common;

use app::accounts::model::Page;
use app::accounts::model::{ImportPreview, UnitView};
use app::audit::model::AuditEntry;
use app::error::AppError;
use app::i18n::Msg;
use common::{Backend, World, ADMIN_PASSWORD};

both_backends!(
    health_and_metrics_answer_and_count_requests,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut c = w.client();
        let res = c.get("/healthz").await;
        assert_eq!(res.status(), 200);
        assert!(res.headers().contains_key("x-request-id"));
        let _ = c.get("/login").await;
        let text = c.get("/metrics").await.text().await.unwrap();
        assert!(
            text.contains("# TYPE examhall_http_requests_total counter"),
            "{text}"
        );
        assert!(
            text.contains("route=\"/healthz\",status=\"200\"} 1"),
            "{text}"
        );
        assert!(
            text.contains(
                "examhall_http_request_duration_seconds_bucket{method=\"GET\",route=\"/login\""
            ),
            "{text}"
        );
        w.finish().await;
    }
);

both_backends!(
    pages_carry_a_nonce_csp_and_the_other_security_headers,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut c = w.client();
        let res = c.get("/login").await;
        assert_eq!(res.status(), 200);
        let h = res.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap().to_owned();
        let body = res.text().await.unwrap();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .expect("nonce in CSP");
        assert!(
            body.contains(&format!("nonce=\"{nonce}\"")),
            "inline scripts carry the CSP nonce"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert_eq!(h["x-frame-options"], "DENY");
        w.finish().await;
    }
);

both_backends!(
    writes_from_another_origin_are_refused,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let c = w.client();
        let res = c
            .http
            .post(w.server.url("/api/login"))
            .header("origin", "http://evil.example")
            .form(&[("login", "admin"), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        assert!(res.headers().get("set-cookie").is_none());
        let res = c
            .http
            .post(w.server.url("/api/login"))
            .header("origin", format!("http://{}", w.server.addr))
            .form(&[("login", "admin"), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "same-origin writes pass");
        w.finish().await;
    }
);

both_backends!(
    plain_form_posts_redirect_and_carry_errors_back,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let c = w.client();
        let referer = w.server.url("/login");
        let bad = c
            .http
            .post(w.server.url("/api/login"))
            .header("accept", "text/html")
            .header("referer", &referer)
            .form(&[("login", "admin"), ("password", "wrong-one")])
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 302);
        let loc = bad.headers()["location"].to_str().unwrap().to_owned();
        assert!(loc.starts_with(&referer) && loc.contains("__err="), "{loc}");
        let page = c.http.get(&loc).send().await.unwrap().text().await.unwrap();
        assert!(
            page.contains("登录名或密码错误"),
            "the error is rendered without JavaScript"
        );

        let good = c
            .http
            .post(w.server.url("/api/login"))
            .header("accept", "text/html")
            .header("referer", &referer)
            .form(&[("login", "admin"), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(good.status(), 302);
        assert_eq!(good.headers()["location"], "/");
        let cookie = good.headers()["set-cookie"].to_str().unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        w.finish().await;
    }
);

both_backends!(
    the_interface_language_follows_the_browser_then_the_choice,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut c = w.client();
        let zh = c.get("/login").await.text().await.unwrap();
        assert!(zh.contains("<html lang=\"zh-CN\"") && zh.contains("登录名"));
        let en = c
            .http
            .get(w.server.url("/login"))
            .header("accept-language", "en-US,en;q=0.9")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(en.contains("Login name"), "Accept-Language picks English");

        c.login("admin", ADMIN_PASSWORD).await.unwrap();
        let _: () = c.call("lang", &[("lang", "en")]).await.unwrap();
        let mut fresh = w.client();
        fresh.login("admin", ADMIN_PASSWORD).await.unwrap();
        assert_eq!(
            fresh.me().await.lang,
            app::i18n::Lang::En,
            "the choice is remembered per user"
        );
        let err = c.call::<()>("lang", &[("lang", "fr")]).await.unwrap_err();
        assert_eq!(
            err,
            AppError::Invalid {
                field: Some("lang".into()),
                msg: Msg::ErrBadRequest
            }
        );
        w.finish().await;
    }
);

async fn upload(
    c: &common::Client,
    name: &str,
    bytes: Vec<u8>,
    password: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        )
        .text("initial_password", password.to_owned());
    c.http
        .post(format!("http://{}/admin/import/upload", c.addr))
        .header(
            "cookie",
            format!("examhall_session={}", c.session.clone().unwrap()),
        )
        .multipart(form)
        .send()
        .await
        .unwrap()
}

both_backends!(
    an_import_previews_every_bad_row_then_commits_the_good_ones_once,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let csv = "登录名,姓名,单位代码,角色,职级类别\n\
               zhou.yi,周一,3301,考生,县处级副职\n\
               zhou.er,周二,NOPE,考生,\n\
               zhou.san,周三,3301,校长,\n\
               ,无名,3301,考生,\n\
               admin,重名,3301,考生,\n\
               zhou.si,周四,3301,\"考生,组织者\",\n";
        // GBK, as Chinese Excel saves CSV.
        let (gbk, _, _) = encoding_rs::GBK.encode(csv);
        let res = upload(&admin, "users.csv", gbk.into_owned(), "Batch-pass-2026").await;
        assert_eq!(res.status(), 303, "{:?}", res.text().await);
        let id = res.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/admin/import/")
            .to_owned();
        let preview: ImportPreview = admin.call("imports/get", &[("id", &id)]).await.unwrap();
        let good: Vec<_> = preview.good.iter().map(|r| r.login.as_str()).collect();
        assert_eq!(good, vec!["zhou.yi", "zhou.si"]);
        let mut bad: Vec<_> = preview.errors.iter().map(|e| (e.row, e.reason)).collect();
        bad.sort_by_key(|(r, _)| *r);
        assert_eq!(
            bad,
            vec![
                (3, Msg::RowUnknownUnit),
                (4, Msg::RowInvalidRole),
                (5, Msg::RowMissingField),
                (6, Msg::RowDuplicateLogin)
            ]
        );

        let n: u64 = admin.call("imports/commit", &[("id", &id)]).await.unwrap();
        assert_eq!(n, 2);
        let again = admin
            .call::<u64>("imports/commit", &[("id", &id)])
            .await
            .unwrap_err();
        assert_eq!(again, AppError::Conflict(Msg::ImportAlreadyCommitted));
        let mut u = w.client();
        u.login("zhou.si", "Batch-pass-2026").await.unwrap();
        let me = u.me().await.user.unwrap();
        assert!(me.must_change_password && me.roles.candidate && me.roles.organizer);

        let res = upload(
            &admin,
            "users.xls",
            b"\xD0\xCF\x11\xE0 not a workbook".to_vec(),
            "Batch-pass-2026",
        )
        .await;
        assert_eq!(
            res.headers()["location"],
            "/admin/import?error=ErrFileFormat"
        );
        let res = upload(&admin, "users.csv", csv.as_bytes().to_vec(), "123").await;
        assert_eq!(
            res.headers()["location"],
            "/admin/import?error=ErrPasswordTooShort"
        );
        w.finish().await;
    }
);

both_backends!(
    an_import_whose_login_was_taken_meanwhile_commits_nothing,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let csv = "登录名,姓名,单位代码,角色\nqian.yi,钱一,3301,考生\nqian.er,钱二,3301,考生\n";
        let res = upload(&admin, "u.csv", csv.as_bytes().to_vec(), "Batch-pass-2026").await;
        let id = res.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/admin/import/")
            .to_owned();
        let root = admin
            .call::<Vec<UnitView>>("units/list", &[])
            .await
            .unwrap()[0]
            .id
            .to_string();
        let _: () = admin
            .call(
                "users/create",
                &[
                    ("login", "qian.er"),
                    ("display_name", "抢先"),
                    ("unit_id", &root),
                    ("scope_unit_id", ""),
                    ("rank_tag", ""),
                    ("initial_password", "Initial-pass-1"),
                    ("role_candidate", "on"),
                ],
            )
            .await
            .unwrap();
        let err = admin
            .call::<u64>("imports/commit", &[("id", &id)])
            .await
            .unwrap_err();
        assert_eq!(err, AppError::Conflict(Msg::ErrDuplicateLogin));
        assert!(
            w.client()
                .login("qian.yi", "Batch-pass-2026")
                .await
                .is_err(),
            "nothing of the batch was applied"
        );
        w.finish().await;
    }
);

both_backends!(
    the_audit_log_records_sign_ins_and_changes_and_cannot_be_rewritten,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let _ = w.client().login("admin", "wrong-password").await;
        let mut admin = w.admin().await;
        let root = admin
            .call::<Vec<UnitView>>("units/list", &[])
            .await
            .unwrap()[0]
            .id
            .to_string();
        let _: () = admin
            .call(
                "units/create",
                &[("code", "AU1"), ("name", "审计区"), ("parent_id", &root)],
            )
            .await
            .unwrap();
        let page: Page<AuditEntry> = admin
            .call(
                "audit/list",
                &[("action", ""), ("actor", ""), ("page", "1")],
            )
            .await
            .unwrap();
        let actions: Vec<_> = page.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            vec!["unit.created", "login.succeeded", "login.failed"]
        );
        assert!(page.items.iter().all(|e| e.client_addr == "127.0.0.1"));
        let failed: Page<AuditEntry> = admin
            .call(
                "audit/list",
                &[("action", "login.failed"), ("actor", ""), ("page", "1")],
            )
            .await
            .unwrap();
        assert_eq!(failed.total, 1);

        let mut tx = w.server.state.db.begin().await.unwrap();
        let update = app::sql!(&mut tx, |c| sqlx::query(
            "UPDATE audit_log SET actor_login = 'someone'"
        )
        .execute(&mut *c)
        .await
        .map(|_| ()));
        assert!(update.is_err(), "audit rows cannot be updated");
        drop(tx);
        let mut tx = w.server.state.db.begin().await.unwrap();
        let delete = app::sql!(&mut tx, |c| sqlx::query("DELETE FROM audit_log")
            .execute(&mut *c)
            .await
            .map(|_| ()));
        assert!(delete.is_err(), "audit rows cannot be deleted");
        drop(tx);
        w.finish().await;
    }
);

both_backends!(
    ten_thousand_users_import_in_one_go,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let mut csv = String::from("\u{feff}登录名,姓名,单位代码,角色\n");
        for i in 0..10_000 {
            csv.push_str(&format!("bulk{i:05},批量{i},3301,考生\n"));
        }
        let res = upload(&admin, "bulk.csv", csv.into_bytes(), "Batch-pass-2026").await;
        assert_eq!(res.status(), 303);
        let id = res.headers()["location"]
            .to_str()
            .unwrap()
            .trim_start_matches("/admin/import/")
            .to_owned();
        let preview: ImportPreview = admin.call("imports/get", &[("id", &id)]).await.unwrap();
        assert_eq!((preview.good.len(), preview.errors.len()), (10_000, 0));
        let n: u64 = admin.call("imports/commit", &[("id", &id)]).await.unwrap();
        assert_eq!(n, 10_000);
        let page: Page<app::accounts::model::UserSummary> = admin
            .call(
                "users/list",
                &[
                    ("query[q]", "bulk"),
                    ("query[status]", "All"),
                    ("query[page]", "1"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(page.total, 10_000);
        w.server.clock.advance_secs(1);
        w.client()
            .login("bulk09999", "Batch-pass-2026")
            .await
            .unwrap();
        w.finish().await;
    }
);

both_backends!(
    refused_server_function_calls_carry_a_matching_status,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut anon = w.client();
        let res = anon
            .call_raw(
                "users/list",
                &[
                    ("query[q]", ""),
                    ("query[status]", "All"),
                    ("query[page]", "1"),
                ],
            )
            .await;
        assert_eq!(res.status(), 401);
        assert_eq!(
            res.json::<AppError>().await.unwrap(),
            AppError::Unauthenticated
        );
        let res = anon
            .call_raw(
                "login",
                &[("login", "admin"), ("password", "wrong-password")],
            )
            .await;
        assert_eq!(res.status(), 400);
        w.finish().await;
    }
);

both_backends!(
    a_rejected_plain_form_edit_comes_back_with_the_values_typed,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let east = w.unit(&mut admin, "EAST", "东区", "3301").await;
        let cookie = format!("examhall_session={}", admin.session.clone().unwrap());
        // Renaming the unit to an existing code fails; the page comes back with what was
        // typed (not the stored values) and the error.
        let referer = w.server.url(&format!("/admin/units/{east}"));
        let res = admin
            .http
            .post(w.server.url("/api/units/update"))
            .header("accept", "text/html")
            .header("referer", &referer)
            .header("cookie", &cookie)
            .form(&[
                ("id", east.as_str()),
                ("code", "3301"),
                ("name", "改过的名字"),
                ("parent_id", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        let loc = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(loc.starts_with(&referer) && loc.contains("__err="), "{loc}");
        let page = admin
            .http
            .get(&loc)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("改过的名字"),
            "the typed name is back in the form"
        );
        w.finish().await;
    }
);

both_backends!(the_unit_list_is_paginated, |b: Backend| async move {
    let Some(w) = World::new(b).await else { return };
    let mut admin = w.admin().await;
    let units: Vec<app::accounts::model::UnitView> = admin.call("units/list", &[]).await.unwrap();
    let root = units[0].id.to_string();
    for i in 0..105 {
        let code = format!("U{i:03}");
        let _: () = admin
            .call(
                "units/create",
                &[
                    ("code", code.as_str()),
                    ("name", "单位"),
                    ("parent_id", root.as_str()),
                ],
            )
            .await
            .unwrap();
    }
    // The new-unit form lists every unit as a parent; only the table is paginated.
    let table = |page: String| {
        let start = page.find("<table").expect("a unit table");
        let end = page[start..].find("</table>").expect("table end") + start;
        page[start..end].to_owned()
    };
    let first_page = admin.get("/admin/units").await.text().await.unwrap();
    assert!(
        first_page.contains("rel=\"next\""),
        "a link to the next page"
    );
    let first = table(first_page);
    assert!(
        first.contains(">U000<") && !first.contains(">U104<"),
        "page 1 holds the first 100"
    );
    let second = table(admin.get("/admin/units?page=2").await.text().await.unwrap());
    assert!(
        second.contains(">U104<") && !second.contains(">U000<"),
        "page 2 holds the rest"
    );
    w.finish().await;
});

both_backends!(
    every_page_request_gets_a_whole_page_when_many_arrive_at_once,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let admin = w.admin().await;
        let mut set = tokio::task::JoinSet::new();
        // Signed-out and signed-in frames alike: a render that panics or never finishes
        // shows up as a dropped connection or a cut-off body.
        for i in 0..300 {
            let (mut c, path) = if i % 2 == 0 {
                (w.client(), "/login")
            } else {
                (admin.on(admin.addr), "/")
            };
            set.spawn(async move {
                let res = c.get(path).await;
                let status = res.status().as_u16();
                let body = res.text().await.expect("whole body");
                // Leptos writes this script last, after every streamed chunk.
                (
                    status,
                    body.contains("</html>") && body.contains("__INCOMPLETE_CHUNKS"),
                )
            });
        }
        let mut whole = 0;
        while let Some(r) = set.join_next().await {
            let (status, complete) = r.expect("request completed");
            assert_eq!(status, 200);
            assert!(complete, "the page was streamed to its end");
            whole += 1;
        }
        assert_eq!(whole, 300);
        w.finish().await;
    }
);
