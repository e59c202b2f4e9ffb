//! The reports of `fuzz`: the findings with their minimal bodies and files, the bodies the
//! receiver accepted although the docs rule them out, and the counts; as text, JSON (same
//! envelope as the other commands) and JUnit (one failing testcase per finding).

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use super::junit::{Case, CaseKind};
use super::style::Style;
use crate::outcome::fuzz::{
    AcceptedInvalid, Change, Counts, Found, FuzzHead, FuzzResult, Unreproduced, short,
};

/// `fuzz`'s first line: the receiver, family, seed, plan and deadline.
pub fn head(h: &FuzzHead) -> String {
    format!(
        "suno-mock fuzz · receiver {} · family {} · seed {} · {} · deadline {}, no retries\n",
        h.run.receiver,
        h.run.family,
        h.run.seed,
        plan(h),
        crate::duration::Dur(h.run.deadline)
    )
}

/// The line said (on stderr) as each finding's file is written.
pub fn said(f: &Found) -> String {
    let file = f
        .file
        .as_ref()
        .map_or(String::new(), |p| format!(" · wrote {}", p.display()));
    format!("finding {}: {}{file}", f.number, f.title)
}

/// `1000 cases at most 100/s, concurrency 4`.
fn plan(h: &FuzzHead) -> String {
    let plan = match (h.cases, h.budget) {
        (Some(n), Some(b)) => format!("{n} cases or {}", crate::duration::Dur(b)),
        (Some(n), None) => format!("{n} cases"),
        (None, Some(b)) => format!("cases for {}", crate::duration::Dur(b)),
        (None, None) => "1000 cases".into(),
    };
    format!("{plan} at most {}/s, concurrency {}", h.rate, h.concurrency)
}

fn body_text(f: &Found) -> String {
    match &f.body {
        Some(body) => match std::str::from_utf8(body) {
            Ok(t) => short(t, 240),
            Err(_) => format!(
                "{} bytes, not UTF-8: {}",
                body.len(),
                short(&String::from_utf8_lossy(body), 240)
            ),
        },
        None => String::new(),
    }
}

pub fn human(h: &FuzzHead, r: &FuzzResult, st: &Style) -> String {
    let mut out = String::new();
    let c = &r.counts;
    let _ = writeln!(
        out,
        "{} in {}: {} refused (4xx), {} accepted, {} broke the receiver",
        super::plural(c.sent as usize, "case"),
        crate::duration::human(r.duration),
        c.refused,
        c.accepted,
        c.broke
    );
    if let Some(s) = &r.stopped {
        let _ = writeln!(out, "{}", st.bad(s));
    }
    if r.interrupted {
        let _ = writeln!(
            out,
            "{}",
            st.warn("interrupted: the findings so far are written")
        );
    }
    for f in &r.findings {
        let _ = writeln!(
            out,
            "{} {} · {}",
            st.bad(&format!("finding {}:", f.number)),
            f.title,
            super::plural(f.hits as usize, "hit")
        );
        let _ = writeln!(out, "  case {}: {}", f.case, f.base);
        for c in &f.changes {
            let _ = writeln!(out, "    {}", c.change);
        }
        let _ = writeln!(out, "  body: {}", body_text(f));
        if f.cases.is_empty() {
            let _ = writeln!(
                out,
                "  {}",
                if f.shrunk {
                    format!(
                        "shrunk in {}",
                        super::count(f.shrink_tries as usize, "try", "tries")
                    )
                } else {
                    "not shrunk to the end (cut short)".into()
                }
            );
        } else {
            let indexes: Vec<String> = f.cases.iter().map(u64::to_string).collect();
            let _ = writeln!(
                out,
                "  the file replays case {} (everything sent since it last answered well), then a well-formed callback",
                indexes.join(", ")
            );
        }
        if let Some(p) = &f.file {
            let _ = writeln!(
                out,
                "  replay: suno-mock run {} --receiver {}",
                p.display(),
                h.run.receiver
            );
        }
    }
    if !r.unreproduced.is_empty() {
        let cases: Vec<String> = r
            .unreproduced
            .iter()
            .map(|u| format!("case {} ({})", u.case, u.answer))
            .collect();
        let _ = writeln!(
            out,
            "{} broke the receiver once but not when re-sent (flaky, not findings): {}",
            st.warn(&super::plural(r.unreproduced.len(), "case")),
            cases.join(", ")
        );
    }
    for e in &r.write_errors {
        let _ = writeln!(out, "{} {e}", st.bad("error:"));
    }
    if !r.accepted_invalid.is_empty() {
        let n: u64 = r.accepted_invalid.iter().map(|a| a.cases).sum();
        let _ = writeln!(
            out,
            "{} answered 2xx to {} the {} docs rule out (a should: refuse with 4xx, or it fails later, out of sight)",
            st.warn("accepted-invalid:"),
            super::count(n as usize, "body", "bodies"),
            h.run.family
        );
        // By place, most cases first; the JSON report has every (place, kind).
        let mut places: Vec<(&str, u64, Vec<&str>, &AcceptedInvalid)> = Vec::new();
        for a in &r.accepted_invalid {
            match places.iter_mut().find(|p| p.0 == a.place) {
                Some(p) => {
                    p.1 += a.cases;
                    p.2.push(a.kind);
                    if a.first_case < p.3.first_case {
                        p.3 = a;
                    }
                }
                None => places.push((&a.place, a.cases, vec![a.kind], a)),
            }
        }
        places.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        const SHOWN: usize = 8;
        for (place, cases, kinds, first) in places.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "  {place}: {} ({}), e.g. case {}: {}",
                super::plural(*cases as usize, "case"),
                kinds.join(", "),
                first.first_case,
                first.reason
            );
        }
        if places.len() > SHOWN {
            let _ = writeln!(
                out,
                "  and {} more (every one in the JSON report)",
                super::count(places.len() - SHOWN, "place", "places")
            );
        }
    }
    if r.findings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            st.good(&format!("no findings over {} cases", c.sent))
        );
    }
    out
}

