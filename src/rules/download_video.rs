//! `download-video` (info): the receiver fetches `video_url` promptly.

use super::judge::{Context, Finding, Judged};
use super::{Explain, Level, Rule};

pub const ID: &str = "download-video";

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Info,
    summary: "the video is downloaded promptly",
    explain: Explain {
        does: "delivers a success callback and watches the harness's video host for up to 60 s",
        passes: "the receiver completed a download of video_url",
        why: "the page: \"Video URL is valid for 14 days, please download and save to local storage promptly\". A receiver that only stores the link loses the video when it expires",
        fix: "download the file in the background after answering, and store it where you keep your media",
    },
    whole_run: false,
    judge,
};

fn judge(ctx: &Context<'_>) -> Judged {
    if ctx.scenario(ID).is_none() {
        return Judged::new(Context::not_run(ID));
    }
    let ds = ctx.deliveries(ID);
    let Some(o) = ctx.observation(ID, "downloaded") else {
        return Judged::new(Finding::Inconclusive(
            "the scenario kept no observation `downloaded`".into(),
        ));
    };
    let finding = if o.downloads.completed > 0 {
        Finding::Ok(format!(
            "completed a download of video_url (observed {:.1}s after the callback)",
            o.waited_ms / 1000.0
        ))
    } else if o.downloads.requests > 0 {
        Finding::Bad(format!(
            "requested the video {} times but never completed a download",
            o.downloads.requests
        ))
    } else {
        Finding::Bad(format!(
            "did not fetch video_url within {:.0}s",
            o.waited_ms / 1000.0
        ))
    };
    Judged {
        finding,
        deliveries: ds,
        observations: vec![o],
    }
}
