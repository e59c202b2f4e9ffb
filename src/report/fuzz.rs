//! The reports of `fuzz`: the findings with their minimal bodies and files, the bodies the
//! receiver accepted although the docs rule them out, and the counts; as text, JSON (same
//! envelope as the other commands) and JUnit (one failing testcase per finding).

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use super::junit::{Case, CaseKind};
use super::style::Style;
use crate::fuzz::finding::Finding;
use crate::fuzz::mutation::short;
use crate::fuzz::runner::{AcceptedInvalid, Counts, FuzzResult, Unreproduced};

/// How the run was set up, as the reports' headers say it.
pub struct Header<'a> {
    pub receiver: &'a str,
    pub family: &'static str,
    pub seed: u64,
    pub plan: String,
    pub deadline: Duration,
}

fn body_text(f: &Finding) -> String {
    match f.request() {
        Some(r) => match std::str::from_utf8(&r.body) {
            Ok(t) => short(t, 240),
            Err(_) => format!(
                "{} bytes, not UTF-8: {}",
                r.body.len(),
                short(&String::from_utf8_lossy(&r.body), 240)
            ),
        },
        None => String::new(),
    }
}

pub fn human(h: &Header<'_>, r: &FuzzResult, st: &Style) -> String {
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
            f.title(),
            super::plural(f.hits as usize, "hit")
        );
        let _ = writeln!(out, "  case {}: {}", f.case.index, f.case.base.describe());
        for m in &f.case.mutations {
            let _ = writeln!(out, "    {}", m.describe());
        }
        let _ = writeln!(out, "  body: {}", body_text(f));
        if f.window.is_empty() {
            let _ = writeln!(
                out,
                "  {}",
                if f.shrunk {
                    format!(
                        "shrunk in {}",
                        super::count(f.tries as usize, "try", "tries")
                    )
                } else {
                    "not shrunk to the end (cut short)".into()
                }
            );
        } else {
            let indexes: Vec<String> = f.window.iter().map(|c| c.index.to_string()).collect();
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
                h.receiver
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
            h.family
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
struct Change {
    kind: &'static str,
    place: String,
    change: String,
}

#[derive(Serialize)]
struct FindingJson {
    number: usize,
    kind: &'static str,
    title: String,
    answer: String,
    case: u64,
    base: String,
    changes: Vec<Change>,
    /// For `unresponsive`: the cases replayed before the well-formed callback.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cases: Vec<u64>,
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
    findings: Vec<FindingJson>,
    /// Broke the receiver once, not when re-sent.
    unreproduced: &'a [Unreproduced],
    accepted_invalid: &'a [AcceptedInvalid],
}

fn finding_json(f: &Finding) -> FindingJson {
    use base64::Engine as _;
    let last = f.request();
    let text = last.and_then(|r| std::str::from_utf8(&r.body).ok());
    FindingJson {
        number: f.number,
        kind: f.breakage.name(),
        title: f.title(),
        answer: f.answer.describe(),
        case: f.case.index,
        base: f.case.base.describe(),
        changes: f
            .case
            .mutations
            .iter()
            .map(|m| Change {
                kind: m.kind,
                place: m.place(),
                change: m.describe(),
            })
            .collect(),
        cases: f.window.iter().map(|c| c.index).collect(),
        body: text.map(str::to_string),
        body_base64: match (last, text) {
            (Some(r), None) => Some(base64::engine::general_purpose::STANDARD.encode(&r.body)),
            _ => None,
        },
        content_type: last.and_then(|r| r.content_type.clone()),
        hits: f.hits,
        shrunk: f.shrunk,
        shrink_tries: f.tries,
        file: f.file.as_ref().map(|p| p.display().to_string()),
    }
}

/// The JSON report of a fuzz run that exits with `exit_code`.
pub fn json(h: &Header<'_>, r: &FuzzResult, exit_code: i32) -> Result<String, String> {
    let env = Envelope {
        head: super::json::Head::new("fuzz"),
        seed: h.seed,
        receiver: h.receiver,
        family: h.family,
        deadline_ms: h.deadline.as_secs_f64() * 1000.0,
        duration_ms: r.duration.as_secs_f64() * 1000.0,
        interrupted: r.interrupted,
        stopped: r.stopped.as_deref(),
        exit_code,
        cases: &r.counts,
        findings: r.findings.iter().map(finding_json).collect(),
        unreproduced: &r.unreproduced,
        accepted_invalid: &r.accepted_invalid,
    };
    serde_json::to_string_pretty(&env)
        .map(|s| s + "\n")
        .map_err(|e| format!("cannot write the JSON report: {e}"))
}

/// The HTML page of a fuzz run: the counts, then each finding with its changes, its minimal
/// body and its file, then what the receiver accepted against the docs.
pub fn html(h: &Header<'_>, r: &FuzzResult, exit_code: i32) -> String {
    use super::html::escape;
    let mut b = String::new();
    let c = &r.counts;
    let _ = writeln!(
        b,
        "<h1>suno-mock fuzz</h1>\n<p>Receiver <code>{}</code> · family {} · seed {} · {} · exit status <strong>{exit_code}</strong></p>",
        escape(h.receiver),
        escape(h.family),
        h.seed,
        escape(&h.plan)
    );
    let _ = writeln!(
        b,
        "<table id=\"counts\"><tr><th>cases</th><th>refused (4xx)</th><th>accepted</th><th>broke the receiver</th><th>findings</th><th>time</th></tr>\n<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr></table>",
        c.sent,
        c.refused,
        c.accepted,
        if c.broke > 0 { "fail" } else { "pass" },
        c.broke,
        r.findings.len(),
        crate::duration::human(r.duration)
    );
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
            escape(&f.title()),
            f.case.index,
            escape(&f.case.base.describe()),
            escape(&f.answer.describe()),
            super::plural(f.hits as usize, "hit"),
            if f.shrunk {
                format!("shrunk in {}", super::plural(f.tries as usize, "try"))
            } else {
                "not shrunk to the end".to_string()
            }
        );
        if !f.case.mutations.is_empty() {
            b.push_str("<ul>");
            for m in &f.case.mutations {
                let _ = write!(b, "<li>{}</li>", escape(&m.describe()));
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
        b.push_str("<h2>Accepted although the docs rule them out</h2>\n<table id=\"accepted-invalid\"><tr><th>place</th><th>change</th><th>why invalid</th><th>cases</th></tr>\n");
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

pub fn junit(h: &Header<'_>, r: &FuzzResult) -> Result<String, String> {
    let class = format!("suno-mock.fuzz.{}", h.family);
    let mut cases: Vec<Case> = r
        .findings
        .iter()
        .map(|f| Case {
            name: format!("finding {}: {}", f.number, f.title()),
            classname: class.clone(),
            time: Duration::ZERO,
            kind: CaseKind::Failure {
                message: f.title(),
                text: format!(
                    "{}\nbody: {}\nfile: {}",
                    f.case
                        .mutations
                        .iter()
                        .map(|m| m.describe())
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

    use serde_json::json;

    use super::*;
    use crate::fuzz::case::{Base, Case, Request};
    use crate::fuzz::finding::{Answer, Breakage};
    use crate::fuzz::mutation::{Change, Mutation, Payload};
    use crate::wire::ErrorClass;

    fn case(index: u64, base: Base, mutations: Vec<Mutation>) -> Case {
        Case {
            index,
            task_id: format!("fuzz0000000{index:06}"),
            base,
            mutations,
        }
    }

    fn set(kind: &'static str, path: &str, to: Payload) -> Mutation {
        Mutation {
            kind,
            change: Change::Set {
                path: path.into(),
                to,
            },
        }
    }

    /// A run with one finding of each shape, built by hand: the reports are pinned without a
    /// receiver.
    fn result() -> FuzzResult {
        let video = crate::family::video();
        let long = case(
            42,
            Base::Stage("success"),
            vec![set(
                "long-string",
                "data.task_id",
                Payload::Repeat {
                    unit: "a".into(),
                    count: 1024,
                },
            )],
        );
        let crash = case(
            7,
            Base::Failure(451),
            vec![set("type-swap", "code", Payload::Json(json!("x")))],
        );
        let gone = case(
            90,
            Base::Stage("success"),
            vec![set("invalid-utf8", "msg", Payload::Bytes(vec![b'o', 0xff]))],
        );
        let request = |body: &str| Request {
            body: body.as_bytes().to_vec(),
            content_type: Some("application/json".into()),
        };
        let finding = |number, breakage, answer, case: Case, requests| Finding {
            number,
            family: video,
            breakage,
            answer,
            case,
            window: Vec::new(),
            requests,
            hits: 3,
            shrunk: true,
            tries: 11,
            file: Some(PathBuf::from(format!("fuzz-findings/0{number}.yaml"))),
        };
        let mut unresponsive = finding(
            3,
            Breakage::Unresponsive,
            Answer::Status(503),
            gone.clone(),
            vec![Request {
                body: b"{\"code\":200,\"msg\":\"o\xff\"}".to_vec(),
                content_type: None,
            }],
        );
        unresponsive.window = vec![gone];
        unresponsive.shrunk = false;
        unresponsive.hits = 1;
        FuzzResult {
            findings: vec![
                finding(
                    1,
                    Breakage::ServerError,
                    Answer::Status(500),
                    long,
                    vec![request(r#"{"code":200,"msg":"success","data":{"task_id":"aaaa"}}"#)],
                ),
                finding(
                    2,
                    Breakage::Connection,
                    Answer::Failed(ErrorClass::Closed, "closed".into()),
                    crash,
                    vec![request(r#"{"code":"x","msg":"m","data":{"task_id":"t"}}"#)],
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

    fn header() -> Header<'static> {
        Header {
            receiver: "http://127.0.0.1:3000/callback",
            family: "video",
            seed: 7,
            plan: "1000 cases at most 100/s, concurrency 4".into(),
            deadline: Duration::from_secs(15),
        }
    }

    #[test]
    fn human_json_and_junit_reports() {
        let r = result();
        let code = crate::job::exit_policy::fuzz(&r);
        assert_eq!(code, crate::exit::FAILED);
        insta::assert_snapshot!("fuzz_human", human(&header(), &r, &Style::default()));
        insta::assert_snapshot!("fuzz_json", json(&header(), &r, code).unwrap());
        let xml = junit(&header(), &r).unwrap();
        let xml = regex::Regex::new(r#"timestamp="[^"]*""#)
            .unwrap()
            .replace_all(&xml, "")
            .into_owned();
        insta::assert_snapshot!("fuzz_junit", xml);
    }

    #[test]
    fn no_findings_is_exit_0_and_one_passing_testcase() {
        let mut r = result();
        r.findings.clear();
        r.stopped = None;
        assert_eq!(crate::job::exit_policy::fuzz(&r), crate::exit::SUCCESS);
        let text = human(&header(), &r, &Style::default());
        assert!(text.ends_with("no findings over 91 cases\n"), "{text}");
        let xml = junit(&header(), &r).unwrap();
        assert!(xml.contains("no findings over 91 cases") && !xml.contains("<failure"));
        r.interrupted = true;
        assert_eq!(crate::job::exit_policy::fuzz(&r), crate::exit::INTERRUPTED);
    }
}
