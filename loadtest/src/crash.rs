//! Crash safety of acknowledged saves: concurrent clients save answers to the real server
//! binary while it is killed with SIGKILL at random moments and started again on the
//! same SQLite database (synchronous=FULL). Every save the server acknowledged before a
//! kill must be in the database afterwards (same sequence number and response, or a
//! later one), the attempts must keep their id, start and deadline, none may be doubled,
//! and the restarted server must answer `/healthz` within the allowed time.
//!
//! Used by `server/tests/crash.rs` (a few cycles, in CI) and by
//! `examhall-loadtest crash --cycles 50`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::attempts::model::{AttemptId, SaveAck};
use sqlx::SqlitePool;
use uuid::Uuid;

use crate::fixture::{self, Spec};
use crate::harness::{free_addr, Rng, ServerProc, TempDir};
use crate::http::{wait_healthy, Http};

#[derive(Debug, Clone)]
pub struct CrashOptions {
    pub server_bin: PathBuf,
    pub cycles: usize,
    pub clients: usize,
    pub questions: u32,
    /// How soon a restarted server must answer `/healthz`.
    pub healthz_within: Duration,
    /// Load before each kill: a random time in this range (milliseconds).
    pub run_ms: (u64, u64),
    pub seed: Option<u64>,
    pub keep_dir: bool,
    pub verbose: bool,
}

