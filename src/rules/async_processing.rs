//! `async-processing`: a video that downloads slowly does not hold up the answer.

use super::judge::{Context, Finding, Judged, before_judging, what};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::duration::Dur;
use crate::wire::describe;

pub const ID: &str = "async-processing";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Must,
    summary: "a slow media download does not hold up the answer",
    explain: Explain {
        does: "delivers a success callback whose media ({media}) trickle out over twice the deadline",
        passes: "the first attempt is answered 200 within the deadline",
        why: "the page: \"Complex business logic should be processed asynchronously to avoid blocking callback response\" and \"Video files are usually large\". The page's own Python example downloads the video before answering: with a large file or a slow link it misses the 15 s deadline",
        fix: "hand the download to a queue or a background task (a goroutine, `tokio::spawn`, a Celery job) and answer 200 at once",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::SlowMedia,
        needs: Needs::Media,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    if let Some(j) = before_judging(
        ctx,
        ID,
        ctx.setup.family.has_media(),
        "sends no media to serve slowly",
    ) {
        return j;
    }
    let ds = ctx.deliveries(ID);
    let Some(d) = ds.first() else {
        return Judged::new(Finding::Inconclusive("no callback was delivered".into()));
    };
    let a = &d.attempts[0];
    let finding = if a.status == Some(200) {
        Finding::Ok(format!(
            "answered {} without waiting for its {}, served slowly (over {})",
            crate::wire::took(a),
            if ctx.setup.family.id == "video" {
                "video"
            } else {
                "media"
            },
            Dur(ctx.setup.deadline * 2 + std::time::Duration::from_secs(1))
        ))
    } else if a.status.is_none() {
        Finding::Bad(format!(
            "{} {} while its video trickled out over more than {}: the download blocks the answer (the provider would retry; check stops at this first attempt, which decides the rule)",
            what(d),
            describe(a),
            Dur(ctx.setup.deadline)
        ))
    } else {
        Finding::Bad(format!("{} {}", what(d), describe(a)))
    };
    Judged::with(finding, ds)
}
