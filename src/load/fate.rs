//! What happens to each task of a load run, decided from the seed and the task's index alone,
//! so nothing per task is stored and the same seed replays the same run.

use crate::payload::ids::mix;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shares {
    /// Share of tasks delivered twice.
    pub duplicates: f64,
    /// Share of tasks whose callback is a failure (code 500).
    pub failures: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fate {
    pub failure: bool,
    /// Delivered twice.
    pub duplicate: bool,
    /// The second copy is released together with the first (else a little later).
    pub concurrent: bool,
}

fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

pub fn fate(seed: u64, index: u64, s: &Shares) -> Fate {
    let h = |k: u64| mix(seed ^ mix(index ^ k));
    Fate {
        failure: unit(h(0x0f)) < s.failures,
        duplicate: unit(h(0xd0)) < s.duplicates,
        concurrent: h(0xc0) & 1 == 1,
    }
}

/// The task id of task `index`; all share a prefix the media host serves without registering.
pub fn task_id(prefix: &str, index: u64) -> String {
    format!("{prefix}{index:08}")
}

pub fn prefix(seed: u64) -> String {
    format!("load_{:06x}_", seed & 0xff_ffff)
}

/// Writes the task id: the prefix and the index, zero-padded to 8 digits.
pub(super) fn write_id(out: &mut Vec<u8>, prefix: &str, index: u64) {
    out.clear();
    out.extend_from_slice(prefix.as_bytes());
    let mut digits = [b'0'; 20];
    let (mut n, mut at) = (index, digits.len());
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at.min(digits.len() - 8)..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_come_out_as_asked_and_replay() {
        let s = Shares {
            duplicates: 0.1,
            failures: 0.25,
        };
        let n = 100_000;
        let fates: Vec<_> = (0..n).map(|i| fate(7, i, &s)).collect();
        let dup = fates.iter().filter(|f| f.duplicate).count() as f64 / n as f64;
        let fail = fates.iter().filter(|f| f.failure).count() as f64 / n as f64;
        assert!((dup - 0.1).abs() < 0.01, "{dup}");
        assert!((fail - 0.25).abs() < 0.01, "{fail}");
        assert_eq!(fate(7, 123, &s), fates[123]);
    }

    #[test]
    fn ids_are_zero_padded() {
        let p = prefix(3);
        assert_eq!(task_id(&p, 42), format!("{p}00000042"));
        assert_eq!(task_id(&p, 1_234_567_890), format!("{p}1234567890"));
        let mut buf = b"junk".to_vec();
        write_id(&mut buf, &p, 42);
        assert_eq!(buf, task_id(&p, 42).as_bytes());
    }
}
