//! The scenarios: T1 steady autosave (and a closed-loop saturation run), T2 start
//! stampede, T4 shared deadline, and the raw group-commit ceiling of SQLite FULL.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::attempts::model::{AttemptId, SaveAck};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::fixture::{self, Candidate, Fixture, Spec};
use crate::harness::{free_addr, Rng, ServerProc, TempDir};
use crate::http::{wait_healthy, Http};
use crate::stats::{Row, Samples};

/// Options every scenario shares.
#[derive(Debug, Clone)]
pub struct Common {
    pub server_bin: PathBuf,
    /// Keep the temporary directory (database and server log) for inspection.
    pub keep: bool,
    /// `EXAMHALL_LOG` for the server (its default is `info,sqlx=warn`).
    pub server_log: String,
    /// `EXAMHALL_SQLITE_SYNCHRONOUS`: `full` (the default) or `normal`.
    pub sync: String,
    pub questions: u32,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A prepared database with the server running on it.
pub struct Booted {
    /// Dropping it deletes the database, so it lives as long as the run.
    pub _dir: TempDir,
    pub server: ServerProc,
    pub fx: Fixture,
    pub addr: SocketAddr,
    pub pool: SqlitePool,
}

pub async fn boot(c: &Common, per_sitting: Vec<usize>) -> Result<Booted, String> {
    let mut dir = TempDir::new("examhall-loadtest")?;
    dir.keep = c.keep;
    let db_url = dir.db_url();
    let t = Instant::now();
    let fx = fixture::prepare(
        &db_url,
        &Spec {
            candidates_per_sitting: per_sitting,
            questions: c.questions,
            duration_minutes: 240,
        },
    )
    .await?;
    eprintln!(
        "  prepared {} candidate(s) in {:.1} s ({})",
        fx.sittings
            .iter()
            .map(|s| s.candidates.len())
            .sum::<usize>(),
        t.elapsed().as_secs_f64(),
        dir.path.display()
    );
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
    let up = wait_healthy(addr, Duration::from_secs(60))
        .await
        .map_err(|e| format!("{e}\n{}", server.log_tail(30)))?;
    eprintln!(
        "  server pid {} healthy on {addr} after {} ms",
        server.pid().unwrap_or(0),
        up.as_millis()
    );
    let pool = fixture::open_pool(&db_url).await?;
    Ok(Booted {
        _dir: dir,
        server,
        fx,
        addr,
        pool,
    })
}

impl Booted {
    /// Closes the check pool and kills the server (the data is not needed any more).
    pub async fn finish(mut self) {
        self.pool.close().await;
        self.server.kill();
    }
}

/// Server CPU seconds (user + system) from `/proc`, Linux only.
pub fn proc_cpu_secs(pid: u32) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the command: state is field 3, utime 14 and stime 15 (1-based, overall).
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn self_cpu_secs() -> Option<f64> {
    proc_cpu_secs(std::process::id())
}

/// The server's own mean latency of a route from `/metrics` (count, mean ms).
async fn server_mean(addr: SocketAddr, route: &str) -> Option<(u64, f64)> {
    let mut h = Http::new(addr);
    let r = h.get("/metrics").await.ok()?;
    let text = r.text();
    let pat = format!("route=\"{route}\"");
    let mut sum = 0.0;
    let mut count = 0u64;
    for line in text.lines().filter(|l| l.contains(&pat)) {
        let value = line.rsplit(' ').next().unwrap_or("0");
        if line.starts_with("examhall_http_request_duration_seconds_sum") {
            sum += value.parse::<f64>().unwrap_or(0.0);
        } else if line.starts_with("examhall_http_request_duration_seconds_count") {
            count += value.parse::<u64>().unwrap_or(0);
        }
    }
    (count > 0).then(|| (count, sum / count as f64 * 1000.0))
}

/// Presses Start for every candidate, `concurrency` at a time; the attempt ids in
/// candidate order, and the requests' latencies.
pub async fn start_many(
    addr: SocketAddr,
    sitting: Uuid,
    cands: &[Candidate],
    concurrency: usize,
    origin: Instant,
) -> Result<(Vec<AttemptId>, Samples), String> {
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut set = JoinSet::new();
    for (i, c) in cands.iter().enumerate() {
        let token = c.token.clone();
        let sem = sem.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await;
            let mut samples = Samples::default();
            let mut http = Http::with_session(addr, &token);
            let sid = sitting.to_string();
            for _ in 0..5 {
                let sent = Instant::now();
                match http.press_start(sid.as_str()).await {
                    Ok(r) if r.ok() => {
                        samples.record_ok(sent - origin, sent.elapsed());
                        let id = serde_json::from_slice::<AttemptId>(&r.body).ok();
                        return (i, id, samples);
                    }
                    Ok(r) => samples.record_err(r.status, || r.text()),
                    Err(e) => samples.record_err(0, || e.to_string()),
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            (i, None, samples)
        });
    }
    let mut ids = vec![None; cands.len()];
    let mut all = Samples::default();
    while let Some(r) = set.join_next().await {
        let (i, id, s) = r.map_err(|e| e.to_string())?;
        ids[i] = id;
        all.merge(s);
    }
    let ids: Option<Vec<AttemptId>> = ids.into_iter().collect();
    match ids {
        Some(ids) => Ok((ids, all)),
        None => Err(format!(
            "some attempts could not be started: {:?}",
            all.first_errors
        )),
    }
}

/// One candidate's autosaving browser.
#[derive(Debug, Clone)]
pub struct Saver {
    pub token: String,
    pub attempt: AttemptId,
    pub seq: i64,
    pub position: u32,
    /// Last acknowledged (seq, choice) per question.
    pub acked: HashMap<u32, (i64, u8)>,
    pub rng: Rng,
}

#[derive(Debug, Clone, Copy)]
pub struct SaveCfg {
    /// Time between two saves of one candidate; zero = back to back (closed loop).
    pub interval: Duration,
    pub begin: Instant,
    pub until: Instant,
    pub origin: Instant,
    pub questions: u32,
}

impl Saver {
    pub fn new(token: String, attempt: AttemptId, seq: i64, rng: Rng) -> Saver {
        Saver {
            token,
            attempt,
            seq,
            position: 0,
            acked: HashMap::new(),
            rng,
        }
    }