#[derive(Serialize)]
struct FindingJson<'a> {
    number: usize,
    kind: &'static str,
    title: String,
    answer: String,
    case: u64,
    base: String,
    changes: &'a [Change],
    /// For `unresponsive`: the cases replayed before the well-formed callback.
    #[serde(skip_serializing_if = "<[u64]>::is_empty")]
    cases: &'a [u64],
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
    content_type: Option<String>,
    hits: u64,
    shrunk: bool,
    shrink_tries: u32,
    file: Option<String>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(flatten)]
    head: super::json::Head<'static>,
    seed: u64,
    receiver: &'a str,
    family: &'static str,
    deadline_ms: f64,
    duration_ms: f64,
    interrupted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<&'a str>,
    exit_code: i32,
    cases: &'a Counts,
    findings: Vec<FindingJson<'a>>,
    /// Broke the receiver once, not when re-sent.
    unreproduced: &'a [Unreproduced],
    accepted_invalid: &'a [AcceptedInvalid],
}

fn finding_json(f: &Found) -> FindingJson<'_> {
    use base64::Engine as _;
    let text = f.body.as_deref().and_then(|b| std::str::from_utf8(b).ok());
    FindingJson {
        number: f.number,
        kind: f.kind.name(),
        title: f.title.clone(),
        answer: f.answer.clone(),
        case: f.case,
        base: f.base.clone(),
        changes: &f.changes,
        cases: &f.cases,
        body: text.map(str::to_string),
        body_base64: match (&f.body, text) {
            (Some(b), None) => Some(base64::engine::general_purpose::STANDARD.encode(b)),
            _ => None,
        },
        content_type: f.content_type.clone(),
        hits: f.hits,
        shrunk: f.shrunk,
        shrink_tries: f.shrink_tries,
        file: f.file.as_ref().map(|p| p.display().to_string()),
    }
}

/// The JSON report of a fuzz run that exits with `exit_code`.
pub fn json(h: &FuzzHead, r: &FuzzResult, exit_code: i32) -> String {
    let env = Envelope {
        head: super::json::Head::new("fuzz"),
        seed: h.run.seed,
        receiver: &h.run.receiver,
        family: h.run.family,
        deadline_ms: h.run.deadline.as_secs_f64() * 1000.0,
        duration_ms: r.duration.as_secs_f64() * 1000.0,
        interrupted: r.interrupted,
        stopped: r.stopped.as_deref(),
        exit_code,
        cases: &r.counts,
        findings: r.findings.iter().map(finding_json).collect(),
        unreproduced: &r.unreproduced,
        accepted_invalid: &r.accepted_invalid,
    };
    super::json::pretty(&env)
}