impl CrashOptions {
    pub fn new(server_bin: PathBuf, cycles: usize) -> CrashOptions {
        CrashOptions {
            server_bin,
            cycles,
            clients: 20,
            questions: 10,
            healthz_within: Duration::from_secs(5),
            run_ms: (150, 1500),
            seed: None,
            keep_dir: false,
            verbose: false,
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct CrashReport {
    pub cycles: usize,
    pub seed: u64,
    /// Saves acknowledged by the server over the whole run.
    pub acked: u64,
    /// Ledger entries (attempt, question) checked against the database, summed over cycles.
    pub checked: u64,
    /// Requests that failed because the server was down (connection errors).
    pub failed_requests: u64,
    /// Time from spawning the killed server again to a healthy `/healthz`.
    pub restart_times: Vec<Duration>,
    /// Every violated guarantee, described; empty means the run passed.
    pub problems: Vec<String>,
}

impl CrashReport {
    pub fn summary(&self) -> String {
        let mut times: Vec<u128> = self.restart_times.iter().map(|d| d.as_millis()).collect();
        times.sort_unstable();
        let max = times.last().copied().unwrap_or(0);
        let median = times.get(times.len() / 2).copied().unwrap_or(0);
        format!(
            "{} kill -9 cycles (seed {}): {} saves acknowledged, {} ledger checks, {} requests \
             failed while the server was down; restart to healthy: median {} ms, max {} ms; \
             {} problem(s)",
            self.cycles,
            self.seed,
            self.acked,
            self.checked,
            self.failed_requests,
            median,
            max,
            self.problems.len()
        )
    }
}

/// The last acknowledged save of one question of one attempt.
#[derive(Debug, Clone)]
struct Acked {
    seq: i64,
    /// The response sent, when the acknowledgement is for this very save.
    response: Option<serde_json::Value>,
}

type Ledger = HashMap<(Uuid, u32), Acked>;

struct Shared {
    ledger: Mutex<Ledger>,
    paused: AtomicBool,
    stop: AtomicBool,
    acked: AtomicU64,
    failed: AtomicU64,
    unexpected: Mutex<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct AttemptFacts {
    id: Uuid,
    user: Uuid,
    started_at: i64,
    deadline: i64,
}

async fn attempts_of(pool: &SqlitePool, sitting: Uuid) -> Result<Vec<AttemptFacts>, String> {
    let rows: Vec<(Uuid, Uuid, i64, i64)> = sqlx::query_as(
        "SELECT id, user_id, started_at, deadline FROM attempts WHERE sitting_id = ? ORDER BY id",
    )
    .bind(sitting)
    .fetch_all(pool)
    .await
    .map_err(|e| format!("read attempts: {e}"))?;
    Ok(rows
        .into_iter()
        .map(|(id, user, started_at, deadline)| AttemptFacts {
            id,
            user,
            started_at,
            deadline,
        })
        .collect())
}

/// Presses Start for one candidate until the server answers; returns the attempt id.
pub async fn start_attempt(
    addr: SocketAddr,
    token: &str,
    sitting: Uuid,
    tries: usize,
) -> Result<AttemptId, String> {
    let mut http = Http::with_session(addr, token);
    let sitting = sitting.to_string();
    let mut last = String::new();
    for _ in 0..tries.max(1) {
        match http.press_start(sitting.as_str()).await {
            Ok(r) if r.ok() => {
                return serde_json::from_slice::<AttemptId>(&r.body)
                    .map_err(|e| format!("start answered {}: {e}", r.text()))
            }
            Ok(r) => last = format!("status {}: {}", r.status, r.text()),
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(format!("start failed: {last}"))
}

fn save_body(attempt: AttemptId, position: u32, seq: i64, response: &serde_json::Value) -> String {
    serde_json::json!({
        "req": {
            "attempt": attempt,
            "position": position,
            "seq": seq,
            "response": response,
            "flagged": false,
        }
    })
    .to_string()
}

async fn client(
    addr: SocketAddr,
    token: String,
    attempt: AttemptId,
    questions: u32,
    shared: Arc<Shared>,
    mut rng: Rng,
) {
    let mut http = Http::with_session(addr, &token);
    let mut seq: i64 = 0;
    while !shared.stop.load(Ordering::SeqCst) {
        if shared.paused.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        }
        // Sequence numbers grow per client, so they grow per question too.
        seq += 1;
        let position = rng.range(0, u64::from(questions)) as u32;
        let response = serde_json::json!({ "Choice": [rng.range(0, 4)] });
        let body = save_body(attempt, position, seq, &response);
        match http.post_json("/api/attempts/save", &body).await {
            Ok(r) if r.status == 200 => match serde_json::from_slice::<SaveAck>(&r.body) {
                Ok(ack) => {
                    let entry = Acked {
                        seq: ack.seq,
                        response: (ack.seq == seq).then_some(response),
                    };
                    let mut l = shared.ledger.lock().unwrap_or_else(|p| p.into_inner());
                    let slot = l.entry((attempt.0, position)).or_insert(Acked {
                        seq: i64::MIN,
                        response: None,
                    });
                    if entry.seq >= slot.seq {
                        *slot = entry;
                    }
                    drop(l);
                    shared.acked.fetch_add(1, Ordering::SeqCst);
                }
                Err(e) => shared
                    .unexpected
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(format!("undecodable acknowledgement {}: {e}", r.text())),
            },
            // A transaction the server could not commit is refused with 500 and is not
            // acknowledged; anything else means state was lost or is wrong.
            Ok(r) if r.status == 500 || r.status == 503 => {
                shared.failed.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(rng.range(5, 25))).await;
            }
            Ok(r) => {
                shared
                    .unexpected
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(format!(
                        "save of attempt {attempt} refused with {}: {}",
                        r.status,
                        r.text()
                    ));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(_) => {
                // The server is down (killed): try again shortly on a new connection.
                shared.failed.fetch_add(1, Ordering::SeqCst);
                http.disconnect();
                tokio::time::sleep(Duration::from_millis(rng.range(5, 25))).await;
            }
        }
    }
}

/// Compares the database with the acknowledged saves and the attempts as first started.
async fn verify(
    pool: &SqlitePool,
    sitting: Uuid,
    ledger: &Ledger,
    attempts: &[AttemptFacts],
    cycle: usize,
    problems: &mut Vec<String>,
) -> Result<u64, String> {
    let rows: Vec<(Uuid, i64, Option<String>, i64)> = sqlx::query_as(
        "SELECT x.attempt_id, x.position, x.response, x.seq FROM attempt_answers x \
         JOIN attempts a ON a.id = x.attempt_id WHERE a.sitting_id = ?",
    )
    .bind(sitting)
    .fetch_all(pool)
    .await
    .map_err(|e| format!("read answers: {e}"))?;
    let stored: HashMap<(Uuid, u32), (i64, Option<String>)> = rows
        .into_iter()
        .map(|(a, p, r, s)| ((a, p as u32), (s, r)))
        .collect();
    let mut checked = 0;
    for ((attempt, position), acked) in ledger {
        checked += 1;
        match stored.get(&(*attempt, *position)) {
            None => problems.push(format!(
                "cycle {cycle}: acknowledged save lost: attempt {attempt} question {position} \
                 seq {} is not in the database",
                acked.seq
            )),
            Some((seq, _)) if *seq < acked.seq => problems.push(format!(
                "cycle {cycle}: acknowledged save lost: attempt {attempt} question {position} \
                 has seq {seq} < acknowledged {}",
                acked.seq
            )),
            Some((seq, response)) if *seq == acked.seq => {
                if let Some(sent) = &acked.response {
                    let got = response
                        .as_deref()
                        .and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok());
                    if got.as_ref() != Some(sent) {
                        problems.push(format!(
                            "cycle {cycle}: attempt {attempt} question {position} seq {seq} \
                             holds {response:?}, acknowledged {sent}"
                        ));
                    }
                }
            }
            Some(_) => {}
        }
    }
    let now = attempts_of(pool, sitting).await?;
    if now != attempts {
        let mut per_user: HashMap<Uuid, usize> = HashMap::new();
        for a in &now {
            *per_user.entry(a.user).or_default() += 1;
        }
        let doubled = per_user.values().filter(|&&n| n > 1).count();
        problems.push(format!(
            "cycle {cycle}: attempts changed: {} rows before, {} after, {doubled} candidate(s) \
             with more than one; first difference: {:?}",
            attempts.len(),
            now.len(),
            attempts.iter().zip(now.iter()).find(|(a, b)| a != b)
        ));
    }
    Ok(checked)
}

/// Runs the whole crash test; `Err` only when it could not be set up or carried out.
pub async fn run(opts: &CrashOptions) -> Result<CrashReport, String> {
    let seed = opts.seed.unwrap_or_else(|| Rng::random().next_u64());
    let mut rng = Rng::new(seed);
    let mut dir = TempDir::new("examhall-crash")?;
    dir.keep = opts.keep_dir;
    let db_url = dir.db_url();
    let fx = fixture::prepare(
        &db_url,
        &Spec {
            candidates_per_sitting: vec![opts.clients],
            questions: opts.questions,
            duration_minutes: 240,
        },
    )
    .await?;
    let sitting = &fx.sittings[0];
    let addr = free_addr()?;
    let mut server = ServerProc::spawn(&opts.server_bin, &db_url, addr, &dir.path, &[])?;
    if let Err(e) = wait_healthy(addr, Duration::from_secs(30)).await {
        return Err(format!("{e}\n{}", server.log_tail(30)));
    }
    let mut ids = Vec::new();
    for c in &sitting.candidates {
        ids.push(start_attempt(addr, &c.token, sitting.id.0, 50).await?);
    }
    let pool = fixture::open_pool(&db_url).await?;
    let attempts = attempts_of(&pool, sitting.id.0).await?;
    if attempts.len() != sitting.candidates.len() {
        return Err(format!(
            "{} attempts for {} candidates",
            attempts.len(),
            sitting.candidates.len()
        ));
    }

    let shared = Arc::new(Shared {
        ledger: Mutex::new(HashMap::new()),
        paused: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        acked: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        unexpected: Mutex::new(Vec::new()),
    });
    let mut tasks = tokio::task::JoinSet::new();
    for (c, id) in sitting.candidates.iter().zip(&ids) {
        tasks.spawn(client(
            addr,
            c.token.clone(),
            *id,
            fx.questions,
            shared.clone(),
            Rng::new(rng.next_u64()),
        ));
    }

    let mut report = CrashReport {
        cycles: opts.cycles,
        seed,
        ..CrashReport::default()
    };
    for cycle in 1..=opts.cycles {
        shared.paused.store(false, Ordering::SeqCst);
        let before = shared.acked.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(
            rng.range(opts.run_ms.0, opts.run_ms.1),
        ))
        .await;
        // Kill only under load: wait for saves to flow again after the restart.
        let waiting = Instant::now();
        while shared.acked.load(Ordering::SeqCst) < before + opts.clients as u64 {
            if waiting.elapsed() > Duration::from_secs(30) {
                report.problems.push(format!(
                    "cycle {cycle}: no saves acknowledged within 30 s of the restart"
                ));
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill();
        shared.paused.store(true, Ordering::SeqCst);
        let ledger = shared
            .ledger
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let spawned = Instant::now();
        server.restart()?;
        match wait_healthy(addr, opts.healthz_within).await {
            Ok(_) => report.restart_times.push(spawned.elapsed()),
            Err(e) => {
                report
                    .problems
                    .push(format!("cycle {cycle}: {e}\n{}", server.log_tail(20)));
                // Give it longer, so the remaining checks can still run.
                wait_healthy(addr, Duration::from_secs(60))
                    .await
                    .map_err(|e| format!("{e}\n{}", server.log_tail(30)))?;
                report.restart_times.push(spawned.elapsed());
            }
        }
        report.checked += verify(
            &pool,
            sitting.id.0,
            &ledger,
            &attempts,
            cycle,
            &mut report.problems,
        )
        .await?;
        // Pressing Start again after the restart finds the same attempt.
        for (c, id) in sitting.candidates.iter().zip(&ids).take(5) {
            let again = start_attempt(addr, &c.token, sitting.id.0, 50).await?;
            if again != *id {
                report.problems.push(format!(
                    "cycle {cycle}: Start after the restart gave {again}, not {id}"
                ));
            }
        }
        if opts.verbose {
            eprintln!(
                "cycle {cycle}/{}: {} acknowledged so far, {} entries checked, restart {:?}",
                opts.cycles,
                shared.acked.load(Ordering::SeqCst),
                ledger.len(),
                report.restart_times.last().copied().unwrap_or_default()
            );
        }
    }
    shared.stop.store(true, Ordering::SeqCst);
    shared.paused.store(false, Ordering::SeqCst);
    while tasks.join_next().await.is_some() {}
    report.acked = shared.acked.load(Ordering::SeqCst);
    report.failed_requests = shared.failed.load(Ordering::SeqCst);
    let unexpected = shared
        .unexpected
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    report.problems.extend(unexpected.into_iter().take(20));
    server.kill();
    pool.close().await;
    Ok(report)
}