    /// Saves on the schedule until `cfg.until` or `stop`; the first save falls at a
    /// random instant of the first interval, so candidates are spread evenly.
    pub async fn run(
        mut self,
        addr: SocketAddr,
        cfg: SaveCfg,
        stop: Arc<AtomicBool>,
    ) -> (Saver, Samples) {
        let mut http = Http::with_session(addr, &self.token);
        let mut samples = Samples::default();
        let interval_ms = cfg.interval.as_millis() as u64;
        self.position = self.rng.range(0, u64::from(cfg.questions)) as u32;
        let mut next = cfg.begin + Duration::from_millis(self.rng.range(0, interval_ms.max(1)));
        loop {
            if interval_ms > 0 {
                if next >= cfg.until {
                    break;
                }
                tokio::time::sleep_until(next.into()).await;
            } else if Instant::now() >= cfg.until {
                break;
            }
            if stop.load(Ordering::Relaxed) {
                break;
            }
            self.seq += 1;
            self.position = (self.position + 1) % cfg.questions.max(1);
            let choice = self.rng.range(0, 4) as u8;
            let body = format!(
                "{{\"req\":{{\"attempt\":\"{}\",\"position\":{},\"seq\":{},\"response\":{{\"Choice\":[{choice}]}},\"flagged\":false}}}}",
                self.attempt, self.position, self.seq
            );
            let sent = Instant::now();
            match http.post_json("/api/attempts/save", &body).await {
                Ok(r) if r.status == 200 => {
                    let lat = sent.elapsed();
                    match serde_json::from_slice::<SaveAck>(&r.body) {
                        Ok(ack) => {
                            samples.record_ok(sent - cfg.origin, lat);
                            if ack.seq == self.seq {
                                self.acked.insert(self.position, (ack.seq, choice));
                            }
                        }
                        Err(e) => samples.record_err(200, || format!("bad ack {e}: {}", r.text())),
                    }
                }
                Ok(r) => samples.record_err(r.status, || r.text()),
                Err(e) => samples.record_err(0, || e.to_string()),
            }
            if interval_ms > 0 {
                next += cfg.interval;
                let now = Instant::now();
                if next < now {
                    next = now;
                }
            }
        }
        (self, samples)
    }
}

/// Runs `savers` concurrently with `cfg`; returns them (with their sequence numbers and
/// acknowledgements) and all samples.
pub async fn run_savers(
    addr: SocketAddr,
    savers: Vec<Saver>,
    cfg: SaveCfg,
    stop: Arc<AtomicBool>,
) -> Result<(Vec<Saver>, Samples), String> {
    let mut set = JoinSet::new();
    for (i, s) in savers.into_iter().enumerate() {
        let stop = stop.clone();
        set.spawn(async move { (i, s.run(addr, cfg, stop).await) });
    }
    let mut out: Vec<Option<Saver>> = Vec::new();
    let mut all = Samples::default();
    while let Some(r) = set.join_next().await {
        let (i, (s, samples)) = r.map_err(|e| e.to_string())?;
        if out.len() <= i {
            out.resize(i + 1, None);
        }
        out[i] = Some(s);
        all.merge(samples);
    }
    Ok((out.into_iter().flatten().collect(), all))
}

/// How many acknowledged saves the database does not hold (a lower sequence number, or
/// the same one with another response).
pub async fn lost_acks(pool: &SqlitePool, savers: &[Saver]) -> Result<u64, String> {
    let rows: Vec<(Uuid, i64, Option<String>, i64)> =
        sqlx::query_as("SELECT attempt_id, position, response, seq FROM attempt_answers")
            .fetch_all(pool)
            .await
            .map_err(|e| format!("read answers: {e}"))?;
    let stored: HashMap<(Uuid, u32), (i64, Option<String>)> = rows
        .into_iter()
        .map(|(a, p, r, s)| ((a, p as u32), (s, r)))
        .collect();
    let mut lost = 0;
    for s in savers {
        for (pos, (seq, choice)) in &s.acked {
            match stored.get(&(s.attempt.0, *pos)) {
                Some((db_seq, _)) if db_seq > seq => {}
                Some((db_seq, Some(r)))
                    if db_seq == seq
                        && r.replace(' ', "") == format!("{{\"Choice\":[{choice}]}}") => {}
                _ => lost += 1,
            }
        }
    }
    Ok(lost)
}

/// Attempts per candidate of a sitting: (candidates with an attempt, min, max).
pub async fn attempts_per_candidate(
    pool: &SqlitePool,
    sitting: Uuid,
) -> Result<(u64, i64, i64), String> {
    let rows: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT user_id, COUNT(*) FROM attempts WHERE sitting_id = ? GROUP BY user_id",
    )
    .bind(sitting)
    .fetch_all(pool)
    .await
    .map_err(|e| format!("read attempts: {e}"))?;
    let min = rows.iter().map(|r| r.1).min().unwrap_or(0);
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    Ok((rows.len() as u64, min, max))
}

