//! Latency samples and their percentiles (a sorted vector: a 10-minute run at 400 saves/s
//! is a quarter of a million samples, a few megabytes), and the summary table.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// One request: when it was sent (milliseconds since the scenario's origin) and how long
/// it took to complete (microseconds).
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub at_ms: u32,
    pub lat_us: u32,
}

#[derive(Debug, Default, Clone)]
pub struct Samples {
    /// Successful requests.
    pub ok: Vec<Sample>,
    /// Failed requests by HTTP status (0 = connection error or timeout).
    pub errors: BTreeMap<u16, u64>,
    pub first_errors: Vec<String>,
}

impl Samples {
    pub fn record_ok(&mut self, at: Duration, lat: Duration) {
        self.ok.push(Sample {
            at_ms: at.as_millis().min(u128::from(u32::MAX)) as u32,
            lat_us: lat.as_micros().min(u128::from(u32::MAX)) as u32,
        });
    }

    pub fn record_err(&mut self, status: u16, what: impl FnOnce() -> String) {
        *self.errors.entry(status).or_default() += 1;
        if self.first_errors.len() < 5 {
            self.first_errors.push(what());
        }
    }

    pub fn merge(&mut self, other: Samples) {
        self.ok.extend(other.ok);
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for e in other.first_errors {
            if self.first_errors.len() < 5 {
                self.first_errors.push(e);
            }
        }
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Only the requests sent within `[from_ms, to_ms)`.
    pub fn window(&self, from_ms: u32, to_ms: u32) -> Samples {
        Samples {
            ok: self
                .ok
                .iter()
                .copied()
                .filter(|s| s.at_ms >= from_ms && s.at_ms < to_ms)
                .collect(),
            errors: BTreeMap::new(),
            first_errors: Vec::new(),
        }
    }

    pub fn summary(&self) -> Summary {
        let mut lat: Vec<u32> = self.ok.iter().map(|s| s.lat_us).collect();
        lat.sort_unstable();
        let pct = |q: f64| -> f64 {
            if lat.is_empty() {
                return f64::NAN;
            }
            let i = ((q * lat.len() as f64).ceil() as usize).clamp(1, lat.len()) - 1;
            f64::from(lat[i]) / 1000.0
        };
        let span_ms = match (
            self.ok.iter().map(|s| s.at_ms).min(),
            self.ok.iter().map(|s| s.at_ms).max(),
        ) {
            (Some(a), Some(b)) if b > a => f64::from(b - a),
            _ => 0.0,
        };
        Summary {
            requests: self.ok.len() as u64 + self.error_count(),
            errors: self.error_count(),
            p50_ms: pct(0.50),
            p95_ms: pct(0.95),
            p99_ms: pct(0.99),
            max_ms: pct(1.0),
            rate: if span_ms > 0.0 {
                self.ok.len() as f64 / (span_ms / 1000.0)
            } else {
                0.0
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub requests: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Successful requests per second over the span they were sent in.
    pub rate: f64,
}

/// One line of the final table.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub summary: Option<Summary>,
    /// Free text: attempts per candidate, finalisation times, ratios.
    pub note: String,
}

fn ms(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<34} {:>8} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}  notes",
        "scenario", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s"
    );
    let _ = writeln!(out, "{}", "-".repeat(110));
    for r in rows {
        match &r.summary {
            Some(s) => {
                let _ = writeln!(
                    out,
                    "{:<34} {:>8} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8.0}  {}",
                    r.name,
                    s.requests,
                    s.errors,
                    ms(s.p50_ms),
                    ms(s.p95_ms),
                    ms(s.p99_ms),
                    ms(s.max_ms),
                    s.rate,
                    r.note
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "{:<34} {:>8} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}  {}",
                    r.name, "", "", "", "", "", "", "", r.note
                );
            }
        }
    }
    out
}
