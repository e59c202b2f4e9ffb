//! Builds a [`Scenario`] from a located YAML tree, reporting every error in the file at once,
//! each with its line, column and a one-line fix.

use std::collections::{BTreeMap, HashSet};

use super::diagnostic::{Diagnostic, did_you_mean};
use super::model::*;
use super::walker::{Fields, Walker, field_node, load};
use super::yaml::{Node, Value};
use crate::wire::json_path;
use crate::wire::status::valid_code;
use crate::wire::{Auth, ErrorClass, Input, Role};

const SCENARIO_KEYS: &[&str] = &[
    "name",
    "rule",
    "family",
    "description",
    "sender",
    "tasks",
    "steps",
];
const DELIVER_KEYS: &[&str] = &[
    "deliver",
    "task",
    "code",
    "variant",
    "msg",
    "set",
    "remove",
    "json",
    "body",
    "body_base64",
    "headers",
    "remove_headers",
    "copies",
    "concurrent",
    "auth",
    "input",
    "sender",
    "expect",
];
const WAIT_KEYS: &[&str] = &["wait"];
const OBSERVE_KEYS: &[&str] = &[
    "observe",
    "as",
    "role",
    "same_as",
    "changed_from",
    "downloads",
    "until_downloaded",
];
const SENDER_KEYS: &[&str] = &["timeout", "retries", "retry_delays", "accept"];
const EXPECT_KEYS: &[&str] = &["status", "within", "attempts", "error", "acknowledged"];
const TASK_KEYS: &[&str] = &["video"];
const AUTHS: &[&str] = &[
    "genuine",
    "unsigned",
    "wrong-key",
    "stale-timestamp",
    "no-token",
    "wrong-token",
];
const INPUTS: &[&str] = &["well-formed", "bad"];
/// A scenario asking for more copies than this is a load test; `suno-mock load` is for that.
pub const MAX_COPIES: u32 = 1000;
pub const MAX_RETRIES: u32 = 20;

/// Parses one scenario file of the default family. `file` is the name used in messages.
pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    parse_located(file, text, crate::family::video()).map(|(s, _, _)| s)
}