fn savers_for(cands: &[Candidate], ids: &[AttemptId], rng: &mut Rng) -> Vec<Saver> {
    cands
        .iter()
        .zip(ids)
        .map(|(c, id)| Saver::new(c.token.clone(), *id, 0, Rng::new(rng.next_u64())))
        .collect()
}

// T1 -------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct T1Opts {
    pub candidates: usize,
    pub interval_ms: u64,
    pub duration_s: u64,
    /// After the steady run, a closed-loop run of this many seconds (0 = none).
    pub saturate_s: u64,
}

#[derive(Debug, Clone)]
pub struct T1Result {
    pub rows: Vec<Row>,
    /// Acknowledged saves per second in the steady run.
    pub steady_rate: f64,
    /// Acknowledged saves per second with every candidate saving back to back.
    pub saturated_rate: Option<f64>,
}

pub async fn t1(c: &Common, o: &T1Opts) -> Result<T1Result, String> {
    eprintln!(
        "T1: {} candidates saving every {} ms for {} s",
        o.candidates, o.interval_ms, o.duration_s
    );
    let b = boot(c, vec![o.candidates]).await?;
    let sitting = &b.fx.sittings[0];
    let origin = Instant::now();
    let (ids, start_samples) =
        start_many(b.addr, sitting.id.0, &sitting.candidates, 50, origin).await?;
    let mut rng = Rng::random();
    let savers = savers_for(&sitting.candidates, &ids, &mut rng);
    let pid = b.server.pid().unwrap_or(0);
    let cpu0 = (proc_cpu_secs(pid), self_cpu_secs());
    let origin = Instant::now();
    let cfg = SaveCfg {
        interval: Duration::from_millis(o.interval_ms),
        begin: origin,
        until: origin + Duration::from_secs(o.duration_s),
        origin,
        questions: b.fx.questions,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (savers, samples) = run_savers(b.addr, savers, cfg, stop.clone()).await?;
    let wall = origin.elapsed().as_secs_f64();
    let cpu1 = (proc_cpu_secs(pid), self_cpu_secs());
    let cpu_note = match (cpu0, cpu1) {
        ((Some(s0), Some(l0)), (Some(s1), Some(l1))) => format!(
            "server CPU {:.0}%, load generator CPU {:.0}% (of one core)",
            (s1 - s0) / wall * 100.0,
            (l1 - l0) / wall * 100.0
        ),
        _ => String::new(),
    };
    let server_side = server_mean(b.addr, "/api/attempts/save").await;
    let lost = lost_acks(&b.pool, &savers).await?;
    let (n, min, max) = attempts_per_candidate(&b.pool, sitting.id.0).await?;
    let summary = samples.summary();
    let mut rows = vec![
        Row {
            name: format!("T1 setup: start ({} x 50 concurrent)", o.candidates),
            summary: Some(start_samples.summary()),
            note: String::new(),
        },
        Row {
            name: format!("T1 save, every {} ms, {} s", o.interval_ms, o.duration_s),
            summary: Some(summary),
            note: format!(
                "{n} candidates, attempts/candidate {min}..{max}; lost acked saves {lost}; {cpu_note}{}",
                server_side
                    .map(|(_, m)| format!("; server-side mean {m:.1} ms"))
                    .unwrap_or_default()
            ),
        },
    ];
    report_errors("T1 save", &samples);
    let mut saturated_rate = None;
    if o.saturate_s > 0 {
        eprintln!(
            "T1 saturation: {} candidates saving back to back for {} s",
            o.candidates, o.saturate_s
        );
        let cpu0 = proc_cpu_secs(pid);
        let origin = Instant::now();
        let cfg = SaveCfg {
            interval: Duration::ZERO,
            begin: origin,
            until: origin + Duration::from_secs(o.saturate_s),
            origin,
            questions: b.fx.questions,
        };
        let (savers, samples) = run_savers(b.addr, savers, cfg, stop).await?;
        let wall = origin.elapsed().as_secs_f64();
        let cpu = proc_cpu_secs(pid)
            .zip(cpu0)
            .map(|(a, b)| format!("; server CPU {:.0}%", (a - b) / wall * 100.0))
            .unwrap_or_default();
        let lost = lost_acks(&b.pool, &savers).await?;
        let s = samples.summary();
        saturated_rate = Some(samples.ok.len() as f64 / wall);
        rows.push(Row {
            name: format!("T1 save, closed loop, {} clients", o.candidates),
            summary: Some(s),
            note: format!(
                "{:.0} acked saves/s; lost acked saves {lost}{cpu}",
                samples.ok.len() as f64 / wall
            ),
        });
        report_errors("T1 saturation", &samples);
    }
    b.finish().await;
    Ok(T1Result {
        rows,
        steady_rate: summary.rate,
        saturated_rate,
    })
}

fn report_errors(what: &str, s: &Samples) {
    if s.error_count() > 0 {
        eprintln!(
            "  {what}: {} error(s) by status {:?}; first: {:?}",
            s.error_count(),
            s.errors,
            s.first_errors
        );
    }
}

// T2 -------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct T2Opts {
    pub candidates: usize,
    /// Candidates of another sitting saving T1-style meanwhile.
    pub background: usize,
    pub interval_ms: u64,
    /// Percent of the stampede that press Start twice (second tab, double click).
    pub double_pct: u64,
}

