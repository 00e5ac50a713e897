//! Password hashing with argon2id, off the async workers and with bounded concurrency so
//! a burst of sign-ins cannot starve other requests.

use std::sync::Arc;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// argon2id cost. The floor is OWASP's m=19 MiB, t=2, p=1; hashes made with lower
/// parameters are upgraded on the next successful sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl HashCost {
    pub const MINIMUM: HashCost = HashCost {
        memory_kib: 19_456,
        iterations: 2,
        parallelism: 1,
    };

    fn argon2(self) -> Argon2<'static> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .expect("argon2 parameters are valid");
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

#[derive(Clone)]
pub struct Hasher {
    cost: HashCost,
    permits: Arc<Semaphore>,
    /// A hash verified against when the login does not exist, so that a wrong login and
    /// a wrong password take the same time.
    dummy: Arc<str>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    Ok { rehash: bool },
    Wrong,
}

impl Hasher {
    pub fn new(cost: HashCost, max_concurrent: usize) -> Hasher {
        let cost = HashCost {
            memory_kib: cost.memory_kib.max(HashCost::MINIMUM.memory_kib),
            iterations: cost.iterations.max(HashCost::MINIMUM.iterations),
            parallelism: cost.parallelism.max(HashCost::MINIMUM.parallelism),
        };
        let dummy = hash_now(cost, "examhall-timing-equaliser").into();
        Hasher {
            cost,
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy,
        }
    }

    pub fn cost(&self) -> HashCost {
        self.cost
    }

    pub async fn hash(&self, password: String) -> String {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore is never closed");
        let cost = self.cost;
        tokio::task::spawn_blocking(move || hash_now(cost, &password))
            .await
            .expect("hashing task does not panic")
    }

    /// Verifies against `phc`, or against a dummy hash when `phc` is `None`.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Verified {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore is never closed");
        let cost = self.cost;
        let (known, phc) = match phc {
            Some(p) => (true, p),
            None => (false, self.dummy.to_string()),
        };
        tokio::task::spawn_blocking(move || {
            let Ok(parsed) = PasswordHash::new(&phc) else {
                return Verified::Wrong;
            };
            let ok = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            if ok && known {
                Verified::Ok {
                    rehash: needs_rehash(&parsed, cost),
                }
            } else {
                Verified::Wrong
            }
        })
        .await
        .expect("verification task does not panic")
    }
}

fn hash_now(cost: HashCost, password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    cost.argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters succeeds")
        .to_string()
}

fn needs_rehash(parsed: &PasswordHash<'_>, cost: HashCost) -> bool {
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return true;
    }
    match Params::try_from(parsed) {
        Ok(p) => {
            p.m_cost() < cost.memory_kib
                || p.t_cost() < cost.iterations
                || p.p_cost() < cost.parallelism
        }
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let h = Hasher::new(HashCost::MINIMUM, 2);
        let phc = h.hash("正确的密码-1".into()).await;
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            h.verify("正确的密码-1".into(), Some(phc.clone())).await,
            Verified::Ok { rehash: false }
        );
        assert_eq!(h.verify("wrong".into(), Some(phc)).await, Verified::Wrong);
    }

    #[tokio::test]
    async fn an_unknown_login_never_verifies() {
        let h = Hasher::new(HashCost::MINIMUM, 1);
        assert_eq!(
            h.verify("examhall-timing-equaliser".into(), None).await,
            Verified::Wrong
        );
    }

    #[tokio::test]
    async fn hashes_below_the_configured_cost_are_flagged_for_upgrade() {
        let salt = SaltString::generate(&mut OsRng);
        let weak_params = Params::new(8192, 1, 1, None).unwrap();
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, weak_params);
        let phc = weak
            .hash_password(b"some password", &salt)
            .unwrap()
            .to_string();
        let h = Hasher::new(HashCost::MINIMUM, 1);
        assert_eq!(
            h.verify("some password".into(), Some(phc)).await,
            Verified::Ok { rehash: true }
        );
    }

    #[test]
    fn configured_costs_below_the_floor_are_raised() {
        let h = Hasher::new(
            HashCost {
                memory_kib: 1024,
                iterations: 1,
                parallelism: 1,
            },
            1,
        );
        assert_eq!(h.cost(), HashCost::MINIMUM);
    }
}
