//! The rule catalogue of CONTRACT.md §2: one file per rule, each holding its `explain` text next
//! to the logic that judges it. Rules see only outcome data, never HTTP library types.

mod accept_documented_variants;
mod accept_json_charset;
mod ack_deadline;
mod ack_failure;
mod ack_success;
#[cfg(test)]
mod answers_tests;
mod async_processing;
mod compare;
mod download_media;
mod fast_ack;
mod generated;
mod idempotent_concurrent;
mod idempotent_duplicate;
mod judge;
mod plan;
mod record_failure;
mod reject_invalid;
mod reject_malformed;
mod stages_not_duplicates;
mod stale_stage;
mod survive_bad_input;
#[cfg(test)]
mod testkit;
mod tolerate_extra_fields;
mod use_https;
mod verify_source;

pub use crate::wire::{describe, took};
pub use judge::{Context, Finding, Judged, Setup};
pub use plan::{Needs, Phase, Plan, PlanFor, Rewrite};
pub use use_https::is_loopback;
pub use verify_source::{SIGNATURE_VARIANTS, TOKEN_VARIANTS};

pub use crate::outcome::verdict::{Evidence, Level, RuleResult, Verdict};

/// What `suno-mock explain` prints.
pub struct Explain {
    /// What the harness does to check it.
    pub does: &'static str,
    /// When it passes.
    pub passes: &'static str,
    /// Why the provider's documentation asks for it.
    pub why: &'static str,
    /// How receivers usually fix a failure.
    pub fix: &'static str,
}

pub struct Rule {
    pub id: &'static str,
    pub level: Level,
    pub summary: &'static str,
    pub explain: Explain,
    /// Judged on every delivery of the run (so only once it has ended); otherwise on its own
    /// scenario alone, as soon as that has ended.
    pub whole_run: bool,
    /// When its scenario runs in `check`, what it needs to have anything to judge, and how it
    /// fits its scenario to the family and the run.
    pub plan: Plan,
    pub judge: fn(&Context<'_>) -> Judged,
}

impl Rule {
    /// Judges the rule and maps the finding to a verdict by level: a bad finding fails a must
    /// rule and warns on the others.
    pub fn result(&self, ctx: &Context<'_>) -> RuleResult {
        // A cut attempt is shown as the evidence of why the rule could not be judged.
        if !self.whole_run
            && let Some(finding) = ctx.interrupted_in(self.id)
        {
            return self.verdict(Judged::with(finding, ctx.deliveries(self.id)));
        }
        let j = match ctx.scenario_problem(self.id) {
            // A rule of the whole run still judges what was sent before the run was cut
            // short (ack-deadline fails on the unanswered attempts), unless that is nothing.
            Some(finding) if self.whole_run && ctx.run.cut_short.is_some() => {
                match (self.judge)(ctx) {
                    j if matches!(j.finding, Finding::Inconclusive(_)) => Judged::new(finding),
                    j => j,
                }
            }
            Some(finding) => Judged::new(finding),
            None => (self.judge)(ctx),
        };
        self.verdict(j)
    }

    /// Maps a finding to this rule's verdict by its level.
    fn verdict(&self, j: Judged) -> RuleResult {
        let (verdict, reason) = match j.finding {
            Finding::Ok(r) => (Verdict::Pass, r),
            Finding::Bad(r) => (
                if self.level == Level::Must {
                    Verdict::Fail
                } else {
                    Verdict::Warn
                },
                r,
            ),
            Finding::Skip(r) => (Verdict::Skip, r),
            Finding::Inconclusive(r) => (Verdict::Inconclusive, r),
        };
        RuleResult {
            id: self.id,
            level: self.level,
            verdict,
            reason,
            evidence: Evidence {
                deliveries: j.deliveries,
                observations: j.observations,
            },
        }
    }
}

pub static CATALOGUE: &[Rule] = &[
    ack_success::RULE,
    ack_failure::RULE,
    ack_deadline::RULE,
    async_processing::RULE,
    idempotent_duplicate::RULE,
    idempotent_concurrent::RULE,
    fast_ack::RULE,
    tolerate_extra_fields::RULE,
    accept_json_charset::RULE,
    reject_malformed::RULE,
    reject_invalid::RULE,
    survive_bad_input::RULE,
    verify_source::RULE,
    download_media::RULE,
    stages_not_duplicates::RULE,
    stale_stage::RULE,
    accept_documented_variants::RULE,
    record_failure::RULE,
    use_https::RULE,
];

/// A rule's text in one family's words: `{media}` becomes the fields that carry its media
/// (`video_url`; `audio_url, ..., image_url` for music) and `{codes}` the failure codes it
/// sends; without a family, words that fit every family.
pub fn in_words_of(text: &str, family: Option<&crate::family::Family>) -> String {
    let (media, codes) = match family {
        Some(f) => {
            let codes: Vec<String> = f.failure_codes.iter().map(|c| c.code.to_string()).collect();
            (
                f.media_fields().join(", "),
                crate::wire::words::and_list(&codes),
            )
        }
        None => (
            "video_url; audio_url... for the other families".to_string(),
            "the family's; video: 500, 400 and 451".to_string(),
        ),
    };
    text.replace("{media}", &media).replace("{codes}", &codes)
}

pub fn ids() -> impl Iterator<Item = &'static str> {
    CATALOGUE.iter().map(|r| r.id)
}

/// The rule with this id, forgiving case and `_` for `-` (`VERIFY_SOURCE`).
pub fn find(id: &str) -> Option<&'static Rule> {
    let id = normalize(id);
    CATALOGUE.iter().find(|r| r.id == id)
}

/// An id as users type it, in the catalogue's spelling: lowercase, `-` between words, and
/// the old name `download-video` for `download-media`.
pub fn normalize(id: &str) -> String {
    let id = id.trim().to_ascii_lowercase().replace('_', "-");
    if id == "download-video" {
        "download-media".into()
    } else {
        id
    }
}

/// `unknown rule `x`; did you mean `y`? rules: ...`, for every place that takes a rule id.
pub fn unknown_rule_message(id: &str) -> String {
    let ids: Vec<_> = ids().collect();
    let hint = crate::wire::words::did_you_mean(&normalize(id), &ids)
        .map(|m| format!("did you mean `{m}`? "))
        .unwrap_or_default();
    format!("no rule `{id}`; {hint}rules: {}", ids.join(", "))
}

/// The must rules whose verdict is inconclusive: nothing shows whether they hold.
pub fn unverified_must(rules: &[RuleResult]) -> Vec<&RuleResult> {
    rules
        .iter()
        .filter(|r| r.level == Level::Must && r.verdict == Verdict::Inconclusive)
        .collect()
}

/// Judges every rule in `only` (all when empty), in catalogue order.
pub fn judge_all(ctx: &Context<'_>, only: &[String]) -> Vec<RuleResult> {
    CATALOGUE
        .iter()
        .filter(|r| only.is_empty() || only.iter().any(|o| o == r.id))
        .map(|r| r.result(ctx))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_wire_layer_knows_every_rule_id() {
        let ids: Vec<&str> = super::ids().collect();
        assert_eq!(ids, crate::wire::RULE_IDS);
    }
}
