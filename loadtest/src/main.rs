//! examhall-loadtest: load scenarios against the release server binary on a temporary
//! SQLite database (synchronous=FULL), and the long kill -9 crash test.
//!
//! ```text
//! examhall-loadtest t1 [--candidates 2000] [--interval-ms 5000] [--duration-s 600] [--short] [--saturate-s 0]
//! examhall-loadtest t2 [--candidates 1000] [--background 1000] [--interval-ms 5000] [--double-pct 20]
//! examhall-loadtest t4 [--attempts 2000] [--lead-ms 4000] [--interval-ms 2000]
//! examhall-loadtest ceiling [--secs 2] [--endpoint-rate SAVES_PER_S]
//! examhall-loadtest crash [--cycles 50] [--clients 20] [--seed N]
//! examhall-loadtest all [--short]
//! examhall-loadtest reports-data [--db URL] [generator options]
//! examhall-loadtest reports [--requests 200] [--clients 1,4] [--grade-candidates 300] [--grade-rate 20]
//!                           [--traffic-clients 1,4] [--catch-up-s 1800] [--db URL] [generator options]
//! generator options: --units 500 --counties 12 --per-unit 20 --exams 50 --attempts 100000
//!                    --items 20 --answers true --seed 20261129
//! common: --server-bin PATH  --no-build  --keep  --server-log FILTER  --sync full|normal  --questions 20
//! ```
//!
//! See docs/performance.md.

mod crash;
mod fixture;
mod harness;
mod http;
mod reportdata;
mod reports;
mod scenarios;
mod stats;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use scenarios::{Common, T1Opts, T2Opts, T4Opts};
use stats::Row;

const USAGE: &str =
    "usage: examhall-loadtest <t1|t2|t4|ceiling|crash|all|reports-data|reports> [options]
  t1       [--candidates 2000] [--interval-ms 5000] [--duration-s 600] [--short] [--saturate-s 0]
  t2       [--candidates 1000] [--background 1000] [--interval-ms 5000] [--double-pct 20]
  t4       [--attempts 2000] [--lead-ms 4000] [--interval-ms 2000] [--target-s 5]
  ceiling  [--secs 2] [--endpoint-rate SAVES_PER_S]
  crash    [--cycles 50] [--clients 20] [--seed N]
  all      [--short]   (ceiling, T1 with a closed-loop saturation run, T2, T4)
  reports-data [--db URL]   generate report history (default: a new SQLite file, kept)
  reports  [--requests 200] [--clients 1,4] [--grade-candidates 300] [--grade-rate 20]
           [--traffic-clients 1,4] [--catch-up-s 1800] [--db URL]
           generate, then time the report pages and grading with and without report traffic
generator options (reports-data, reports):
  --units 500 --counties 12 --per-unit 20 --exams 50 --attempts 100000 --items 20
  --answers true --seed 20261129
common options:
  --server-bin PATH   the examhall binary (default: build it with `cargo build --release -p server`)
  --no-build          do not run cargo; use the examhall next to this binary
  --keep              keep the temporary database and server log
  --server-log FILTER EXAMHALL_LOG of the server (default: its own, info,sqlx=warn)
  --sync full|normal  EXAMHALL_SQLITE_SYNCHRONOUS (default full)
  --questions N       questions per paper (default 20)";

struct Args {
    command: String,
    flags: HashMap<String, String>,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut it = std::env::args().skip(1);
        let command = it.next().ok_or(USAGE)?;
        let mut flags = HashMap::new();
        let rest: Vec<String> = it.collect();
        let mut i = 0;
        while i < rest.len() {
            let a = &rest[i];
            let Some(name) = a.strip_prefix("--") else {
                return Err(format!("unexpected argument {a:?}\n{USAGE}"));
            };
            if let Some((k, v)) = name.split_once('=') {
                flags.insert(k.to_owned(), v.to_owned());
                i += 1;
            } else if matches!(name, "short" | "keep" | "no-build") {
                flags.insert(name.to_owned(), "true".to_owned());
                i += 1;
            } else {
                let v = rest
                    .get(i + 1)
                    .ok_or_else(|| format!("--{name} needs a value"))?;
                flags.insert(name.to_owned(), v.clone());
                i += 2;
            }
        }
        Ok(Args { command, flags })
    }

    fn get<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.flags.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("--{name}: cannot understand {v:?}")),
        }
    }

    fn opt<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        self.flags
            .get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("--{name}: cannot understand {v:?}"))
            })
            .transpose()
    }

    fn has(&self, name: &str) -> bool {
        self.flags.contains_key(name)
    }
}