pub async fn t2(c: &Common, o: &T2Opts) -> Result<Vec<Row>, String> {
    eprintln!(
        "T2: {} candidates press Start within one second while {} others save every {} ms",
        o.candidates, o.background, o.interval_ms
    );
    let b = boot(c, vec![o.background, o.candidates]).await?;
    let bg = &b.fx.sittings[0];
    let st = &b.fx.sittings[1];
    let mut rng = Rng::random();
    let origin = Instant::now();
    let (bg_ids, _) = start_many(b.addr, bg.id.0, &bg.candidates, 50, origin).await?;
    let savers = savers_for(&bg.candidates, &bg_ids, &mut rng);
    let origin = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let cfg = SaveCfg {
        interval: Duration::from_millis(o.interval_ms),
        begin: origin,
        until: origin + Duration::from_secs(3600),
        origin,
        questions: b.fx.questions,
    };
    let background = tokio::spawn(run_savers(b.addr, savers, cfg, stop.clone()));

    // The stampede: everyone within one second, some twice.
    let warmup = Duration::from_millis(o.interval_ms.max(1000) + 1000);
    let t0 = origin + warmup;
    let mut set = JoinSet::new();
    let sid = st.id.0.to_string();
    for (i, cand) in st.candidates.iter().enumerate() {
        let presses = if rng.range(0, 100) < o.double_pct {
            2
        } else {
            1
        };
        let at = t0 + Duration::from_millis(rng.range(0, 1000));
        for press in 0..presses {
            let at = at + Duration::from_millis(if press == 0 { 0 } else { rng.range(0, 50) });
            let token = cand.token.clone();
            let sid = sid.clone();
            let addr = b.addr;
            set.spawn(async move {
                // Each press on its own connection, as from a second tab.
                let mut http = Http::with_session(addr, &token);
                tokio::time::sleep_until(at.into()).await;
                let sent = Instant::now();
                let r = http.press_start(sid.as_str()).await;
                (i, sent, sent.elapsed(), r)
            });
        }
    }
    let mut starts = Samples::default();
    let mut got: HashMap<usize, Vec<AttemptId>> = HashMap::new();
    let mut presses = 0;
    while let Some(r) = set.join_next().await {
        let (i, sent, lat, r) = r.map_err(|e| e.to_string())?;
        presses += 1;
        match r {
            Ok(r) if r.ok() => match serde_json::from_slice::<AttemptId>(&r.body) {
                Ok(id) => {
                    starts.record_ok(sent - origin, lat);
                    got.entry(i).or_default().push(id);
                }
                Err(e) => starts.record_err(r.status, || format!("{e}: {}", r.text())),
            },
            Ok(r) => starts.record_err(r.status, || r.text()),
            Err(e) => starts.record_err(0, || e.to_string()),
        }
    }
    let stampede_end = origin.elapsed();
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::SeqCst);
    let (savers, bg_samples) = background.await.map_err(|e| e.to_string())??;

    // Exactly one attempt per candidate, and every press answered with it.
    let rows: Vec<(Uuid, Uuid, i64)> = sqlx::query_as(
        "SELECT user_id, MIN(id), COUNT(*) FROM attempts WHERE sitting_id = ? GROUP BY user_id",
    )
    .bind(st.id.0)
    .fetch_all(&b.pool)
    .await
    .map_err(|e| format!("read attempts: {e}"))?;
    let by_user: HashMap<Uuid, (Uuid, i64)> = rows.iter().map(|(u, a, n)| (*u, (*a, *n))).collect();
    let mut missing = 0;
    let mut doubled = 0;
    let mut mismatched = 0;
    for (i, cand) in st.candidates.iter().enumerate() {
        match by_user.get(&cand.user_id.0) {
            None => missing += 1,
            Some((id, n)) => {
                if *n != 1 {
                    doubled += 1;
                }
                if got
                    .get(&i)
                    .is_some_and(|ids| ids.iter().any(|g| g.0 != *id))
                {
                    mismatched += 1;
                }
            }
        }
    }
    let lost = lost_acks(&b.pool, &savers).await?;
    let (_, bg_min, bg_max) = attempts_per_candidate(&b.pool, bg.id.0).await?;
    let t0_ms = warmup.as_millis() as u32;
    let during = bg_samples.window(t0_ms, stampede_end.as_millis() as u32);
    report_errors("T2 start", &starts);
    report_errors("T2 background", &bg_samples);
    let verdict = if missing == 0 && doubled == 0 && mismatched == 0 {
        "exactly one attempt each".to_owned()
    } else {
        format!("FAILED: {missing} without an attempt, {doubled} with several, {mismatched} answered another id")
    };
    let double = presses - st.candidates.len();
    b.finish().await;
    Ok(vec![
        Row {
            name: format!("T2 start stampede ({} in 1 s)", o.candidates),
            summary: Some(starts.summary()),
            note: format!(
                "{presses} presses ({double} double); {verdict}; all answered {:.2} s after the first",
                (stampede_end.saturating_sub(warmup)).as_secs_f64()
            ),
        },
        Row {
            name: "T2 background save, during stampede".into(),
            summary: Some(during.summary()),
            note: String::new(),
        },
        Row {
            name: format!("T2 background save ({} clients)", o.background),
            summary: Some(bg_samples.summary()),
            note: format!("attempts/candidate {bg_min}..{bg_max}; lost acked saves {lost}"),
        },
    ])
}