/// The HTML page of a fuzz run: the counts, then each finding with its changes, its minimal
/// body and its file, then what the receiver accepted against the docs.
pub fn html(h: &FuzzHead, r: &FuzzResult, exit_code: i32) -> String {
    use super::html::escape;
    let mut b = String::new();
    let c = &r.counts;
    let _ = writeln!(
        b,
        "<h1>suno-mock fuzz</h1>\n<p>Receiver <code>{}</code> · family {} · seed {} · {} · exit status <strong>{exit_code}</strong></p>",
        escape(&h.run.receiver),
        escape(h.run.family),
        h.run.seed,
        escape(&plan(h))
    );
    b.push_str(&super::html::figures(&[
        ("cases", c.sent.to_string(), ""),
        ("refused (4xx)", c.refused.to_string(), ""),
        ("accepted", c.accepted.to_string(), ""),
        (
            "broke the receiver",
            c.broke.to_string(),
            if c.broke > 0 { "fail" } else { "pass" },
        ),
        ("findings", r.findings.len().to_string(), ""),
        ("time", crate::duration::human(r.duration), ""),
    ]));
    for line in r.stopped.iter().chain(&r.write_errors) {
        let _ = writeln!(b, "<p class=\"fail\">{}</p>", escape(line));
    }
    if r.interrupted {
        b.push_str("<p class=\"warn\">interrupted: the findings so far are written</p>\n");
    }
    let _ = writeln!(b, "<h2>Findings</h2>");
    if r.findings.is_empty() {
        b.push_str("<p class=\"pass\">Nothing broke the receiver.</p>\n");
    }
    for f in &r.findings {
        let _ = writeln!(
            b,
            "<section class=\"finding\" id=\"finding-{0}\"><h3>{0}. <span class=\"fail\">{1}</span></h3>\n<p>case {2}: {3}; the receiver {4} · {5} · {6}</p>",
            f.number,
            escape(&f.title),
            f.case,
            escape(&f.base),
            escape(&f.answer),
            super::plural(f.hits as usize, "hit"),
            if f.shrunk {
                format!(
                    "shrunk in {}",
                    super::plural(f.shrink_tries as usize, "try")
                )
            } else {
                "not shrunk to the end".to_string()
            }
        );
        if !f.changes.is_empty() {
            b.push_str("<ul>");
            for c in &f.changes {
                let _ = write!(b, "<li>{}</li>", escape(&c.change));
            }
            b.push_str("</ul>\n");
        }
        let _ = writeln!(b, "<pre>{}</pre>", escape(&body_text(f)));
        if let Some(file) = &f.file {
            let _ = writeln!(
                b,
                "<p>Replay: <code>suno-mock run {} --receiver URL</code></p>",
                escape(&file.display().to_string())
            );
        }
        b.push_str("</section>\n");
    }
    if !r.accepted_invalid.is_empty() {
        b.push_str("<h2>Accepted although the docs rule them out</h2>\n<table id=\"accepted-invalid\"><tr class=\"head\"><th>place</th><th>change</th><th>why invalid</th><th>cases</th></tr>\n");
        for a in &r.accepted_invalid {
            let _ = writeln!(
                b,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&a.place),
                escape(a.kind),
                escape(&a.reason),
                a.cases
            );
        }
        b.push_str("</table>\n");
    }
    super::html::page("suno-mock fuzz", &b)
}

