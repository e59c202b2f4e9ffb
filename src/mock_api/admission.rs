//! Whether the provider takes a create call: its rate limit (20 creates every 10 s by default)
//! and the account's credits (each create costs its family's price). A refused create leaves no
//! task behind and costs nothing.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::fields::Refusal;
use crate::family::Family;

/// The code a create over the rate limit gets. The provider's code table has 405 ("rate limit
/// exceeded") and 430 ("call frequency too high") without saying which this limit uses; the
/// mock answers 430, the one named for call frequency.
pub const RATE_LIMITED: u16 = 430;
/// The code a create the balance cannot pay gets ("insufficient credits").
pub const NO_CREDITS: u16 = 429;

#[derive(Debug)]
pub struct Admission {
    credits: Mutex<u64>,
    prices: Vec<(String, u64)>,
    /// `(creates, window)`; `None`: no limit.
    limit: Option<(u32, Duration)>,
    recent: Mutex<VecDeque<Instant>>,
}

impl Admission {
    pub fn new(credits: u64, prices: Vec<(String, u64)>, limit: Option<(u32, Duration)>) -> Self {
        Admission {
            credits: Mutex::new(credits),
            prices,
            limit,
            recent: Mutex::new(VecDeque::new()),
        }
    }

    /// What a create of `family` costs: its `--price`, else the family's own.
    pub fn price(&self, family: &Family) -> u64 {
        self.prices
            .iter()
            .find(|(f, _)| f == family.id)
            .map_or(family.price, |(_, p)| *p)
    }

    pub fn balance(&self) -> u64 {
        *self.credits.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes one create of `family`: counted against the rate limit and paid, or refused with
    /// `(code, msg)` and nothing changed.
    pub fn admit(&self, family: &Family) -> Result<(), Refusal> {
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if let Some((n, window)) = self.limit {
            while recent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window)
            {
                recent.pop_front();
            }
            if recent.len() >= n as usize {
                return Err(Refusal::new(
                    RATE_LIMITED,
                    format!(
                        "call frequency too high: at most {n} creates every {}",
                        crate::duration::Dur(window)
                    ),
                ));
            }
        }
        let mut credits = self.credits.lock().unwrap_or_else(PoisonError::into_inner);
        let price = self.price(family);
        if *credits < price {
            return Err(Refusal::new(
                NO_CREDITS,
                format!(
                    "insufficient credits: this {} task costs {price}, the balance is {}",
                    family.id, *credits
                ),
            ));
        }
        *credits -= price;
        if self.limit.is_some() {
            recent.push_back(now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_and_the_balance_refuse_without_charging() {
        let a = Admission::new(
            5,
            vec![("video".into(), 2)],
            Some((2, Duration::from_secs(60))),
        );
        assert!(a.admit(crate::family::video()).is_ok());
        assert!(a.admit(crate::family::video()).is_ok());
        assert_eq!(
            a.admit(crate::family::video()).unwrap_err().status,
            RATE_LIMITED
        );
        assert_eq!(a.balance(), 1, "the refused create cost nothing");
        let b = Admission::new(3, vec![("video".into(), 2)], None);
        assert!(b.admit(crate::family::video()).is_ok());
        assert_eq!(
            b.admit(crate::family::video()).unwrap_err().status,
            NO_CREDITS
        );
        assert_eq!(b.balance(), 1);
    }
}
