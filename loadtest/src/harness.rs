//! Running the real `examhall` binary as a child process on a temporary SQLite database,
//! killing it (SIGKILL) and starting it again; a temporary directory; a small RNG.
//!
//! Shared with `server/tests/crash.rs` (included there by path).

use std::fs::OpenOptions;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A directory under the system temp dir, removed on drop unless kept.
pub struct TempDir {
    pub path: PathBuf,
    pub keep: bool,
}

impl TempDir {
    pub fn new(prefix: &str) -> Result<TempDir, String> {
        let path = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(TempDir { path, keep: false })
    }

    pub fn db_url(&self) -> String {
        server::config::sqlite_url(&self.path.join("examhall.sqlite3"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A free local port (bound and released at once).
pub fn free_addr() -> Result<SocketAddr, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    l.local_addr().map_err(|e| format!("local addr: {e}"))
}

/// The server as a child process. Killed (SIGKILL) on drop.
pub struct ServerProc {
    child: Option<Child>,
    pub log: PathBuf,
    bin: PathBuf,
    dir: PathBuf,
    env: Vec<(String, String)>,
}

impl ServerProc {
    /// Starts `bin` serving `db_url` on `addr`, with SQLite `synchronous=FULL` and the
    /// server's default log level (`EXAMHALL_LOG` in `extra_env` changes it). Its output
    /// is appended to `dir/server.log`; its working directory is `dir`, so no stray
    /// `examhall.toml` is picked up.
    pub fn spawn(
        bin: &Path,
        db_url: &str,
        addr: SocketAddr,
        dir: &Path,
        extra_env: &[(&str, &str)],
    ) -> Result<ServerProc, String> {
        let mut env: Vec<(String, String)> =
            crate::fixture::server_env(db_url).into_iter().collect();
        env.retain(|(k, _)| k != "EXAMHALL_LISTEN");
        env.push(("EXAMHALL_LISTEN".into(), addr.to_string()));
        for (k, v) in extra_env {
            env.retain(|(key, _)| key != k);
            env.push(((*k).to_owned(), (*v).to_owned()));
        }
        let mut p = ServerProc {
            child: None,
            log: dir.join("server.log"),
            bin: bin.to_owned(),
            dir: dir.to_owned(),
            env,
        };
        p.start()?;
        Ok(p)
    }

    fn start(&mut self) -> Result<(), String> {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .map_err(|e| format!("{}: {e}", self.log.display()))?;
        let log2 = log.try_clone().map_err(|e| e.to_string())?;
        let mut cmd = Command::new(&self.bin);
        cmd.arg("serve")
            .current_dir(&self.dir)
            .env_remove("EXAMHALL_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log2));
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.bin.display()))?;
        self.child = Some(child);
        Ok(())
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL (what `Child::kill` sends on Unix) and reap.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the same binary again on the same database and address.
    pub fn restart(&mut self) -> Result<(), String> {
        self.kill();
        self.start()
    }

    /// The last lines of the server's log, for error messages.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// xorshift64*: enough randomness for think times and kill moments, no extra crate.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// Seeded from a fresh random UUID.
    pub fn random() -> Rng {
        let b = uuid::Uuid::new_v4().as_u128();
        Rng::new((b as u64) ^ ((b >> 64) as u64))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            lo
        } else {
            lo + self.next_u64() % (hi - lo)
        }
    }
}