/// The release server binary: `--server-bin`, else built (a no-op when up to date) and
/// found next to this binary or in the target directory.
fn server_bin(args: &Args) -> Result<PathBuf, String> {
    if let Some(p) = args.flags.get("server-bin") {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("--server-bin {}: no such file", p.display()))
        };
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .to_owned();
    if !args.has("no-build") {
        eprintln!("building the server: cargo build --release -p server --bin examhall");
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--release", "-p", "server", "--bin", "examhall"])
            .current_dir(&workspace)
            .status()
            .map_err(|e| format!("cannot run cargo: {e} (use --server-bin)"))?;
        if !status.success() {
            return Err("building the server failed".into());
        }
    }
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_owned))
    {
        candidates.push(dir.join("examhall"));
    }
    if let Ok(t) = std::env::var("CARGO_TARGET_DIR") {
        candidates.push(PathBuf::from(t).join("release").join("examhall"));
    }
    candidates.push(workspace.join("target").join("release").join("examhall"));
    candidates
        .into_iter()
        .filter(|p| p.is_file())
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .ok_or_else(|| "no release examhall binary found; pass --server-bin".to_owned())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_default();
    format!("{cpus} CPU(s) {model}")
}

async fn run(args: Args) -> Result<(), String> {
    let short = args.has("short");
    let common = || -> Result<Common, String> {
        Ok(Common {
            server_bin: server_bin(&args)?,
            keep: args.has("keep"),
            server_log: args.get("server-log", "info,sqlx=warn".to_owned())?,
            sync: args.get("sync", "full".to_owned())?,
            questions: args.get("questions", 20)?,
        })
    };
    let t1_opts = |default_duration: u64, default_saturate: u64| -> Result<T1Opts, String> {
        Ok(T1Opts {
            candidates: args.get("candidates", 2000)?,
            interval_ms: args.get("interval-ms", 5000)?,
            duration_s: args.get("duration-s", if short { 60 } else { default_duration })?,
            saturate_s: args.get("saturate-s", default_saturate)?,
        })
    };
    let gen_spec = || -> Result<reportdata::GenSpec, String> {
        let d = reportdata::GenSpec::default();
        Ok(reportdata::GenSpec {
            units: args.get("units", d.units)?,
            counties: args.get("counties", d.counties)?,
            per_unit: args.get("per-unit", d.per_unit)?,
            exams: args.get("exams", d.exams)?,
            attempts: args.get("attempts", d.attempts)?,
            items: args.get("items", d.items)?,
            answers: args.get("answers", d.answers)?,
            seed: args.get("seed", d.seed)?,
        })
    };
    let mut rows: Vec<Row> = Vec::new();
    match args.command.as_str() {
        "reports-data" => {
            let spec = gen_spec()?;
            let db = match args.opt::<String>("db")? {
                Some(url) => url,
                None => {
                    let mut dir = harness::TempDir::new("examhall-reports-data")?;
                    dir.keep = true;
                    dir.db_url()
                }
            };
            eprintln!("reports-data: generating into {db}");
            let g = reportdata::generate(&db, &spec).await?;
            rows.push(Row {
                name: "reports-data".into(),
                summary: None,
                note: format!(
                    "{} units, {} candidates, {} exams, {} sittings, {} assignments, {} attempts, \
                     {} answers, {} events, {} results, {} retakes in {:.1} s; {} pairs marked stale; \
                     sign in as {} / {}",
                    g.counts.units + 1,
                    g.counts.users,
                    g.counts.exams,
                    g.counts.sittings,
                    g.counts.assignments,
                    g.counts.attempts,
                    g.counts.answers,
                    g.counts.events,
                    g.counts.results,
                    g.counts.retakes,
                    g.secs,
                    g.stale_marks,
                    reportdata::ADMIN_LOGIN,
                    reportdata::ADMIN_PASSWORD
                ),
            });
            println!("database: {db}");
        }
        "reports" => {
            let c = common()?;
            rows.extend(
                reports::reports(
                    &c,
                    &reports::ReportsOpts {
                        spec: gen_spec()?,
                        db: args.opt("db")?,
                        requests: args.get("requests", 200)?,
                        clients: levels(&args, "clients")?,
                        grade_candidates: args.get("grade-candidates", 300)?,
                        grade_rate: args.get("grade-rate", 20.0)?,
                        traffic_clients: levels(&args, "traffic-clients")?,
                        catch_up_s: args.get("catch-up-s", 1800)?,
                    },
                )
                .await?,
            );
        }
        "t1" => {
            let c = common()?;
            rows.extend(scenarios::t1(&c, &t1_opts(600, 0)?).await?.rows);
        }
        "t2" => {
            let c = common()?;
            rows.extend(
                scenarios::t2(
                    &c,
                    &T2Opts {
                        candidates: args.get("candidates", 1000)?,
                        background: args.get("background", 1000)?,
                        interval_ms: args.get("interval-ms", 5000)?,
                        double_pct: args.get("double-pct", 20)?,
                    },
                )
                .await?,
            );
        }
        "t4" => {
            let c = common()?;
            rows.extend(
                scenarios::t4(
                    &c,
                    &T4Opts {
                        attempts: args.get("attempts", 2000)?,
                        lead_ms: args.get("lead-ms", 4000)?,
                        interval_ms: args.get("interval-ms", 2000)?,
                        target_s: args.get("target-s", 5.0)?,
                    },
                )
                .await?,
            );
        }
        "ceiling" => {
            let sync: String = args.get("sync", "full".to_owned())?;
            let r = scenarios::ceiling(&sync, args.get("secs", 2.0)?, &[1, 16, 128, 512]).await?;
            rows.extend(scenarios::ceiling_rows(&r));
            if let Some(rate) = args.opt::<f64>("endpoint-rate")? {
                rows.push(ratio_row("save endpoint (given)", rate, &r));
            }
        }
        "crash" => {
            let c = common()?;
            rows.extend(
                scenarios::crash(
                    &c,
                    args.get("cycles", 50)?,
                    args.get("clients", 20)?,
                    args.opt("seed")?,
                )
                .await?,
            );
        }
        "all" => {
            let c = common()?;
            eprintln!("ceiling: raw group-commit upserts on SQLite {}", c.sync);
            let ceiling =
                scenarios::ceiling(&c.sync, args.get("secs", 2.0)?, &[1, 16, 128, 512]).await?;
            let t1 = scenarios::t1(&c, &t1_opts(600, 15)?).await?;
            rows.extend(t1.rows.iter().cloned());
            rows.extend(
                scenarios::t2(
                    &c,
                    &T2Opts {
                        candidates: 1000,
                        background: 1000,
                        interval_ms: 5000,
                        double_pct: 20,
                    },
                )
                .await?,
            );
            rows.extend(
                scenarios::t4(
                    &c,
                    &T4Opts {
                        attempts: 2000,
                        lead_ms: 4000,
                        interval_ms: 2000,
                        target_s: 5.0,
                    },
                )
                .await?,
            );
            rows.extend(scenarios::ceiling_rows(&ceiling));
            rows.push(ratio_row("T1 steady save rate", t1.steady_rate, &ceiling));
            if let Some(s) = t1.saturated_rate {
                rows.push(ratio_row("T1 closed-loop save rate", s, &ceiling));
            }
        }
        _ => return Err(USAGE.to_owned()),
    }
    println!("\nexamhall-loadtest {} on {}", args.command, machine());
    println!("{}", stats::table(&rows));
    Ok(())
}

