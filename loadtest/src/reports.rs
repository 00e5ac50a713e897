//! The report benchmark (issue 6, "Scale"): report pages over a year of generated
//! history, and whether report traffic slows the grading of new attempts.
//!
//! 1. Generates the history ([`crate::reportdata`]: 500 units, 10,000 candidates, 50
//!    exams, 100,000 attempts) into a fresh database, and next to it the usual fixture
//!    (two open sittings of candidates with sessions) for the grading measurement.
//! 2. Starts the release server on it and polls the database until the job runner has
//!    built the aggregates from scratch (`report_stale` empty): the catch-up figure.
//! 3. Signs in as the global administrator over HTTP and requests every page of
//!    [`PAGES`] `--requests` times at each level of `--clients` (concurrent browsers,
//!    default 1 then 4), rotating over the exams, sittings, candidates and units so no
//!    single page stays hot. A page that answers 404 is reported as not built yet
//!    rather than failing the run.
//! 4. Grading: the fixture's candidates start their attempts and their answers are
//!    filled in directly (as in T4). Then one sitting submits at a steady rate with
//!    nothing else running, and one more sitting per level of `--traffic-clients` at the
//!    same rate while that many browsers request report pages back to back. Each
//!    phase's submit latencies (the submit request grades the attempt before it
//!    answers) are printed, with how long each graded attempt took to show in the
//!    aggregates (watched from outside every 100 ms).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::attempts::model::AttemptId;
use app::db::Db;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::fixture::{self, Candidate, Spec};
use crate::harness::{free_addr, ServerProc, TempDir};
use crate::http::{wait_healthy, Http};
use crate::reportdata::{self, GenSpec, Generated};
use crate::scenarios::{proc_cpu_secs, start_many, Common};
use crate::stats::{Row, Samples, Summary};

/// The report pages measured, as (name, path). `{exam}`, `{sitting}`, `{user}` and
/// `{unit}` are replaced by generated ids, rotating per request. Adjust here as pages
/// are added or renamed. (The unit ranking is the units page: `by=pass|mean` orders the
/// children, `bottom=N` marks the weakest.)
pub const PAGES: &[(&str, &str)] = &[
    ("exam overview", "/organize/exams/{exam}/report"),
    ("sitting report", "/organize/sittings/{sitting}/report"),
    ("units, one exam", "/reports/units?exam={exam}"),
    (
        "units, 2026",
        "/reports/units?from=2026-01-01&to=2026-12-31",
    ),
    (
        "ranking by mean, 2026",
        "/reports/units?from=2026-01-01&to=2026-12-31&by=mean&bottom=5",
    ),
    (
        "one unit, 2026",
        "/reports/units?unit={unit}&from=2026-01-01&to=2026-12-31",
    ),
    ("item analysis", "/organize/exams/{exam}/items"),
    ("person", "/reports/people/{user}"),
];

/// The p95 every report page must stay under.
pub const TARGET_P95_MS: f64 = 500.0;

#[derive(Debug, Clone)]
pub struct ReportsOpts {
    pub spec: GenSpec,
    /// Generate into this (empty) database instead of a temporary SQLite file.
    pub db: Option<String>,
    /// Measured requests per page.
    pub requests: usize,
    /// Concurrent browsers per page; each level is measured in turn.
    pub clients: Vec<usize>,
    /// Candidates per grading phase (one quiet, one per traffic level).
    pub grade_candidates: usize,
    /// Submissions per second in each grading phase.
    pub grade_rate: f64,
    /// Browsers requesting report pages back to back, one grading phase per level.
    pub traffic_clients: Vec<usize>,
    /// How long the aggregates may take to catch up before the run goes on without.
    pub catch_up_s: u64,
}

