//! `verify-source`: forged callbacks are refused and change nothing; the genuine one is accepted.

use super::compare::{Watch, observations as observations_of, same};
use super::judge::{Context, Finding, Judged};
use super::{Explain, Level, Needs, Phase, Plan, Rewrite, Rule};
use crate::outcome::Observation;
use crate::wire::{Auth, Role, describe};

pub const ID: &str = "verify-source";

/// The forged deliveries, by what the run declares. Each is picked from the evidence by its
/// auth variant, and its observations by its task and their role (`before`, `after`; the
/// genuine one's are the control's).
pub const SIGNATURE_VARIANTS: [Auth; 3] = [Auth::Unsigned, Auth::WrongKey, Auth::StaleTimestamp];
pub const TOKEN_VARIANTS: [Auth; 2] = [Auth::NoToken, Auth::WrongToken];

pub const RULE: Rule = Rule {
    id: ID,
    level: Level::Should,
    summary: "forged callbacks are refused",
    explain: Explain {
        does: "only when the run declares how the receiver authenticates. With --hmac-key: sends an unsigned callback, one signed with a wrong key and one with a timestamp 10 minutes old. With --token-param: one without the token and one with a wrong token. Then the genuine callback",
        passes: "each forged one is answered 4xx and changes no observed side effect; the genuine one is answered 200",
        why: "the page: \"Verify Source: verify the legitimacy of the request source\". The callback URL is reachable from the internet, so anyone who learns it can post a success with any video_url",
        fix: "with signing: recompute base64(HMAC-SHA256(task_id + \".\" + X-Webhook-Timestamp, key)), compare in constant time, refuse timestamps older than 5 minutes; with a token: compare the query parameter in constant time; answer 401 on any mismatch before doing any work",
    },
    whole_run: false,
    plan: Plan {
        phase: Phase::WellFormed,
        needs: Needs::Auth,
        rewrite: Rewrite::DeclaredAuthOnly,
    },
    judge,
};

/// The observations of `task_id` in the roles `before` and `after`.
fn pair_of(
    roled: &[Observation],
    task_id: &str,
    before: Role,
    after: Role,
) -> Option<(Observation, Observation)> {
    let find = |r: Role| {
        roled
            .iter()
            .find(|o| o.task_id == task_id && o.role == Some(r))
            .cloned()
    };
    Some((find(before)?, find(after)?))
}

fn judge(ctx: &Context<'_>) -> Judged {
    if !ctx.setup.hmac && !ctx.setup.token {
        return Judged::new(Finding::Skip(
            "the run does not say how the receiver authenticates: pass --hmac-key KEY (it verifies X-Webhook-Signature) or --token-param NAME (its URL carries a secret)".into(),
        ));
    }
    if ctx.scenario(ID).is_none() {
        return Judged::new(Context::not_run(ID));
    }
    let ds = ctx.deliveries(ID);
    let mut applicable: Vec<Auth> = Vec::new();
    if ctx.setup.hmac {
        applicable.extend(SIGNATURE_VARIANTS);
    }
    if ctx.setup.token {
        applicable.extend(TOKEN_VARIANTS);
    }
    let roled = observations_of(ctx, ID);
    let mut observations = Vec::new();
    let mut problems = Vec::new();
    let mut blind = false;
    for auth in &applicable {
        let variant = auth.name();
        let Some(d) = ds.iter().find(|d| d.auth == *auth) else {
            problems.push((variant, "was not sent".to_string()));
            continue;
        };
        let a = &d.attempts[0];
        if !a.status.is_some_and(|s| (400..500).contains(&s)) {
            problems.push((variant, describe(a)));
        }
        if let Some((before, after)) = pair_of(&roled, &d.task_id, Role::Before, Role::After) {
            if !same(&after, &before, Watch::Everything) {
                problems.push((variant, format!("was processed: {}", after.summary())));
            }
            observations.push(after);
        }
    }
    match ds.iter().find(|d| d.auth == Auth::Genuine) {
        Some(d) if d.attempts[0].status != Some(200) => problems.push((
            "genuine",
            format!(
                "{}: the receiver refuses the provider too",
                describe(&d.attempts[0])
            ),
        )),
        Some(d) => {
            if let Some((b, a)) =
                pair_of(&roled, &d.task_id, Role::ControlBefore, Role::ControlAfter)
            {
                blind = same(&a, &b, Watch::Everything);
                observations.push(a);
            }
        }
        None => problems.push(("genuine", "was not sent".into())),
    }
    // Said once per callback that went wrong, however many ways it did (issue 9: three forged
    // callbacks, each answered 200 and processed, read "(and 5 more)").
    let finding = if let Some((first, _)) = problems.first() {
        let about_first: Vec<&str> = problems
            .iter()
            .filter(|(v, _)| v == first)
            .map(|(_, p)| p.as_str())
            .collect();
        let mut others: Vec<&str> = problems.iter().map(|(v, _)| *v).collect();
        others.dedup();
        others.retain(|v| v != first);
        let more = if others.is_empty() {
            String::new()
        } else {
            format!(" (also wrong: the {} callbacks)", others.join(", "))
        };
        Finding::Bad(format!(
            "the {first} callback {}{more}",
            about_first.join(" and ")
        ))
    } else if blind {
        Finding::Ok(format!(
            "refused all {} forged callbacks with 4xx and accepted the genuine one (side effects not observable: add --probe-url to check that forged ones change nothing)",
            applicable.len()
        ))
    } else {
        Finding::Ok(format!(
            "refused all {} forged callbacks ({}) with 4xx and no side effect; accepted the genuine one",
            applicable.len(),
            applicable
                .iter()
                .map(|a| a.name())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    };
    Judged {
        finding,
        deliveries: ds,
        observations,
    }
}