// T4 -------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct T4Opts {
    pub attempts: usize,
    /// Saves flow for this long before the shared deadline.
    pub lead_ms: u64,
    pub interval_ms: u64,
    /// Finalisation target after the deadline.
    pub target_s: f64,
}

pub async fn t4(c: &Common, o: &T4Opts) -> Result<Vec<Row>, String> {
    eprintln!(
        "T4: {} attempts share one deadline; saves every {} ms until it",
        o.attempts, o.interval_ms
    );
    let b = boot(c, vec![o.attempts]).await?;
    let sitting = &b.fx.sittings[0];
    let origin = Instant::now();
    let (ids, _) = start_many(b.addr, sitting.id.0, &sitting.candidates, 50, origin).await?;

    // Every question answered (written directly: a benchmark shortcut that gives the
    // grader full papers without minutes of saving first).
    let t = now_ms();
    let mut tx = b.pool.begin().await.map_err(|e| e.to_string())?;
    for id in &ids {
        for p in 0..b.fx.questions {
            sqlx::query(
                "INSERT INTO attempt_answers (attempt_id, position, response, flagged, seq, saved_at) \
                 VALUES (?, ?, ?, FALSE, 1, ?) ON CONFLICT (attempt_id, position) DO NOTHING",
            )
            .bind(id.0)
            .bind(p as i64)
            .bind(format!("{{\"Choice\":[{}]}}", (p + id.0.as_bytes()[0] as u32) % 4))
            .bind(t)
            .execute(&mut *tx)
            .await
            .map_err(|e| format!("prefill answers: {e}"))?;
        }
    }
    tx.commit().await.map_err(|e| e.to_string())?;

    // One deadline for all, written into the attempts (the exam's duration would spread
    // the deadlines over the seconds the starts took).
    let lead = Duration::from_millis(o.lead_ms.max(1000));
    let deadline_ms = now_ms() + lead.as_millis() as i64;
    let deadline_at = Instant::now() + lead;
    let changed =
        sqlx::query("UPDATE attempts SET deadline = ? WHERE sitting_id = ? AND status = 'open'")
            .bind(deadline_ms)
            .bind(sitting.id.0)
            .execute(&b.pool)
            .await
            .map_err(|e| format!("set deadline: {e}"))?
            .rows_affected();
    if changed as usize != o.attempts {
        return Err(format!(
            "deadline set on {changed} of {} attempts",
            o.attempts
        ));
    }
    let mut rng = Rng::random();
    let savers: Vec<Saver> = savers_for(&sitting.candidates, &ids, &mut rng)
        .into_iter()
        .map(|mut s| {
            s.seq = 1;
            s
        })
        .collect();
    let origin = Instant::now();
    let cfg = SaveCfg {
        interval: Duration::from_millis(o.interval_ms),
        begin: origin,
        // Stop sending a little before the deadline: a save that arrives after it is
        // refused by design (410), which is not what this measures.
        until: deadline_at - Duration::from_millis(150),
        origin,
        questions: b.fx.questions,
    };
    let (savers, saves) = run_savers(b.addr, savers, cfg, Arc::new(AtomicBool::new(false))).await?;

    let mut all_submitted = None;
    let mut all_graded = None;
    let give_up = deadline_at + Duration::from_secs(120);
    tokio::time::sleep_until(deadline_at.into()).await;
    while Instant::now() < give_up {
        let (submitted, graded): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END), 0), \
                    COALESCE(SUM(CASE WHEN graded_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
             FROM attempts WHERE sitting_id = ?",
        )
        .bind(sitting.id.0)
        .fetch_one(&b.pool)
        .await
        .map_err(|e| format!("poll: {e}"))?;
        let since = Instant::now().saturating_duration_since(deadline_at);
        if all_submitted.is_none() && submitted as usize == o.attempts {
            all_submitted = Some(since);
        }
        if graded as usize == o.attempts {
            all_graded = Some(since);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // (graded_at - deadline, score, status, submit_reason) per attempt.
    type Outcome = (Option<i64>, Option<i64>, String, Option<String>);
    let lags: Vec<Outcome> = sqlx::query_as(
        "SELECT graded_at - deadline, score, status, submit_reason FROM attempts WHERE sitting_id = ?",
    )
    .bind(sitting.id.0)
    .fetch_all(&b.pool)
    .await
    .map_err(|e| format!("read results: {e}"))?;
    let mut lag: Vec<i64> = lags.iter().filter_map(|l| l.0).collect();
    lag.sort_unstable();
    let pct = |q: f64| {
        lag.get(((q * lag.len() as f64).ceil() as usize).clamp(1, lag.len().max(1)) - 1)
            .copied()
            .unwrap_or(0)
    };
    let unscored = lags.iter().filter(|l| l.1.is_none()).count();
    let by_deadline = lags
        .iter()
        .filter(|l| l.3.as_deref() == Some("deadline"))
        .count();
    let lost = lost_acks(&b.pool, &savers).await?;
    report_errors("T4 saves", &saves);
    let verdict = match all_graded {
        Some(d) if d.as_secs_f64() <= o.target_s => format!("within the {} s target", o.target_s),
        Some(_) => format!("MISSES the {} s target", o.target_s),
        None => "NOT all graded within 120 s".to_owned(),
    };
    b.finish().await;
    let fmt = |d: Option<Duration>| {
        d.map(|d| format!("{:.2} s", d.as_secs_f64()))
            .unwrap_or_else(|| "never".into())
    };
    Ok(vec![
        Row {
            name: format!("T4 save until the deadline ({} clients)", o.attempts),
            summary: Some(saves.summary()),
            note: format!("lost acked saves {lost}"),
        },
        Row {
            name: format!("T4 finalise {} at one deadline", o.attempts),
            summary: None,
            note: format!(
                "all submitted {} and all graded {} after the deadline, {verdict}; \
                 graded_at - deadline p50 {} ms, p99 {} ms, max {} ms; {by_deadline} by the finaliser, \
                 {unscored} without a score",
                fmt(all_submitted),
                fmt(all_graded),
                pct(0.5),
                pct(0.99),
                pct(1.0)
            ),
        },
    ])
}

// Ceiling ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct CeilingResult {
    /// (batch size, rows per second, commits per second) of the bare upsert.
    pub raw: Vec<(usize, f64, f64)>,
    /// (batch size, rows per second) with the writer's per-job statements around it.
    pub writer_shaped: Vec<(usize, f64)>,
}

