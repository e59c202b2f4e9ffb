//! Seeded task ids: the same seed, scenario and alias always give the same `task_id`, so a
//! report's seed replays a run exactly; different scenarios never share an id by accident.

use std::collections::HashMap;

/// FNV-1a: a stable hash (std's hasher may change between Rust releases, and ids must not).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: spreads the bits so neighbouring seeds give unrelated ids.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The ids of one scenario run.
#[derive(Debug, Clone)]
pub struct TaskIds {
    seed: u64,
    scope: String,
    ids: HashMap<String, String>,
}

impl TaskIds {
    pub fn new(seed: u64, scope: &str) -> Self {
        TaskIds {
            seed,
            scope: scope.to_string(),
            ids: HashMap::new(),
        }
    }

    /// The `task_id` of `alias`, made on first use.
    pub fn get(&mut self, alias: &str) -> String {
        let (seed, scope) = (self.seed, &self.scope);
        self.ids
            .entry(alias.to_string())
            .or_insert_with(|| task_id(seed, scope, alias))
            .clone()
    }

    /// Gives `alias` a fixed id (`send --task ID`).
    pub fn pin(&mut self, alias: &str, id: &str) {
        self.ids.insert(alias.to_string(), id.to_string());
    }

    /// The id already given to `alias`, if any.
    pub fn known(&self, alias: &str) -> Option<&str> {
        self.ids.get(alias).map(String::as_str)
    }
}

/// Shaped like the provider's ids (`task_id_5bbe7721119d` on its page).
pub fn task_id(seed: u64, scope: &str, alias: &str) -> String {
    let h = mix(seed ^ fnv1a(scope) ^ fnv1a(alias).rotate_left(17));
    format!("task_{:012x}", h & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids_and_scopes_differ() {
        let mut a = TaskIds::new(42, "s1");
        let mut b = TaskIds::new(42, "s1");
        assert_eq!(a.get("x"), b.get("x"));
        assert_ne!(a.get("x"), a.get("y"));
        assert_ne!(TaskIds::new(42, "s2").get("x"), a.get("x"));
        assert_ne!(TaskIds::new(43, "s1").get("x"), a.get("x"));
        // Pinned: a change here breaks the replay promise of every published seed.
        assert_eq!(task_id(42, "s1", "x").len(), 17);
    }
}