/// A comma-separated list of concurrency levels (default 1 and 4).
fn levels(args: &Args, name: &str) -> Result<Vec<usize>, String> {
    parse_levels(&args.get(name, "1,4".to_owned())?)
        .map_err(|v| format!("--{name}: cannot understand {v:?}"))
}

fn parse_levels(text: &str) -> Result<Vec<usize>, String> {
    text.split(',')
        .map(|v| v.trim().parse::<usize>().map_err(|_| v.to_owned()))
        .collect()
}

fn ratio_row(what: &str, rate: f64, c: &scenarios::CeilingResult) -> Row {
    Row {
        name: format!("ratio: {what}"),
        summary: None,
        note: format!(
            "{rate:.0} saves/s = {:.1}% of the raw ceiling ({:.0} rows/s), {:.1}% of the \
             writer-shaped ceiling ({:.0} rows/s)",
            rate / c.best_raw() * 100.0,
            c.best_raw(),
            rate / c.best_writer_shaped() * 100.0,
            c.best_writer_shaped()
        ),
    }
}

fn main() {
    let args = match Args::parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = rt.block_on(run(args)) {
        eprintln!("examhall-loadtest: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::parse_levels;

    #[test]
    fn concurrency_levels_are_a_comma_separated_list() {
        assert_eq!(parse_levels("1,4"), Ok(vec![1, 4]));
        assert_eq!(parse_levels(" 2 "), Ok(vec![2]));
        assert_eq!(parse_levels("1,x"), Err("x".to_owned()));
    }
}
