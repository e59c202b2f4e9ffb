//! Shrinking a finding: the documented body alone, then each change left out in turn, then
//! each payload made smaller, every step re-sent and kept only while it still breaks the
//! receiver the same way.

use super::case::Case;
use super::finding::{Answer, Breakage};
use super::mutation::Mutation;
use super::runner::Run;
use super::wire::Sent;

/// Tries spent shrinking one finding, at most.
const MAX_SHRINK_TRIES: u32 = 300;

impl Run {
    /// Sends `c` (changed by one shrinking step, or as it was to see it happen again);
    /// whether it still breaks the receiver the same way, and how it was answered.
    pub(super) async fn still_breaks(&mut self, c: &mut Case, b: Breakage) -> Option<Answer> {
        self.pacer.tick().await;
        let r = self.wire.request(c);
        let a = self.wire.send(c, &r, Sent::Shrinking).await;
        (a.breakage() == Some(b)).then_some(a)
    }

    /// The smallest case found that still breaks the receiver the way `c` did: no mutation at
    /// all, else each mutation left out in turn (when there are several), then each payload
    /// made smaller while it still breaks. Cut short by the budget, Ctrl-C or the try limit, it returns the
    /// smallest so far (every step kept was re-sent and still broke), and says so.
    pub(super) async fn shrink(
        &mut self,
        c: Case,
        a: Answer,
        b: Breakage,
    ) -> (Case, Answer, u32, bool) {
        let mut best = c;
        let mut answer = a;
        let mut tries = 0u32;
        let spend = |run: &Run, tries: &mut u32| {
            *tries += 1;
            *tries <= MAX_SHRINK_TRIES && !run.out_of_time()
        };
        // The documented body alone, first: when it breaks the receiver, no change matters.
        if !best.mutations.is_empty() {
            if !spend(self, &mut tries) {
                return (best, answer, tries, false);
            }
            let mut candidate = best.clone();
            candidate.mutations.clear();
            if let Some(a) = self.still_breaks(&mut candidate, b).await {
                return (candidate, a, tries, true);
            }
        }
        // Leave out one mutation at a time.
        let mut i = 0;
        while best.mutations.len() > 1 && i < best.mutations.len() {
            if !spend(self, &mut tries) {
                return (best, answer, tries, false);
            }
            let mut candidate = best.clone();
            candidate.mutations.remove(i);
            match self.still_breaks(&mut candidate, b).await {
                Some(a) => {
                    best = candidate;
                    answer = a;
                    i = 0;
                }
                None => i += 1,
            }
        }
        // Make each payload smaller while it still breaks.
        for i in 0..best.mutations.len() {
            'smaller: loop {
                let options: Vec<Mutation> = best.mutations[i].smaller();
                for m in options {
                    if !spend(self, &mut tries) {
                        return (best, answer, tries, false);
                    }
                    let mut candidate = best.clone();
                    candidate.mutations[i] = m;
                    if let Some(a) = self.still_breaks(&mut candidate, b).await {
                        best = candidate;
                        answer = a;
                        continue 'smaller;
                    }
                }
                break;
            }
        }
        best.mutations = best
            .mutations
            .into_iter()
            .map(Mutation::canonical)
            .collect();
        (best, answer, tries, true)
    }
}