impl CeilingResult {
    pub fn best_raw(&self) -> f64 {
        self.raw.iter().map(|r| r.1).fold(0.0, f64::max)
    }

    pub fn best_writer_shaped(&self) -> f64 {
        self.writer_shaped.iter().map(|r| r.1).fold(0.0, f64::max)
    }
}

/// The group-commit upsert loop on a bare SQLite file with the server's settings (WAL,
/// synchronous=FULL, foreign keys, one writer connection through sqlx), answers keyed
/// like `attempt_answers` under 2,000 attempts; batches of each size in one transaction.
pub async fn ceiling(
    sync: &str,
    secs_per_size: f64,
    sizes: &[usize],
) -> Result<CeilingResult, String> {
    let dir = TempDir::new("examhall-ceiling")?;
    let url = dir.db_url();
    let opts = SqliteConnectOptions::from_str(&url)
        .map_err(|e| e.to_string())?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .synchronous(if sync == "normal" {
            SqliteSynchronous::Normal
        } else {
            SqliteSynchronous::Full
        });
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .map_err(|e| e.to_string())?;
    let e = |e: sqlx::Error| e.to_string();
    sqlx::query(
        "CREATE TABLE attempts (id BLOB PRIMARY KEY NOT NULL, user_id BLOB NOT NULL, \
           status TEXT NOT NULL, deadline BIGINT NOT NULL, session_hash TEXT, \
           current_pos INTEGER NOT NULL DEFAULT 0, last_save_at BIGINT)",
    )
    .execute(&pool)
    .await
    .map_err(e)?;
    sqlx::query(
        "CREATE TABLE attempt_answers (attempt_id BLOB NOT NULL REFERENCES attempts(id) ON DELETE CASCADE, \
           position INTEGER NOT NULL, response TEXT, flagged BOOLEAN NOT NULL DEFAULT FALSE, \
           seq BIGINT NOT NULL, saved_at BIGINT NOT NULL, PRIMARY KEY (attempt_id, position))",
    )
    .execute(&pool)
    .await
    .map_err(e)?;
    let n_attempts = 2000;
    let attempts: Vec<(Uuid, Uuid, String)> = (0..n_attempts)
        .map(|_| {
            (
                Uuid::new_v4(),
                Uuid::new_v4(),
                format!("{:064x}", Uuid::new_v4().as_u128()),
            )
        })
        .collect();
    let far = now_ms() + 3_600_000;
    let mut tx = pool.begin().await.map_err(e)?;
    for (id, user, session) in &attempts {
        sqlx::query("INSERT INTO attempts (id, user_id, status, deadline, session_hash) VALUES (?, ?, 'open', ?, ?)")
            .bind(id)
            .bind(user)
            .bind(far)
            .bind(session)
            .execute(&mut *tx)
            .await
            .map_err(e)?;
    }
    tx.commit().await.map_err(e)?;

    let mut rng = Rng::random();
    let mut seq: i64 = 0;
    let mut raw = Vec::new();
    let mut shaped = Vec::new();
    for writer_shaped in [false, true] {
        for &size in sizes {
            let started = Instant::now();
            let mut rows = 0u64;
            let mut commits = 0u64;
            while started.elapsed().as_secs_f64() < secs_per_size {
                let now = now_ms();
                let mut tx = pool.begin().await.map_err(e)?;
                for _ in 0..size {
                    seq += 1;
                    let (id, user, session) = &attempts[rng.range(0, n_attempts as u64) as usize];
                    let pos = rng.range(0, 20) as i64;
                    if writer_shaped {
                        sqlx::query("SAVEPOINT job")
                            .execute(&mut *tx)
                            .await
                            .map_err(e)?;
                        let d: Option<i64> = sqlx::query_scalar(
                            "UPDATE attempts SET last_save_at = $6, session_hash = $3, \
                               current_pos = COALESCE($7, current_pos) \
                             WHERE id = $1 AND user_id = $2 AND status = 'open' AND deadline + $5 >= $4 \
                               AND (session_hash = $3 OR session_hash IS NULL) RETURNING deadline",
                        )
                        .bind(id)
                        .bind(user)
                        .bind(session)
                        .bind(now)
                        .bind(0i64)
                        .bind(now)
                        .bind(None::<i32>)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(e)?;
                        if d.is_none() {
                            return Err("ceiling: gate refused".into());
                        }
                    }
                    sqlx::query(
                        "INSERT INTO attempt_answers (attempt_id, position, response, flagged, seq, saved_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (attempt_id, position) DO UPDATE SET response = excluded.response, \
                           flagged = excluded.flagged, seq = excluded.seq, saved_at = excluded.saved_at \
                         WHERE excluded.seq > attempt_answers.seq",
                    )
                    .bind(id)
                    .bind(pos)
                    .bind(format!("{{\"Choice\":[{}]}}", seq % 4))
                    .bind(false)
                    .bind(seq)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(e)?;
                    if writer_shaped {
                        sqlx::query("RELEASE SAVEPOINT job")
                            .execute(&mut *tx)
                            .await
                            .map_err(e)?;
                    }
                    rows += 1;
                }
                tx.commit().await.map_err(e)?;
                commits += 1;
            }
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "  ceiling{} batch {size:>4}: {:>8.0} rows/s, {:>6.0} commits/s",
                if writer_shaped {
                    " (writer-shaped)"
                } else {
                    ""
                },
                rows as f64 / secs,
                commits as f64 / secs
            );
            if writer_shaped {
                shaped.push((size, rows as f64 / secs));
            } else {
                raw.push((size, rows as f64 / secs, commits as f64 / secs));
            }
        }
    }
    pool.close().await;
    Ok(CeilingResult {
        raw,
        writer_shaped: shaped,
    })
}

