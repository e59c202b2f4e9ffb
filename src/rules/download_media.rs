//! `download-media` (info; `download-video` is its old name): the receiver fetches the
//! callback's media promptly.

use super::compare::by_role;
use super::judge::{Context, Finding, Judged, before_judging};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::wire::Role;

pub const ID: &str = "download-media";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Info,
    summary: "the callback's media are downloaded promptly",
    explain: Explain {
        does: "delivers a success callback and watches the harness's media host for up to --max-wait (60 s)",
        passes: "the receiver completed a download of a media URL of the callback (video_url, audio_url, audioWavUrl, the stems, the images)",
        why: "the provider keeps files for a limited time (videos 14 days, music 15): \"please download and save to local storage promptly\". A receiver that only stores the link loses the file when it expires",
        fix: "download the files in the background after answering, and store them where you keep your media",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Media,
        rewrite: Rewrite::Nothing,
    },
    judge,
};

/// What can make a receiver that downloads fetch nothing here: the harness's own set-up.
fn not_fetched_hint(setup: &super::Setup) -> String {
    let scheme = if setup.media_https {
        String::new()
    } else {
        "the media links were http:// (the provider's are https): a receiver that refuses non-https media fetches nothing, so try --media-tls; ".to_string()
    };
    format!("{scheme}{}", super::judge::REUSED_SEED)
}

fn judge(ctx: &Context<'_>) -> Judged {
    if let Some(j) = before_judging(
        ctx,
        ID,
        ctx.setup.family.has_media(),
        "sends no media to download",
    ) {
        return j;
    }
    let ds = ctx.deliveries(ID);
    let Some(o) = by_role(ctx, ID, Role::After) else {
        return Judged::new(Finding::Inconclusive(
            "the scenario kept no observation in the role `after`".into(),
        ));
    };
    let finding = if o.downloads.completed > 0 {
        Finding::Ok(format!(
            "completed a download of {} (observed {:.1}s after the callback)",
            if ctx.setup.family.id == "video" {
                "video_url"
            } else {
                "the media"
            },
            o.waited_ms / 1000.0
        ))
    } else if o.downloads.requests > 0 {
        Finding::Bad(format!(
            "requested the media {} times but never completed a download",
            o.downloads.requests
        ))
    } else {
        Finding::Bad(format!(
            "did not fetch {} within {:.0}s; {}",
            if ctx.setup.family.id == "video" {
                "video_url"
            } else {
                "any media URL"
            },
            o.waited_ms / 1000.0,
            not_fetched_hint(ctx.setup)
        ))
    };
    Judged {
        finding,
        deliveries: ds,
        observations: vec![o],
    }
}