/// Like [`parse_scenario`], with the line each step starts on (for reports) and the warnings.
/// `family` is the run's (`--family`); a `family:` in the file wins.
pub fn parse_located(
    file: &str,
    text: &str,
    family: &'static crate::family::Family,
) -> Result<(Scenario, Vec<usize>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let root = load(file, text)?;
    let mut w = Walker::new(file);
    w.family = family;
    let scenario = w.scenario(&root);
    let lines = field_node(&root, "steps")
        .map(|n| match &n.value {
            Value::Seq(items) => items.iter().map(|i| i.pos.line).collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    w.finish(scenario).map(|(s, warnings)| (s, lines, warnings))
}

impl Walker<'_> {
    fn scenario(&mut self, root: &Node) -> Option<Scenario> {
        let f = self.fields(root, "a scenario", SCENARIO_KEYS)?;
        let name = self
            .required(&f, "name", "the scenario", "what this scenario shows")
            .and_then(|n| self.string(n, "`name`"));
        let rule = f.get("rule").and_then(|n| match n.scalar_text().as_str() {
            // The old name of download-media.
            "download-video" => Some("download-media".to_string()),
            _ => self.choice(n, "rule", crate::wire::RULE_IDS),
        });
        let family_ids = crate::family::ids();
        let family = f.get("family").and_then(|n| {
            let id = self.choice(n, "family", &family_ids)?;
            // Read before the steps: their stages are checked against it.
            self.family = crate::family::find(&id)?;
            Some(id)
        });
        let description = f
            .get("description")
            .and_then(|n| self.string(n, "`description`"));
        let sender = f.get("sender").and_then(|n| self.sender(n));
        let tasks = f.get("tasks").map(|n| self.tasks(n)).unwrap_or_default();
        let steps_node = self.required(&f, "steps", "the scenario", "[ {deliver: success} ]");
        let steps = steps_node.and_then(|n| self.steps(n));
        if let (Some(steps), Some(node)) = (&steps, steps_node) {
            self.cross_check(steps, node, &tasks, f.get("tasks"));
        }
        let steps = steps.and_then(|s| s.into_iter().collect::<Option<Vec<Step>>>());
        Some(Scenario {
            name: name?,
            rule,
            family,
            description,
            sender,
            tasks,
            steps: steps?,
        })
    }

    fn sender(&mut self, node: &Node) -> Option<SenderOverrides> {
        let f = self.fields(node, "`sender`", SENDER_KEYS)?;
        let timeout = f.get("timeout").and_then(|n| self.duration(n, "`timeout`"));
        if let (Some(t), Some(n)) = (timeout, f.get("timeout"))
            && t.0.is_zero()
        {
            self.error(
                n,
                "`timeout` is zero; no answer could arrive",
                "use at least `1ms`",
            );
        }
        let retries = f
            .get("retries")
            .and_then(|n| self.uint(n, "`retries`", MAX_RETRIES));
        let retry_delays = f.get("retry_delays").and_then(|n| match &n.value {
            Value::Seq(items) if !items.is_empty() => items
                .iter()
                .map(|i| self.duration(i, "a retry delay"))
                .collect::<Option<Vec<_>>>(),
            _ => {
                self.error(
                    n,
                    format!(
                        "`retry_delays` must be a non-empty list, found {}",
                        n.kind()
                    ),
                    "write it like `[1s, 2s, 4s]`",
                );
                None
            }
        });
        let accept = f.get("accept").and_then(|n| self.status(n, "`accept`"));
        Some(SenderOverrides {
            timeout,
            retries,
            retry_delays,
            accept,
        })
    }

    fn tasks(&mut self, node: &Node) -> BTreeMap<String, TaskSpec> {
        let mut out = BTreeMap::new();
        let Value::Map(entries) = &node.value else {
            self.error(
                node,
                format!(
                    "`tasks` must be a mapping of task alias to settings, found {}",
                    node.kind()
                ),
                "write it like `tasks: { a: { video: slow } }`",
            );
            return out;
        };
        for (k, v) in entries {
            let alias = k.scalar_text();
            let Some(f) = self.fields(v, &format!("task `{alias}`"), TASK_KEYS) else {
                continue;
            };
            let video = self.video_mode(f.get("video"));
            out.insert(alias, TaskSpec { video });
        }
        out
    }

    fn steps(&mut self, node: &Node) -> Option<Vec<Option<Step>>> {
        let Value::Seq(items) = &node.value else {
            self.error(
                node,
                format!("`steps` must be a list, found {}", node.kind()),
                "start each step with `- `",
            );
            return None;
        };
        if items.is_empty() {
            self.error(
                node,
                "`steps` is empty",
                "add a step like `- deliver: success`",
            );
            return None;
        }
        // Every step is read, so a file's errors all show in one run (issue 9): collecting
        // into an Option would stop at the first step that has one.
        let steps: Vec<Option<Step>> = items.iter().map(|s| self.step(s)).collect();
        Some(steps)
    }

    fn step(&mut self, node: &Node) -> Option<Step> {
        let Value::Map(entries) = &node.value else {
            self.error(
                node,
                format!("a step must be a mapping, found {}", node.kind()),
                "start a step with `deliver:`, `wait:` or `observe:`",
            );
            return None;
        };
        let kinds: Vec<&str> = entries
            .iter()
            .filter_map(|(k, _)| k.as_str())
            .filter(|k| matches!(*k, "deliver" | "wait" | "observe"))
            .collect();
        match kinds.as_slice() {
            ["deliver"] => self.deliver(node).map(|d| Step::Deliver(Box::new(d))),
            ["wait"] => {
                let f = self.fields(node, "a wait step", WAIT_KEYS)?;
                let wait = f.get("wait").and_then(|n| self.duration(n, "`wait`"))?;
                Some(Step::Wait(WaitStep { wait }))
            }
            ["observe"] => self.observe(node),
            [] => {
                let first = entries
                    .first()
                    .map(|(k, _)| k.scalar_text())
                    .unwrap_or_default();
                let help = match did_you_mean(&first, &["deliver", "wait", "observe"]) {
                    Some(m) => format!("did you mean `{m}`?"),
                    None => "start the step with `deliver:`, `wait:` or `observe:`".into(),
                };
                self.error(
                    node,
                    "a step needs one of `deliver`, `wait` or `observe`",
                    help,
                );
                None
            }
            _ => {
                self.error(
                    node,
                    format!(
                        "a step has {}; it can be only one of them",
                        kinds.join(" and ")
                    ),
                    "split it into two steps",
                );
                None
            }
        }
    }

    /// A deliver step: each part read by its own function below, in the order their
    /// diagnostics are reported, then the checks that need several parts at once.
    fn deliver(&mut self, node: &Node) -> Option<DeliverStep> {
        let f = self.fields(node, "a deliver step", DELIVER_KEYS)?;
        let template_node = f.get("deliver")?;
        let template = self.template(template_node);
        let variant = f.get("variant").and_then(|n| self.variant(n, template));
        let task = f.get("task").map(|n| n.scalar_text());
        let code = self.code(&f, template);
        let msg = f.get("msg").and_then(|n| self.string(n, "`msg`"));
        let set = f.get("set").map(|n| self.set(n)).unwrap_or_default();
        let remove = f
            .get("remove")
            .and_then(|n| self.remove(n))
            .unwrap_or_default();
        let json = f.get("json").map(Node::to_json);
        let body = f.get("body").and_then(|n| self.string(n, "`body`"));
        let body_base64 = f.get("body_base64").and_then(|n| self.body_base64(n));
        let headers = f
            .get("headers")
            .map(|n| self.headers(n))
            .unwrap_or_default();
        let remove_headers = f
            .get("remove_headers")
            .and_then(|n| self.string_list(n, "a header name"))
            .unwrap_or_default();
        let copies = f.get("copies").and_then(|n| self.copies(n));
        let concurrent = f
            .get("concurrent")
            .and_then(|n| self.boolean(n, "`concurrent`"))
            .unwrap_or(false);
        let auth = f.get("auth").and_then(|n| {
            Some(match self.choice(n, "auth variant", AUTHS)?.as_str() {
                "unsigned" => Auth::Unsigned,
                "wrong-key" => Auth::WrongKey,
                "stale-timestamp" => Auth::StaleTimestamp,
                "no-token" => Auth::NoToken,
                "wrong-token" => Auth::WrongToken,
                _ => Auth::Genuine,
            })
        });
        let input = f.get("input").and_then(|n| {
            Some(match self.choice(n, "input kind", INPUTS)?.as_str() {
                "bad" => Input::Bad,
                _ => Input::WellFormed,
            })
        });
        let sender = f.get("sender").and_then(|n| self.sender(n));
        let expect = f.get("expect").and_then(|n| self.expect(n));

        if let (Some(b), true) = (f.get("body_base64"), json.is_some() || body.is_some()) {
            self.error(
                b,
                "a step has `body_base64` and another body",
                "keep one of them",
            );
        }
        if template == Some(Template::Custom)
            && json.is_none()
            && body.is_none()
            && body_base64.is_none()
        {
            self.error(
                template_node,
                "`deliver: custom` needs the body",
                "add `json: {...}` for a JSON body or `body: \"...\"` for raw bytes",
            );
        }
        if let (Some(_), Some(b)) = (&json, f.get("body")) {
            self.error(b, "a step has both `json` and `body`", "keep one of them");
        }
        if let Some(j) = f.get("json")
            && template != Some(Template::Custom)
        {
            self.error(
                j,
                "`json` replaces the whole body; it goes with `deliver: custom`",
                "use `set:` to change a template, or `deliver: custom`",
            );
        }
        if body.is_some() && (!set.is_empty() || !remove.is_empty()) {
            self.error(
                f.get("body")?,
                "`set` and `remove` change JSON; they cannot change a raw `body`",
                "write the whole body you want in `body`",
            );
        }
        if f.has("concurrent") && concurrent && copies.unwrap_or(1) < 2 {
            self.error(
                f.get("concurrent")?,
                "`concurrent: true` needs at least 2 copies",
                "add `copies: 2` or more",
            );
        }
        if let (Some(t), Some(c)) = (template, code)
            && t != Template::Custom
            && let Err(e) = valid_code(c)
        {
            self.error(
                f.get("code")?,
                format!("`code`: {e}"),
                "the provider sends 200, 400, 451 or 500",
            );
        }
        Some(DeliverStep {
            deliver: template?,
            variant,
            task,
            code,
            msg,
            set,
            remove,
            json,
            body,
            body_base64,
            headers,
            remove_headers,
            copies,
            concurrent,
            auth,
            input,
            sender,
            expect,
        })
    }

    /// `deliver:`, a template the family knows.
    fn template(&mut self, template_node: &Node) -> Option<Template> {
        // A name no family knows gets the family's own list and a did-you-mean; a stage of
        // another family says which family has which.
        let mut names = self.family.stage_names();
        names.push("custom");
        let chosen = match Template::from_name(&template_node.scalar_text()) {
            Some(t) => Some(t),
            None => self
                .choice(template_node, "template", &names)
                .as_deref()
                .and_then(Template::from_name),
        };
        chosen
            .and_then(|t| match t.resolve(self.family) {
                Ok(_) => Some(t),
                Err(m) => {
                    self.error(
                        template_node,
                        m.to_string(),
                        "use one of the family's deliveries, or set `family:` to the family this scenario is for",
                    );
                    None
                }
            })
    }

    /// `variant:`, one the family documents for the template's stage.
    fn variant(&mut self, n: &Node, template: Option<Template>) -> Option<String> {
        let stage = template.and_then(|t| match t.resolve(self.family) {
            Ok(Resolved::Stage(s)) => Some(s.name),
            _ => None,
        })?;
        let names: Vec<&str> = self
            .family
            .variants
            .iter()
            .filter(|v| v.stage == stage)
            .map(|v| v.name)
            .collect();
        if names.is_empty() {
            self.error(
                n,
                format!(
                    "the {} family documents no variant of its `{stage}` stage",
                    self.family.id
                ),
                "remove `variant:`",
            );
            return None;
        }
        self.choice(n, "variant", &names)
    }

    /// `code:`, an integer, checked against the family's failure codes for a failure.
    fn code(&mut self, f: &Fields<'_>, template: Option<Template>) -> Option<i64> {
        let code = f.get("code").and_then(|n| match n.value {
            Value::Int(i) => Some(i),
            _ => {
                self.error(
                    n,
                    format!("`code` must be an integer, found {}", n.kind()),
                    "for a string `code` (bad input), use `set: { code: \"500\" }`",
                );
                None
            }
        });
        if let (Some(Template::Failure | Template::Error), Some(c), Some(n)) =
            (template, code, f.get("code"))
        {
            match self.family.check_failure_code(c) {
                Err(m) => self.error(
                    n,
                    m.to_string(),
                    "write `deliver: success`, or a documented code",
                ),
                Ok(Some(m)) => self.warn(
                    n,
                    m,
                    "`suno-mock rules --family ID` lists the documented codes",
                ),
                Ok(None) => {}
            }
        }
        code
    }

    /// `set:`, JSON paths to values.
    fn set(&mut self, n: &Node) -> serde_json::Map<String, serde_json::Value> {
        let mut set = serde_json::Map::new();
        match &n.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    let path = k.scalar_text();
                    if let Err(e) = json_path::parse(&path) {
                        self.error(
                            k,
                            format!("`set` path `{path}`: {e}"),
                            "write a path like `data.extra` or `$.code`",
                        );
                    }
                    set.insert(path, v.to_json());
                }
            }
            _ => self.error(
                n,
                format!(
                    "`set` must be a mapping of JSON path to value, found {}",
                    n.kind()
                ),
                "write it like `set: { data.extra: 1 }`",
            ),
        }
        set
    }

    /// `remove:`, JSON paths.
    fn remove(&mut self, n: &Node) -> Option<Vec<String>> {
        let list = self.string_list(n, "a `remove` path")?;
        for p in &list {
            if let Err(e) = json_path::parse(p) {
                self.error(
                    n,
                    format!("`remove` path `{p}`: {e}"),
                    "write a path like `data.task_id`",
                );
            }
        }
        Some(list)
    }

    /// `body_base64:`, bytes that are base64.
    fn body_base64(&mut self, n: &Node) -> Option<String> {
        use base64::Engine as _;
        let text = self.string(n, "`body_base64`")?;
        match base64::engine::general_purpose::STANDARD.decode(text.trim()) {
            Ok(_) => Some(text),
            Err(e) => {
                self.error(n, format!("`body_base64` is not base64: {e}"), "");
                None
            }
        }
    }

    /// `headers:`, names and values that can be sent.
    fn headers(&mut self, n: &Node) -> BTreeMap<String, String> {
        let mut headers = BTreeMap::new();
        match &n.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    let name = k.scalar_text();
                    if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                        self.error(
                            k,
                            format!("`{name}` is not a valid header name"),
                            "use letters, digits and `-`",
                        );
                    }
                    let value = match &v.value {
                        Value::Str(s) => s.clone(),
                        Value::Int(_) | Value::Float(_) | Value::Bool(_) => v.scalar_text(),
                        _ => {
                            self.error(
                                v,
                                format!(
                                    "header `{name}` must have a text value, found {}",
                                    v.kind()
                                ),
                                "quote the value",
                            );
                            continue;
                        }
                    };
                    if reqwest::header::HeaderValue::from_str(&value).is_err() {
                        self.error(
                            v,
                            format!("the value of header `{name}` cannot be sent in a header"),
                            "use printable ASCII",
                        );
                    }
                    headers.insert(name, value);
                }
            }
            _ => self.error(
                n,
                format!("`headers` must be a mapping, found {}", n.kind()),
                "write it like `headers: { X-Extra: yes }`",
            ),
        }
        headers
    }

    /// `copies:`, at least one.
    fn copies(&mut self, n: &Node) -> Option<u32> {
        let c = self.uint(n, "`copies`", MAX_COPIES)?;
        if c == 0 {
            self.error(
                n,
                "`copies` is 0; nothing would be delivered",
                "use 1 or more",
            );
            return None;
        }
        Some(c)
    }

    fn expect(&mut self, node: &Node) -> Option<Expect> {
        let f = self.fields(node, "`expect`", EXPECT_KEYS)?;
        let error = f.get("error").and_then(|n| {
            let names: Vec<&str> = ErrorClass::ALL.iter().map(|c| c.name()).collect();
            self.choice(n, "error class", &names)
        });
        Some(Expect {
            status: f.get("status").and_then(|n| self.status(n, "`status`")),
            within: f.get("within").and_then(|n| self.duration(n, "`within`")),
            attempts: f
                .get("attempts")
                .and_then(|n| self.uint(n, "`attempts`", MAX_RETRIES + 1)),
            error,
            acknowledged: f
                .get("acknowledged")
                .and_then(|n| self.boolean(n, "`acknowledged`")),
        })
    }

    fn observe(&mut self, node: &Node) -> Option<Step> {
        let f = self.fields(node, "an observe step", OBSERVE_KEYS)?;
        let observe = f.get("observe").map(Node::scalar_text)?;
        let name =
            |w: &mut Self, key: &str| f.get(key).and_then(|n| w.string(n, &format!("`{key}`")));
        let save_as = name(self, "as");
        let role = f.get("role").and_then(|n| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
            self.choice(n, "observation role", &names)
                .and_then(|r| Role::from_name(&r))
        });
        let same_as = name(self, "same_as");
        let changed_from = name(self, "changed_from");
        let downloads = f
            .get("downloads")
            .and_then(|n| self.uint(n, "`downloads`", u32::MAX))
            .map(u64::from);
        let until_downloaded = f
            .get("until_downloaded")
            .and_then(|n| self.duration(n, "`until_downloaded`"));
        Some(Step::Observe(ObserveStep {
            observe,
            save_as,
            role,
            same_as,
            changed_from,
            downloads,
            until_downloaded,
        }))
    }

    /// Checks that need the whole scenario: observations refer to saved names and to tasks
    /// that were delivered earlier; every task with video settings is used.
    fn cross_check(
        &mut self,
        steps: &[Option<Step>],
        steps_node: &Node,
        tasks: &BTreeMap<String, TaskSpec>,
        tasks_node: Option<&Node>,
    ) {
        let Value::Seq(nodes) = &steps_node.value else {
            return;
        };
        let mut delivered: HashSet<&str> = HashSet::new();
        let mut saved: HashSet<&str> = HashSet::new();
        // A step that did not parse is left out; the ones around it are still checked.
        for (step, node) in steps.iter().zip(nodes) {
            let Some(step) = step else { continue };
            match step {
                Step::Deliver(d) => {
                    delivered.insert(d.task_alias());
                }
                Step::Observe(o) => {
                    for (key, reference) in
                        [("same_as", &o.same_as), ("changed_from", &o.changed_from)]
                    {
                        if let Some(r) = reference
                            && !saved.contains(r.as_str())
                        {
                            let at = field_node(node, key).unwrap_or(node);
                            let known: Vec<&str> = saved.iter().copied().collect();
                            self.error(
                                at,
                                format!("`{key}: {r}` names no observation kept before this step"),
                                if known.is_empty() {
                                    "keep one first with `as: NAME` on an earlier observe step"
                                        .to_string()
                                } else {
                                    format!("kept so far: {}", known.join(", "))
                                },
                            );
                        }
                    }
                    if let Some(name) = &o.save_as
                        && !saved.insert(name.as_str())
                    {
                        let at = field_node(node, "as").unwrap_or(node);
                        self.error(
                            at,
                            format!("the name `{name}` is already used by an earlier observation"),
                            "choose another name",
                        );
                    }
                }
                Step::Wait(_) => {}
            }
        }
        if let Some(tn) = tasks_node {
            for alias in tasks.keys() {
                if !delivered.contains(alias.as_str()) {
                    self.error(
                        tn,
                        format!("task `{alias}` has settings but no step delivers it"),
                        "remove it or deliver it with `task:`",
                    );
                }
            }
        }
    }
}