pub fn ceiling_rows(c: &CeilingResult) -> Vec<Row> {
    let mut rows: Vec<Row> = c
        .raw
        .iter()
        .map(|(size, r, commits)| Row {
            name: format!("ceiling: raw upsert, batch {size}"),
            summary: None,
            note: format!("{r:.0} rows/s ({commits:.0} commits/s)"),
        })
        .collect();
    rows.extend(c.writer_shaped.iter().map(|(size, r)| Row {
        name: format!("ceiling: writer-shaped, batch {size}"),
        summary: None,
        note: format!("{r:.0} rows/s (savepoint + gate UPDATE + upsert per save)"),
    }));
    rows
}

// Crash ------------------------------------------------------------------------------

pub async fn crash(
    c: &Common,
    cycles: usize,
    clients: usize,
    seed: Option<u64>,
) -> Result<Vec<Row>, String> {
    let mut o = crate::crash::CrashOptions::new(c.server_bin.clone(), cycles);
    o.clients = clients;
    o.seed = seed;
    o.keep_dir = c.keep;
    o.verbose = true;
    let r = crate::crash::run(&o).await?;
    for p in &r.problems {
        eprintln!("  PROBLEM: {p}");
    }
    if !r.problems.is_empty() {
        return Err(format!(
            "{} (seed {} repeats the random delays)",
            r.summary(),
            r.seed
        ));
    }
    Ok(vec![Row {
        name: format!("crash: kill -9 x {cycles}, {clients} clients"),
        summary: None,
        note: r.summary(),
    }])
}