/// A page path with its placeholders filled for request number `i`.
pub fn fill(template: &str, i: usize, g: &Generated) -> String {
    let pick = |v: &[Uuid]| {
        v.get(i % v.len().max(1))
            .map(Uuid::to_string)
            .unwrap_or_default()
    };
    template
        .replace(
            "{exam}",
            &pick(&g.exams.iter().map(|e| e.0).collect::<Vec<_>>()),
        )
        .replace("{sitting}", &pick(&g.sittings))
        .replace(
            "{user}",
            &pick(&g.people.iter().map(|u| u.0).collect::<Vec<_>>()),
        )
        .replace(
            "{unit}",
            &pick(&g.units.iter().map(|u| u.0).collect::<Vec<_>>()),
        )
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn e(what: &'static str) -> impl FnOnce(sqlx::Error) -> String {
    move |e| format!("{what}: {e}")
}

/// Polls `report_stale` until it is empty. Gives up after `limit`, or when the count
/// has not gone down for `stall` (a build whose job runner does not refresh yet).
/// Returns the seconds it took, or `None` with what was left.
async fn wait_aggregates(
    db: &Db,
    limit: Duration,
    stall: Duration,
    verbose: bool,
) -> Result<(Option<f64>, i64), String> {
    let started = Instant::now();
    let mut best = i64::MAX;
    let mut best_at = Instant::now();
    let mut said = Instant::now();
    loop {
        let n = {
            let mut c = db.read().await.map_err(e("read"))?;
            reportdata::stale_count(&mut c).await?
        };
        if n == 0 {
            return Ok((Some(started.elapsed().as_secs_f64()), 0));
        }
        if n < best {
            best = n;
            best_at = Instant::now();
        }
        if started.elapsed() > limit || best_at.elapsed() > stall {
            return Ok((None, n));
        }
        if verbose && said.elapsed() > Duration::from_secs(10) {
            eprintln!(
                "  {n} (exam, candidate) pairs still stale after {:.0} s",
                started.elapsed().as_secs_f64()
            );
            said = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Item analyses still waiting to be computed, if the table is there.
async fn items_pending(db: &Db) -> Result<i64, String> {
    let mut c = db.read().await.map_err(e("read"))?;
    app::sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM report_items WHERE stale_since IS NOT NULL"
    )
    .fetch_one(&mut *c)
    .await)
    .map_err(e("count report_items"))
}

/// What became of one page.
enum PageResult {
    Measured(Samples, f64),
    NotBuilt,
    Failed(u16, String),
}

/// Requests `template` `requests` times from `clients` browsers, after a short warm-up
/// that also tells whether the page exists.
async fn measure_page(
    addr: SocketAddr,
    token: &str,
    template: &str,
    g: &Arc<Generated>,
    requests: usize,
    clients: usize,
    save: Option<PathBuf>,
) -> Result<PageResult, String> {
    let mut probe = Http::with_session(addr, token);
    let mut not_found = 0;
    for i in 0..3 {
        let path = fill(template, i, g);
        match probe.get_page(&path).await {
            Ok(r) if r.status == 404 => not_found += 1,
            Ok(r) if r.ok() => {
                if let (0, Some(file)) = (i, &save) {
                    let _ = std::fs::write(file, &r.body);
                }
            }
            Ok(r) => {
                let text: String = r.text().chars().take(300).collect();
                return Ok(PageResult::Failed(r.status, format!("{path}: {text}")));
            }
            Err(err) => return Ok(PageResult::Failed(0, format!("{path}: {err}"))),
        }
    }
    if not_found == 3 {
        return Ok(PageResult::NotBuilt);
    }
    let next = Arc::new(AtomicUsize::new(0));
    let bytes = Arc::new(AtomicUsize::new(0));
    let origin = Instant::now();
    let mut set = JoinSet::new();
    for _ in 0..clients.max(1) {
        let (next, bytes, g) = (next.clone(), bytes.clone(), g.clone());
        let (token, template) = (token.to_owned(), template.to_owned());
        set.spawn(async move {
            let mut http = Http::with_session(addr, &token);
            let mut s = Samples::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let path = fill(&template, i, &g);
                let sent = Instant::now();
                match http.get_page(&path).await {
                    Ok(r) if r.ok() => {
                        s.record_ok(sent - origin, sent.elapsed());
                        bytes.fetch_add(r.body.len(), Ordering::Relaxed);
                    }
                    Ok(r) => s.record_err(r.status, || format!("{path}: {}", r.status)),
                    Err(err) => s.record_err(0, || format!("{path}: {err}")),
                }
            }
            s
        });
    }
    let mut all = Samples::default();
    while let Some(r) = set.join_next().await {
        all.merge(r.map_err(|e| e.to_string())?);
    }
    let kb = bytes.load(Ordering::Relaxed) as f64 / all.ok.len().max(1) as f64 / 1024.0;
    Ok(PageResult::Measured(all, kb))
}

/// Browsers requesting the given pages back to back until `stop`.
fn report_traffic(
    addr: SocketAddr,
    token: &str,
    templates: Vec<String>,
    g: &Arc<Generated>,
    clients: usize,
    origin: Instant,
    stop: Arc<AtomicBool>,
) -> JoinSet<Samples> {
    let mut set = JoinSet::new();
    if templates.is_empty() {
        return set;
    }
    let templates = Arc::new(templates);
    for k in 0..clients {
        let (g, stop, templates) = (g.clone(), stop.clone(), templates.clone());
        let token = token.to_owned();
        set.spawn(async move {
            let mut http = Http::with_session(addr, &token);
            let mut s = Samples::default();
            let mut i = k * 7;
            while !stop.load(Ordering::Relaxed) {
                let path = fill(&templates[i % templates.len()], i / templates.len(), &g);
                i += 1;
                let sent = Instant::now();
                match http.get_page(&path).await {
                    Ok(r) if r.ok() => s.record_ok(sent - origin, sent.elapsed()),
                    Ok(r) => s.record_err(r.status, || format!("{path}: {}", r.status)),
                    Err(err) => s.record_err(0, || format!("{path}: {err}")),
                }
            }
            s
        });
    }
    set
}

/// Submits each attempt at its slot of a steady `rate` per second, each candidate on
/// their own connection, as the submit button does. Returns the latencies and, per
/// candidate, when the acknowledgement arrived.
async fn submit_paced(
    addr: SocketAddr,
    cands: &[Candidate],
    ids: &[AttemptId],
    rate: f64,
    origin: Instant,
) -> Result<(Samples, HashMap<Uuid, Instant>), String> {
    let begin = Instant::now() + Duration::from_millis(100);
    let mut set = JoinSet::new();
    for (i, (c, id)) in cands.iter().zip(ids).enumerate() {
        let at = begin + Duration::from_secs_f64(i as f64 / rate.max(0.1));
        let token = c.token.clone();
        let user = c.user_id.0;
        let id = id.0.to_string();
        set.spawn(async move {
            let mut http = Http::with_session(addr, &token);
            tokio::time::sleep_until(at.into()).await;
            let mut s = Samples::default();
            let sent = Instant::now();
            let acked = match http
                .post_form("/api/attempts/submit", &[("attempt_id", id.as_str())])
                .await
            {
                Ok(r) if r.ok() => {
                    s.record_ok(sent - origin, sent.elapsed());
                    Some(Instant::now())
                }
                Ok(r) => {
                    s.record_err(r.status, || r.text());
                    None
                }
                Err(err) => {
                    s.record_err(0, || err.to_string());
                    None
                }
            };
            (user, acked, s)
        });
    }
    let mut all = Samples::default();
    let mut acks = HashMap::new();
    while let Some(r) = set.join_next().await {
        let (user, acked, s) = r.map_err(|e| e.to_string())?;
        all.merge(s);
        if let Some(t) = acked {
            acks.insert(user, t);
        }
    }
    Ok((all, acks))
}

/// Candidates of a sitting whose aggregate row shows the attempt submitted and who
/// have no refresh pending: their grading has reached the reports.
async fn in_reports(db: &Db, sitting: Uuid) -> Result<Vec<Uuid>, String> {
    let mut c = db.read().await.map_err(e("read"))?;
    app::sql!(&mut c, |c| sqlx::query_scalar::<_, Uuid>(
        "SELECT t.user_id FROM attempts t \
         JOIN report_candidates rc ON rc.exam_id = t.exam_id AND rc.user_id = t.user_id \
         WHERE t.sitting_id = $1 AND rc.submitted AND NOT EXISTS (SELECT 1 FROM report_stale s \
           WHERE s.exam_id = t.exam_id AND s.user_id = t.user_id)"
    )
    .bind(sitting)
    .fetch_all(&mut *c)
    .await)
    .map_err(e("read aggregates"))
}

/// Watches (every 100 ms, until `expected` are in or `stop` is set and `grace` has
/// passed) when each candidate's graded attempt first shows in the aggregates.
fn watch_reports(
    db: Db,
    sitting: Uuid,
    expected: usize,
    stop: Arc<AtomicBool>,
    grace: Duration,
) -> tokio::task::JoinHandle<Result<HashMap<Uuid, Instant>, String>> {
    tokio::spawn(async move {
        let mut seen: HashMap<Uuid, Instant> = HashMap::new();
        let mut stopped: Option<Instant> = None;
        loop {
            let now = Instant::now();
            for u in in_reports(&db, sitting).await? {
                seen.entry(u).or_insert(now);
            }
            if seen.len() >= expected {
                return Ok(seen);
            }
            if stop.load(Ordering::Relaxed) {
                let at = *stopped.get_or_insert(now);
                if at.elapsed() > grace {
                    return Ok(seen);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

/// "graded -> in the reports" from the acknowledgements and the watcher's sightings.
fn lag_note(acks: &HashMap<Uuid, Instant>, seen: &HashMap<Uuid, Instant>) -> String {
    let mut d: Vec<u128> = acks
        .iter()
        .filter_map(|(u, a)| {
            seen.get(u)
                .map(|s| s.saturating_duration_since(*a).as_millis())
        })
        .collect();
    if d.is_empty() {
        return format!("none of {} graded attempts reached the reports", acks.len());
    }
    d.sort_unstable();
    let pct = |q: f64| d[((q * d.len() as f64).ceil() as usize).clamp(1, d.len()) - 1];
    let missing = acks.len() - d.len();
    format!(
        "acknowledged -> in the reports p50 {} ms, p99 {} ms, max {} ms{}",
        pct(0.5),
        pct(0.99),
        pct(1.0),
        if missing > 0 {
            format!(" ({missing} NEVER)")
        } else {
            String::new()
        }
    )
}

/// Fills every question of the attempts with an answer (a benchmark shortcut, as in T4).
async fn prefill(db: &Db, ids: &[AttemptId], questions: u32) -> Result<(), String> {
    let t = now_ms();
    let mut tx = db.begin().await.map_err(e("begin"))?;
    for id in ids {
        for p in 0..questions {
            let response = format!(
                "{{\"Choice\":[{}]}}",
                (p + u32::from(id.0.as_bytes()[0])) % 4
            );
            app::sql!(&mut tx, |c| sqlx::query(
                "INSERT INTO attempt_answers (attempt_id, position, response, flagged, seq, saved_at) \
                 VALUES ($1, $2, $3, FALSE, 1, $4) ON CONFLICT (attempt_id, position) DO NOTHING"
            )
            .bind(id.0)
            .bind(p as i32)
            .bind(&response)
            .bind(t)
            .execute(&mut *c)
            .await
            .map(|_| ()))
            .map_err(e("prefill answers"))?;
        }
    }
    tx.commit().await.map_err(e("commit"))
}

fn cpu_note(pid: u32, before: Option<f64>, wall: f64) -> String {
    proc_cpu_secs(pid)
        .zip(before)
        .map(|(a, b)| format!("server CPU {:.0}%", (a - b) / wall * 100.0))
        .unwrap_or_default()
}

fn verdict(s: &Summary) -> &'static str {
    if s.p95_ms <= TARGET_P95_MS {
        "p95 within 500 ms"
    } else {
        "p95 OVER 500 ms"
    }
}

pub async fn reports(c: &Common, o: &ReportsOpts) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut dir = TempDir::new("examhall-reports")?;
    dir.keep = c.keep;
    let db_url = o.db.clone().unwrap_or_else(|| dir.db_url());
    eprintln!(
        "reports: generating {} attempts over {} exams, {} units into {}",
        o.spec.attempts,
        o.spec.exams,
        o.spec.units,
        if o.db.is_some() {
            db_url.as_str()
        } else {
            "a temporary SQLite file"
        }
    );
    let g = reportdata::generate(&db_url, &o.spec).await?;
    rows.push(Row {
        name: "generate".into(),
        summary: None,
        note: format!(
            "{} units, {} candidates, {} exams, {} sittings, {} attempts, {} answers, {} results, \
             {} retakes in {:.1} s; {} pairs marked stale",
            g.counts.units + 1,
            g.counts.users,
            g.counts.exams,
            g.counts.sittings,
            g.counts.attempts,
            g.counts.answers,
            g.counts.results,
            g.counts.retakes,
            g.secs,
            g.stale_marks
        ),
    });
    let g = Arc::new(g);
    let fx = fixture::prepare(
        &db_url,
        &Spec {
            candidates_per_sitting: vec![o.grade_candidates; 1 + o.traffic_clients.len()],
            questions: c.questions,
            duration_minutes: 240,
        },
    )
    .await?;
    if o.db.is_none() {
        eprintln!("  database: {}", dir.path.display());
    }

    let addr = free_addr()?;
    let server = ServerProc::spawn(
        &c.server_bin,
        &db_url,
        addr,
        &dir.path,
        &[
            ("EXAMHALL_LOG", c.server_log.as_str()),
            ("EXAMHALL_SQLITE_SYNCHRONOUS", c.sync.as_str()),
        ],
    )?;
    wait_healthy(addr, Duration::from_secs(60))
        .await
        .map_err(|e| format!("{e}\n{}", server.log_tail(30)))?;
    let pid = server.pid().unwrap_or(0);
    let db = reportdata::open_db(&db_url).await?;

    // The aggregates from scratch.
    let before = {
        let mut c = db.read().await.map_err(e("read"))?;
        reportdata::stale_count(&mut c).await?
    };
    eprintln!("  server up; waiting for the job runner to build the aggregates of {before} pairs");
    let cpu0 = proc_cpu_secs(pid);
    let t = Instant::now();
    let (took, left) = wait_aggregates(
        &db,
        Duration::from_secs(o.catch_up_s),
        Duration::from_secs(60),
        true,
    )
    .await?;
    let fresh = took.is_some();
    rows.push(Row {
        name: "aggregates from scratch".into(),
        summary: None,
        note: match took {
            Some(s) => format!(
                "{before} (exam, candidate) pairs in {s:.1} s ({:.0} pairs/s); {}",
                before as f64 / s.max(0.001),
                cpu_note(pid, cpu0, t.elapsed().as_secs_f64())
            ),
            None => format!(
                "NOT CAUGHT UP: {left} of {before} pairs still stale after {:.0} s \
                 (no progress for 60 s: this build's job runner does not refresh them?)",
                t.elapsed().as_secs_f64()
            ),
        },
    });
    // Item analyses are recomputed at most every 30 s per exam; give them a while.
    let t = Instant::now();
    let mut items_left = items_pending(&db).await.unwrap_or(-1);
    while items_left > 0 && t.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        items_left = items_pending(&db).await.unwrap_or(-1);
    }
    if items_left != 0 {
        eprintln!("  item analyses still pending: {items_left}");
    }

    // Sign in as the administrator of the whole city.
    let mut admin = Http::new(addr);
    let r = admin
        .post_form(
            "/api/login",
            &[
                ("login", reportdata::ADMIN_LOGIN),
                ("password", reportdata::ADMIN_PASSWORD),
            ],
        )
        .await
        .map_err(|e| format!("sign in: {e}"))?;
    let token = admin
        .session
        .clone()
        .ok_or_else(|| format!("sign in: no session (status {}: {})", r.status, r.text()))?;

    // The pages, at each concurrency.
    let mut working = Vec::new();
    for (name, template) in PAGES {
        for (level, &clients) in o.clients.iter().enumerate() {
            eprintln!("  {name}, {clients} browser(s): {template}");
            let cpu0 = proc_cpu_secs(pid);
            let t = Instant::now();
            // With --keep, the first answer of each page is kept next to the database.
            let save = (c.keep && level == 0).then(|| {
                let _ = std::fs::create_dir_all(dir.path.join("pages"));
                dir.path
                    .join("pages")
                    .join(format!("{}.html", name.replace([' ', ','], "_")))
            });
            let row_name = format!("page: {name} x{clients}");
            match measure_page(addr, &token, template, &g, o.requests, clients, save).await? {
                PageResult::Measured(s, kb) => {
                    let sum = s.summary();
                    if s.error_count() > 0 {
                        eprintln!("    errors {:?}: {:?}", s.errors, s.first_errors);
                    }
                    rows.push(Row {
                        name: row_name,
                        summary: Some(sum),
                        note: format!(
                            "{template}; {kb:.0} KB; {}; {}{}",
                            verdict(&sum),
                            cpu_note(pid, cpu0, t.elapsed().as_secs_f64()),
                            if fresh {
                                ""
                            } else {
                                "; aggregates NOT current"
                            }
                        ),
                    });
                    if level == 0 {
                        working.push(template.to_string());
                    }
                }
                PageResult::NotBuilt => {
                    rows.push(Row {
                        name: row_name,
                        summary: None,
                        note: format!("{template}: 404, page not built yet"),
                    });
                    break;
                }
                PageResult::Failed(status, text) => {
                    rows.push(Row {
                        name: row_name,
                        summary: None,
                        note: format!("{template}: FAILED with status {status}: {text}"),
                    });
                    break;
                }
            }
        }
    }

    // Grading with and without report traffic.
    {
        let mut tx = db.begin().await.map_err(e("begin"))?;
        // The fixture's sessions were made before generation and catch-up; refresh
        // them so none has idled out.
        app::sql!(&mut tx, |c| sqlx::query(
            "UPDATE sessions SET last_seen_at = $1"
        )
        .bind(now_ms())
        .execute(&mut *c)
        .await
        .map(|_| ()))
        .map_err(e("touch sessions"))?;
        tx.commit().await.map_err(e("commit"))?;
    }
    let origin = Instant::now();
    let mut phases = Vec::new();
    for sitting in &fx.sittings {
        let (ids, _) = start_many(addr, sitting.id.0, &sitting.candidates, 20, origin).await?;
        prefill(&db, &ids, fx.questions).await?;
        phases.push((sitting, ids));
    }
    // Starting marked the pairs stale; let the runner settle before measuring.
    wait_aggregates(
        &db,
        Duration::from_secs(120),
        Duration::from_secs(30),
        false,
    )
    .await?;
    let n = o.grade_candidates;
    let grace = Duration::from_secs(120);
    let levels = std::iter::once(0).chain(o.traffic_clients.iter().copied());
    for ((sitting, ids), traffic_clients) in phases.iter().zip(levels) {
        eprintln!(
            "  grading: {n} submissions at {}/s, {traffic_clients} browser(s) requesting report pages",
            o.grade_rate
        );
        let stop = Arc::new(AtomicBool::new(false));
        let cpu0 = proc_cpu_secs(pid);
        let t = Instant::now();
        let mut traffic = report_traffic(
            addr,
            &token,
            working.clone(),
            &g,
            traffic_clients,
            origin,
            stop.clone(),
        );
        if traffic_clients > 0 {
            // Let the traffic reach its steady state first.
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        let watch_stop = Arc::new(AtomicBool::new(false));
        let watch = watch_reports(db.clone(), sitting.id.0, n, watch_stop.clone(), grace);
        let (submits, acks) =
            submit_paced(addr, &sitting.candidates, ids, o.grade_rate, origin).await?;
        watch_stop.store(true, Ordering::SeqCst);
        // The traffic goes on until the aggregates have caught up too.
        let seen = watch.await.map_err(|e| e.to_string())??;
        stop.store(true, Ordering::SeqCst);
        let mut traffic_samples = Samples::default();
        while let Some(r) = traffic.join_next().await {
            traffic_samples.merge(r.map_err(|e| e.to_string())?);
        }
        let cpu = cpu_note(pid, cpu0, t.elapsed().as_secs_f64());
        if submits.error_count() > 0 {
            eprintln!(
                "    submit: errors {:?}: {:?}",
                submits.errors, submits.first_errors
            );
        }
        rows.push(Row {
            name: format!("grade: submit, {traffic_clients} report browsers"),
            summary: Some(submits.summary()),
            note: format!("{} /s; {cpu}; {}", o.grade_rate, lag_note(&acks, &seen)),
        });
        if traffic_clients > 0 {
            rows.push(Row {
                name: format!("grade: their report traffic x{traffic_clients}"),
                summary: Some(traffic_samples.summary()),
                note: if working.is_empty() {
                    "no report page answered, so no traffic".into()
                } else {
                    format!("{} pages in turn, back to back", working.len())
                },
            });
        }
    }
    let ungraded = {
        let mut c = db.read().await.map_err(e("read"))?;
        let mut n = 0i64;
        for s in &fx.sittings {
            n += app::sql!(&mut c, |c| sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM attempts WHERE sitting_id = $1 \
                 AND (status <> 'submitted' OR score IS NULL)"
            )
            .bind(s.id.0)
            .fetch_one(&mut *c)
            .await)
            .map_err(e("count ungraded"))?;
        }
        n
    };
    if ungraded > 0 {
        rows.push(Row {
            name: "grade: PROBLEM".into(),
            summary: None,
            note: format!("{ungraded} attempts not submitted and graded"),
        });
    }
    db.close().await;
    drop(server);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::accounts::model::{UnitId, UserId};
    use app::papers::model::ExamId;

    fn generated() -> Generated {
        Generated {
            exams: vec![ExamId(Uuid::from_u128(1)), ExamId(Uuid::from_u128(2))],
            people: vec![UserId(Uuid::from_u128(3))],
            units: vec![UnitId(Uuid::from_u128(4))],
            sittings: vec![Uuid::from_u128(5)],
            counts: Default::default(),
            stale_marks: 0,
            secs: 0.0,
        }
    }

    #[test]
    fn page_paths_rotate_over_the_generated_exams() {
        let g = generated();
        let a = fill("/organize/exams/{exam}/report", 0, &g);
        let b = fill("/organize/exams/{exam}/report", 1, &g);
        assert_eq!(a, format!("/organize/exams/{}/report", Uuid::from_u128(1)));
        assert_eq!(b, format!("/organize/exams/{}/report", Uuid::from_u128(2)));
        assert_eq!(fill("/organize/exams/{exam}/report", 2, &g), a);
        assert_eq!(
            fill("/reports/people/{user}?u={unit}", 5, &g),
            format!(
                "/reports/people/{}?u={}",
                Uuid::from_u128(3),
                Uuid::from_u128(4)
            )
        );
    }

    #[test]
    fn every_page_template_uses_only_known_placeholders() {
        let g = generated();
        for (name, t) in PAGES {
            let p = fill(t, 0, &g);
            assert!(p.starts_with('/'), "{name}");
            assert!(!p.contains('{') && !p.contains('}'), "{name}: {p}");
        }
    }
}