pub fn junit(h: &FuzzHead, r: &FuzzResult) -> Result<String, quick_junit::SerializeError> {
    let class = format!("suno-mock.fuzz.{}", h.run.family);
    let mut cases: Vec<Case> = r
        .findings
        .iter()
        .map(|f| Case {
            name: format!("finding {}: {}", f.number, f.title),
            classname: class.clone(),
            time: Duration::ZERO,
            kind: CaseKind::Failure {
                message: f.title.clone(),
                text: format!(
                    "{}\nbody: {}\nfile: {}",
                    f.changes
                        .iter()
                        .map(|c| c.change.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    body_text(f),
                    f.file
                        .as_ref()
                        .map_or("(not written)".into(), |p| p.display().to_string())
                ),
            },
        })
        .collect();
    if r.findings.is_empty() {
        cases.push(Case {
            name: format!("no findings over {} cases", r.counts.sent),
            classname: class.clone(),
            time: r.duration,
            kind: CaseKind::Pass,
        });
    }
    for a in &r.accepted_invalid {
        cases.push(Case {
            name: format!("accepted-invalid: {} ({})", a.place, a.kind),
            classname: class.clone(),
            time: Duration::ZERO,
            kind: CaseKind::Warning {
                message: format!("2xx to {} invalid bodies", a.cases),
                text: format!("first case {}: {}", a.first_case, a.reason),
            },
        });
    }
    super::junit::render("suno-mock fuzz", cases, r.duration)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::outcome::fuzz::Breakage;
    use crate::outcome::head::RunHead;

    fn change(kind: &'static str, place: &str, change: &str) -> Change {
        Change {
            kind,
            place: place.into(),
            change: change.into(),
        }
    }

    /// A run with one finding of each shape, built by hand: the reports are pinned without a
    /// receiver.
    fn result() -> FuzzResult {
        let found = |number: usize,
                     kind,
                     title: &str,
                     answer: &str,
                     case,
                     base: &str,
                     changes,
                     body: &[u8]| Found {
            number,
            kind,
            title: title.into(),
            answer: answer.into(),
            case,
            base: base.into(),
            changes,
            cases: Vec::new(),
            body: Some(body.to_vec()),
            content_type: Some("application/json".into()),
            hits: 3,
            shrunk: true,
            shrink_tries: 11,
            file: Some(PathBuf::from(format!("fuzz-findings/0{number}.yaml"))),
        };
        let mut unresponsive = found(
            3,
            Breakage::Unresponsive,
            "stopped answering after case 90",
            "answered 503",
            90,
            "the documented `success` body",
            vec![change(
                "invalid-utf8",
                "msg",
                "`msg` set to a string of 2 bytes, not UTF-8 (bytes ff)",
            )],
            b"{\"code\":200,\"msg\":\"o\xff\"}",
        );
        unresponsive.cases = vec![90];
        unresponsive.content_type = None;
        unresponsive.shrunk = false;
        unresponsive.hits = 1;
        FuzzResult {
            findings: vec![
                found(
                    1,
                    Breakage::ServerError,
                    "500 at data.task_id (long-string)",
                    "answered 500",
                    42,
                    "the documented `success` body",
                    vec![change(
                        "long-string",
                        "data.task_id",
                        "`data.task_id` set to a string of 1024 × \"a\"",
                    )],
                    br#"{"code":200,"msg":"success","data":{"task_id":"aaaa"}}"#,
                ),
                found(
                    2,
                    Breakage::Connection,
                    "no answer (closed) at code (wrong type)",
                    "no answer (closed)",
                    7,
                    "the documented failure body (code 451)",
                    vec![change("type-swap", "code", "`code` set to \"x\" (a string)")],
                    br#"{"code":"x","msg":"m","data":{"task_id":"t"}}"#,
                ),
                unresponsive,
            ],
            unreproduced: vec![Unreproduced {
                case: 12,
                kind: Breakage::Timeout,
                answer: "no answer (timeout)".into(),
            }],
            accepted_invalid: vec![AcceptedInvalid {
                place: "data.video_url".into(),
                kind: "type-swap",
                reason: "`data.video_url` is a number; the docs have null or a string there"
                    .into(),
                first_case: 3,
                cases: 12,
            }],
            counts: Counts {
                sent: 91,
                refused: 60,
                accepted: 25,
                broke: 6,
                shrink_tries: 22,
                liveness_checks: 5,
            },
            duration: Duration::from_millis(1500),
            interrupted: false,
            stopped: Some("after case 90 (answered 503), the receiver no longer answered a well-formed callback (no answer (refused)); fuzzing stopped".into()),
            write_errors: Vec::new(),
        }
    }

    fn header() -> FuzzHead {
        FuzzHead {
            run: RunHead {
                receiver: "http://127.0.0.1:3000/callback".into(),
                family: "video",
                seed: 7,
                deadline: Duration::from_secs(15),
                retry_delays: Vec::new(),
            },
            cases: None,
            budget: None,
            rate: 100.0,
            concurrency: 4,
        }
    }

    #[test]
    fn human_json_and_junit_reports() {
        let r = result();
        insta::assert_snapshot!("fuzz_human", human(&header(), &r, &Style::default()));
        insta::assert_snapshot!("fuzz_json", json(&header(), &r, 1));
        let xml = junit(&header(), &r).unwrap();
        let xml = regex::Regex::new(r#"timestamp="[^"]*""#)
            .unwrap()
            .replace_all(&xml, "")
            .into_owned();
        insta::assert_snapshot!("fuzz_junit", xml);
    }

    #[test]
    fn no_findings_is_one_passing_testcase() {
        let mut r = result();
        r.findings.clear();
        r.stopped = None;
        let text = human(&header(), &r, &Style::default());
        assert!(text.ends_with("no findings over 91 cases\n"), "{text}");
        let xml = junit(&header(), &r).unwrap();
        assert!(xml.contains("no findings over 91 cases") && !xml.contains("<failure"));
    }

    #[test]
    fn the_head_says_the_plan() {
        assert_eq!(
            head(&header()),
            "suno-mock fuzz · receiver http://127.0.0.1:3000/callback · family video · seed 7 · 1000 cases at most 100/s, concurrency 4 · deadline 15s, no retries\n"
        );
    }
}
