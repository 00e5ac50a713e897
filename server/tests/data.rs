//! The data layer's promises: several app servers on one PostgreSQL behave as one,
//! SQLite takes concurrent writes without "database is locked", and a database from a
//! newer schema is refused at start with a clear message.

mod common;

use std::sync::Arc;

use app::accounts::model::UnitView;
use app::db::DbError;
use app::server::ManualClock;
use common::{start_server, Backend, Client, TestDb, World, ADMIN_PASSWORD, T0};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_app_servers_on_one_postgres_share_sessions_and_logouts() {
    let Some(db) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let one = start_server(&db.url, ManualClock::new(T0)).await;
    let two = start_server(&db.url, ManualClock::new(T0)).await;
    server::seed::create_admin(
        &one.state,
        "admin",
        "管理员",
        ADMIN_PASSWORD,
        Some(("3301", "示例市")),
    )
    .await
    .unwrap();

    let mut via_one = Client::new(one.addr);
    via_one.login("admin", ADMIN_PASSWORD).await.unwrap();
    let mut via_two = via_one.on(two.addr);
    assert_eq!(
        via_two
            .me()
            .await
            .user
            .expect("session valid on the other server")
            .login,
        "admin"
    );

    let root = via_two
        .call::<Vec<UnitView>>("units/list", &[])
        .await
        .unwrap()[0]
        .id
        .to_string();
    let _: () = via_two
        .call(
            "units/create",
            &[
                ("code", "C2"),
                ("name", "二号服务器建"),
                ("parent_id", &root),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        via_one
            .call::<Vec<UnitView>>("units/list", &[])
            .await
            .unwrap()
            .len(),
        2
    );

    let _: () = via_two.call("logout", &[]).await.unwrap();
    assert!(
        via_one.me().await.user.is_none(),
        "a logout through one server ends the session on both"
    );

    one.stop().await;
    two.stop().await;
    db.drop_db().await;
}

both_backends!(concurrent_writes_all_succeed, |b: Backend| async move {
    let Some(w) = World::new(b).await else { return };
    let mut admin = w.admin().await;
    let root = admin
        .call::<Vec<UnitView>>("units/list", &[])
        .await
        .unwrap()[0]
        .id
        .to_string();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let mut c = admin.on(w.server.addr);
        let root = root.clone();
        tasks.push(tokio::spawn(async move {
            let code = format!("P{i}");
            c.call::<()>(
                "units/create",
                &[
                    ("code", code.as_str()),
                    ("name", "并发"),
                    ("parent_id", &root),
                ],
            )
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("every concurrent write succeeds");
    }
    assert_eq!(
        admin
            .call::<Vec<UnitView>>("units/list", &[])
            .await
            .unwrap()
            .len(),
        41
    );
    w.finish().await;
});

both_backends!(
    a_database_with_a_newer_schema_is_refused_at_start,
    |b: Backend| async move {
        let Some(db) = TestDb::new(b).await else {
            return;
        };
        let s = start_server(&db.url, ManualClock::new(T0)).await;
        let mut tx = s.state.db.begin().await.unwrap();
        app::sql!(&mut tx, |c| {
            sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', TRUE, $1, 0)"
    )
    .bind(vec![0u8; 48])
    .execute(&mut *c)
    .await
    .map(|_| ())
        })
        .unwrap();
        tx.commit().await.unwrap();
        s.stop().await;
        let err = match server::build_state(
            &common::test_config(&db.url),
            Arc::new(ManualClock::new(T0)),
        )
        .await
        {
            Ok(_) => panic!("a newer schema must be refused"),
            Err(e) => e,
        };
        assert!(
            matches!(err, DbError::SchemaNewer(99990101000000)),
            "{err:?}"
        );
        assert!(err.to_string().contains("does not know"), "{err}");
        db.drop_db().await;
    }
);

both_backends!(
    restarting_on_the_same_database_keeps_everything,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut c = w.admin().await;
        let url = w.db.url.clone();
        let World { db, server } = w;
        server.stop().await;
        let again = start_server(&url, ManualClock::new(T0)).await;
        let mut c2 = c.on(again.addr);
        assert!(
            c2.me().await.user.is_some(),
            "sessions live in the database, not in the process"
        );
        c.addr = again.addr;
        assert!(c.me().await.user.is_some());
        again.stop().await;
        db.drop_db().await;
    }
);

both_backends!(
    stale_sessions_are_purged_and_live_ones_counted,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut admin = w.admin().await;
        let mut other = w.client();
        other.login("admin", ADMIN_PASSWORD).await.unwrap();
        let stats: app::accounts::model::AdminStats = admin.call("admin/stats", &[]).await.unwrap();
        assert_eq!((stats.users, stats.units, stats.active_sessions), (1, 1, 2));

        w.server.clock.advance_secs(31 * 60);
        let now = w.server.state.clock.now();
        let cutoff = now.plus_secs(-w.server.state.sessions.idle_secs);
        let mut tx = w.server.state.db.begin().await.unwrap();
        let purged = app::accounts::repo::delete_stale_sessions(&mut tx, now, cutoff)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(purged, 2, "both sessions idled out");
        let mut c = w.server.state.db.read().await.unwrap();
        assert_eq!(
            app::accounts::repo::count_live_sessions(&mut c, now, cutoff)
                .await
                .unwrap(),
            0
        );
        drop(c);
        w.finish().await;
    }
);
