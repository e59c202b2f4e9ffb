//! The command line, as clap definitions. Flags shared by `check`, `run`, `send` and `load`
//! live in [`SenderArgs`] so they read and behave the same everywhere.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::duration::Dur;
use crate::family::Family;

#[derive(Debug, Parser)]
#[command(
    name = "suno-mock",
    version,
    about = "Plays the provider's side of the Suno API callbacks (every family) and checks your receiver",
    after_help = "Exit status: 0 every must rule passed / every expectation held, 1 a must rule failed or could not be verified (inconclusive), an expectation failed, or under --strict a should rule did not pass, 2 usage error, 3 invalid scenario file, 4 the harness could not do its job, 130 interrupted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the built-in conformance suite and print a verdict per rule.
    Check(CheckArgs),
    /// Walk the provider's troubleshooting list against a deployed callback URL: https, the
    /// name and its addresses, TLS, and one failure callback's answer. Exits 1 on a fail, 4 when no address could be connected to from this machine (the URL is unchecked).
    Doctor(DoctorArgs),
    /// Run scenario files or folders.
    Run(RunArgs),
    /// One delivery (a stage of the family), printed as an exchange.
    Send(SendArgs),
    /// Start a correct and a flawed built-in receiver and check both.
    Demo(DemoArgs),
    /// List the rule catalogue (and the families).
    Rules {
        /// Only the rules that apply to this family, with its stages and failure codes.
        #[arg(long, value_name = "ID", value_parser = family_parser())]
        family: Option<&'static Family>,
    },
    /// Why a rule exists and how to fix a failure.
    Explain {
        /// A rule id from `suno-mock rules`.
        #[arg(value_parser = rule_parser(), hide_possible_values = true)]
        rule: String,
        /// Say it in this family's words: its media fields, its failure codes.
        #[arg(long, value_name = "ID", value_parser = family_parser())]
        family: Option<&'static Family>,
    },
    /// Lint scenario files.
    Validate {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The family of scenarios that do not say `family:`.
        #[arg(long, value_name = "ID", default_value = "video", value_parser = family_parser())]
        family: &'static Family,
    },
    /// Print a JSON Schema: of the scenario format (default) or of load's JSON report.
    Schema {
        #[arg(value_enum, default_value = "scenario")]
        what: SchemaKind,
    },
    /// Run a built-in receiver on its own (to try a scenario against, or to read its code's behaviour).
    Receiver(ReceiverArgs),
    /// The local CA of `--media-tls`: made once and kept; prints where it is and how to make a receiver trust it.
    Ca {
        /// Print only the CA certificate's path (for scripts: `NODE_EXTRA_CA_CERTS=$(suno-mock ca --path)`).
        #[arg(long)]
        path: bool,
    },
    /// The mock provider API: create tasks of every family, poll them, get their callbacks.
    Serve(ServeArgs),
    /// Exit 0 when `serve` answers at URL (its `/_mock/health`), 1 otherwise: a container's
    /// health check, with no shell or curl in the image.
    Health {
        /// The health endpoint to ask.
        #[arg(
            default_value = "http://127.0.0.1:8080/_mock/health",
            value_name = "URL"
        )]
        url: url::Url,
        /// How long to wait for the answer.
        #[arg(long, default_value = "2s", value_name = "DUR")]
        timeout: Dur,
    },
    /// Many tasks at a set rate and concurrency; latency percentiles and every delivery accounted for.
    Load(LoadArgs),
    /// Add the JSON reports of `load --shard K/N` runs into the report of the whole run.
    Merge(MergeArgs),
    /// A callback endpoint that forwards what the real provider sends to your receiver and
    /// records every exchange as a replayable scenario file per task.
    Record(RecordArgs),
    /// Compare recorded callbacks (a `record --out` folder) with the documented bodies of their
    /// family: the fields the docs do not know, and the documented ones that never arrived.
    /// Exits 1 when there is drift.
    Drift {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Send generated callbacks derived from the family's documented bodies to find what breaks
    /// the receiver (5xx, no answer, a dropped connection, no longer answering); each finding
    /// is shrunk and written as a scenario `run` replays. One attempt per case (`--retries`
    /// does not apply). Exits 1 when something was found.
    Fuzz(FuzzArgs),
    /// Print a shell completion script (`suno-mock completions bash > /etc/bash_completion.d/suno-mock`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (`suno-mock man > suno-mock.1`), or with --dir write one page per
    /// command there.
    Man {
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Where callbacks go: a URL, or `builtin` for the built-in reference receiver on loopback.
#[derive(Debug, Clone)]
pub enum ReceiverArg {
    Url(url::Url),
    Builtin,
}

pub fn parse_receiver(s: &str) -> Result<ReceiverArg, String> {
    if s == "builtin" {
        return Ok(ReceiverArg::Builtin);
    }
    let u = url::Url::parse(s).map_err(|e| {
        format!("`{s}` is not a URL ({e}); write it like http://127.0.0.1:3000/callback")
    })?;
    match u.scheme() {
        "http" | "https" => {}
        // `localhost:4101/callback` parses as the scheme `localhost`: a host and port
        // written without the scheme, as `127.0.0.1:3000/callback` is.
        other if !s.contains("://") => {
            return Err(format!(
                "`{s}` has no http:// or https:// (it reads as the scheme `{other}`); write it like http://{s}"
            ));
        }
        other => {
            return Err(format!(
                "the scheme `{other}` is not HTTP; use http:// or https://"
            ));
        }
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    Ok(ReceiverArg::Url(u))
}

/// `1s,2s,4s`: the waits before each retry.
#[derive(Debug, Clone, PartialEq)]
pub struct Delays(pub Vec<Dur>);

fn parse_delays(s: &str) -> Result<Delays, crate::duration::DurationError> {
    s.split(',')
        .map(|p| crate::duration::parse(p.trim()))
        .collect::<Result<_, _>>()
        .map(Delays)
}

/// `--family ID`: a family of the catalogue; an unknown id is a usage error that lists them.
pub fn parse_family(s: &str) -> Result<&'static Family, String> {
    crate::family::find(s).ok_or_else(|| crate::family::unknown_message(s))
}

/// A value parsed by one of our functions (whose errors name the choices and a likely typo),
/// with the values it knows told to clap, so shell completions offer them instead of file
/// names and `--help` lists them.
#[derive(Clone)]
pub struct Known<T: Clone + Send + Sync + 'static> {
    parse: fn(&str) -> Result<T, String>,
    values: fn() -> Vec<&'static str>,
}

impl<T: Clone + Send + Sync + 'static> clap::builder::TypedValueParser for Known<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        // The plain function's own parser: the same messages as before.
        self.parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            (self.values)()
                .into_iter()
                .map(clap::builder::PossibleValue::new),
        ))
    }
}

/// `send STAGE`: checked against the family when it is known, completed from every family's.
fn stage_parser() -> Known<String> {
    Known {
        parse: |s| Ok(s.to_string()),
        values: crate::job::send::stage_names,
    }
}

/// `--family`: the family ids.
fn family_parser() -> Known<&'static Family> {
    Known {
        parse: parse_family,
        values: crate::family::ids,
    }
}

/// A rule id (`--only`, `explain RULE`): checked where it is used, completed from the catalogue.
fn rule_parser() -> Known<String> {
    Known {
        parse: |s| Ok(s.to_string()),
        values: crate::job::suite::rule_ids,
    }
}

/// `--flaw`: the built-in receiver's flaws.
fn flaw_parser() -> Known<crate::job::receiver::Flaw> {
    Known {
        parse: str::parse,
        values: || {
            crate::job::receiver::Flaw::ALL
                .iter()
                .map(|f| f.name())
                .collect()
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// Scenario files.
    Scenario,
    /// The JSON report of `load` and `merge`.
    LoadReport,
    /// One event of `serve`'s `GET /_mock/events` (Server-Sent Events).
    Events,
}

/// `--listen`, `--artifact-listen`: an IP address and port; also `localhost:PORT` and a bare
/// `PORT`, both this machine's loopback (never every interface by surprise).
pub fn parse_listen(s: &str) -> Result<SocketAddr, String> {
    let t = s.trim();
    if let Ok(a) = t.parse::<SocketAddr>() {
        return Ok(a);
    }
    let port = |p: &str| p.parse::<u16>().ok();
    if let Some(p) = port(t) {
        return Ok(SocketAddr::from(([127, 0, 0, 1], p)));
    }
    if let Some(p) = t
        .strip_prefix("localhost:")
        .or_else(|| t.strip_prefix("LOCALHOST:"))
        .and_then(port)
    {
        return Ok(SocketAddr::from(([127, 0, 0, 1], p)));
    }
    if let Some(p) = t.strip_prefix(':').and_then(port) {
        return Err(format!(
            "`{s}` names no address: write 127.0.0.1:{p} (this machine only) or 0.0.0.0:{p} (every interface)"
        ));
    }
    Err(format!(
        "`{s}` is not an address to listen on; write IP:PORT like 127.0.0.1:4999, localhost:4999, or just the port"
    ))
}

/// `--shard`: a part given, or one to take from the environment.
#[derive(Debug, Clone, Copy)]
pub enum ShardArg {
    Given(crate::job::load::Shard),
    Auto,
}

/// `--shard K/N` (the K-th of N parts of a load run, from 1) or `--shard auto`.
fn parse_shard(s: &str) -> Result<ShardArg, String> {
    if s == "auto" {
        return Ok(ShardArg::Auto);
    }
    parse_shard_given(s).map(ShardArg::Given)
}

fn parse_shard_given(s: &str) -> Result<crate::job::load::Shard, String> {
    let bad = || format!("`{s}` is not a shard; write K/N with 1 <= K <= N, like 2/4, or auto");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (index, count): (u32, u32) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if index == 0 || index > count {
        return Err(bad());
    }
    Ok(crate::job::load::Shard { index, count })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// How the emulated provider sends: shared by every command that delivers callbacks.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// Deadline of one attempt: connect, request and the whole response [default: the
    /// family's, 15s; 10s for replace-section].
    #[arg(long, value_name = "DUR")]
    pub timeout: Option<Dur>,
    /// Retries after a failed attempt.
    #[arg(long, default_value_t = 3, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
    /// Waits before each retry; the last one repeats.
    #[arg(long, default_value = "1s,2s,4s", value_name = "DURS", value_parser = parse_delays)]
    pub retry_delays: Delays,
    #[command(flatten)]
    pub signing: SigningArgs,
    /// Accept any TLS certificate from the receiver.
    #[arg(long)]
    pub insecure: bool,
}

/// The key the emulated provider signs with: every command that sends a callback.
#[derive(Debug, Clone, Args)]
pub struct SigningArgs {
    /// Sign every genuine callback with this HMAC key, as the provider would (also
    /// SUNO_MOCK_HMAC_KEY).
    #[arg(
        long,
        value_name = "KEY",
        env = "SUNO_MOCK_HMAC_KEY",
        hide_env_values = true
    )]
    pub hmac_key: Option<String>,
}

/// Where callbacks go and how the emulated provider sends them: every command that delivers.
#[derive(Debug, Clone, Args)]
pub struct SenderArgs {
    /// The receiver's callback URL (`builtin`: the built-in reference receiver).
    #[arg(long, value_name = "URL", value_parser = parse_receiver)]
    pub receiver: ReceiverArg,
    /// The callback family (`suno-mock rules --family ID` shows one in full).
    #[arg(long, value_name = "ID", default_value = "video", value_parser = family_parser())]
    pub family: &'static Family,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The receiver URL's query parameter that carries its secret token.
    #[arg(long, value_name = "NAME")]
    pub token_param: Option<String>,
    /// Where the media host (videos, audio, images) listens.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR", value_parser = parse_listen)]
    pub artifact_listen: SocketAddr,
    /// The media host's address as the receiver reaches it (for a receiver in a container).
    #[arg(long, value_name = "URL")]
    pub artifact_base_url: Option<String>,
    /// Serve the media over https, as the provider does, with a certificate of the local CA
    /// (made once and kept; `suno-mock ca` prints its path and how to trust it).
    #[arg(long)]
    pub media_tls: bool,
    /// Seed of task ids and payloads; printed in every report; the same seed replays a run.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// How the receiver's side effects are watched: `check`, `run` and `send`.
#[derive(Debug, Clone, Args)]
pub struct ObserveArgs {
    /// GET this URL ({task_id} filled in) to observe the receiver's side effects.
    #[arg(long, value_name = "TEMPLATE")]
    pub probe_url: Option<String>,
    /// Run this shell command ({task_id} filled in, quoted) to observe side effects.
    #[arg(long, value_name = "TEMPLATE")]
    pub probe_cmd: Option<String>,
    /// An observation counts once unchanged this long (downloads in progress keep it open).
    #[arg(long, default_value = "500ms", value_name = "DUR")]
    pub settle: Dur,
    /// Longest wait for side effects to settle; download-media waits for a download at most
    /// 10s of it.
    #[arg(long, default_value = "60s", value_name = "DUR")]
    pub max_wait: Dur,
}

impl Default for ObserveArgs {
    /// The flags' own defaults, for commands that observe nothing themselves (`load`).
    fn default() -> Self {
        ObserveArgs {
            probe_url: None,
            probe_cmd: None,
            settle: Dur::from_millis(500),
            max_wait: Dur::secs(60),
        }
    }
}

/// What is printed and which report files are written.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Also write the JSON report to FILE (checked before the first delivery).
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Also write a JUnit XML report to FILE (checked before the first delivery).
    #[arg(long, value_name = "FILE")]
    pub report_junit: Option<PathBuf>,
    /// Also write one self-contained HTML page to FILE: the verdicts, their evidence and a
    /// timeline of every attempt (load and merge: the latency curve and deliveries per second;
    /// fuzz: every finding with its minimal body).
    #[arg(long, value_name = "FILE")]
    pub report_html: Option<PathBuf>,
}

/// How many connections `check` and `run` open to the receiver at once.
#[derive(Debug, Clone, Args)]
pub struct ConnectionArgs {
    /// At most this many connections open to the receiver at once (callbacks and probes).
    /// The default takes a stock server with Python's listen backlog of 5 without one
    /// dropped connection; copies released together take their slots at once.
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub connections: u16,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub sender: SenderArgs,
    #[command(flatten)]
    pub connections: ConnectionArgs,
    #[command(flatten)]
    pub observe: ObserveArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Show every step of every scenario as it ends, not only the failed ones.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// What to send: success or failure, or a stage of the family (text, first, complete,
    /// error for music).
    #[arg(value_name = "STAGE", value_parser = stage_parser())]
    pub kind: String,
    /// The task_id to send (default: a seeded id).
    #[arg(long, value_name = "ID")]
    pub task: Option<String>,
    /// Callback `code` (failure: one the family documents; video: 500, 400 or 451).
    #[arg(long)]
    pub code: Option<i64>,
    /// One of the family's documented variants of the stage's body (`suno-mock rules --family`).
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Put JSON at a path of the body: `--set data.extra=1`, `--set 'msg="hi"'`.
    #[arg(long = "set", value_name = "PATH=JSON")]
    pub set: Vec<String>,
    /// Deliver this many identical copies.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub copies: u32,
    /// Release the copies at one instant.
    #[arg(long)]
    pub concurrent: bool,
    #[command(flatten)]
    pub sender: SenderArgs,
    #[command(flatten)]
    pub observe: ObserveArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Also show the signing headers of every attempt, not only of the first.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Judge only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...", value_parser = rule_parser(), hide_possible_values = true)]
    pub only: Vec<String>,
    /// A should rule that warns or is inconclusive fails the run too. Without it, only must
    /// rules decide: one that fails, or that nothing could verify (inconclusive), exits 1.
    #[arg(long)]
    pub strict: bool,
    /// fast-ack: the largest p95 answer latency that passes.
    #[arg(long, default_value = "1s", value_name = "DUR")]
    pub fast_ack_p95: Dur,
    /// GitHub Actions output: an annotation per rule that fails or warns, and the verdict
    /// table with evidence appended to $GITHUB_STEP_SUMMARY (on by itself when
    /// GITHUB_ACTIONS=true).
    #[arg(long)]
    pub github: bool,
    /// Run the suite's scenarios one after another, each step after the one before, instead
    /// of the well-formed callbacks at once (slower; the verdicts are the same).
    #[arg(long)]
    pub sequential: bool,
    #[command(flatten)]
    pub sender: SenderArgs,
    #[command(flatten)]
    pub connections: ConnectionArgs,
    #[command(flatten)]
    pub observe: ObserveArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Show every step of every scenario as it ends, with its deliveries and observations.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The callback URL exactly as you give it to the provider (http or https).
    #[arg(value_name = "URL", value_parser = parse_callback_url)]
    pub url: url::Url,
    /// The family whose failure callback is sent.
    #[arg(long, value_name = "ID", default_value = "video", value_parser = family_parser())]
    pub family: &'static Family,
    /// The bound on each network step: the lookup, connecting, the TLS handshake, the answer.
    #[arg(long, default_value = "15s", value_name = "DUR")]
    pub timeout: Dur,
    /// Go on (connect, send) to private, link-local and other non-public addresses; they
    /// still fail, since the provider cannot reach them.
    #[arg(long)]
    pub allow_private: bool,
    /// Also trust the CA certificates in this PEM file (a private CA, for a test set-up).
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Use ADDR for HOST instead of looking it up (repeatable), as curl's --resolve: to check a
    /// server before its DNS record points at it.
    #[arg(long, value_name = "HOST:ADDR", value_parser = parse_resolve)]
    pub resolve: Vec<(String, std::net::IpAddr)>,
    /// Stop before sending the failure callback.
    #[arg(long)]
    pub no_send: bool,
    #[command(flatten)]
    pub signing: SigningArgs,
    /// The URL's query parameter that carries its secret token (masked in the output).
    #[arg(long, value_name = "NAME")]
    pub token_param: Option<String>,
    /// Seed of the test callback's task id (`doctor-` and 12 hex digits; random without it).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

/// A callback URL: absolute, http or https, with a host.
fn parse_callback_url(s: &str) -> Result<url::Url, String> {
    let u = url::Url::parse(s).map_err(|e| format!("`{s}` is not a URL: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!(
            "the provider calls http or https URLs; this one is {}:",
            u.scheme()
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    Ok(u)
}

/// `--resolve HOST:ADDR` (an IPv6 address may be bracketed).
fn parse_resolve(s: &str) -> Result<(String, std::net::IpAddr), String> {
    let bad = || format!("`{s}`: write HOST:ADDR, like api.example.com:203.0.113.7");
    let (host, addr) = s.split_once(':').ok_or_else(bad)?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    let ip = addr.parse().map_err(|_| bad())?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host.to_string(), ip))
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The callback family both receivers take and the suite checks.
    #[arg(long, value_name = "ID", default_value = "video", value_parser = family_parser())]
    pub family: &'static Family,
    /// Deadline per attempt in the demo (the documented 15 s would make it slow).
    #[arg(long, default_value = "2s", value_name = "DUR")]
    pub timeout: Dur,
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ReceiverArgs {
    #[arg(long, default_value = "127.0.0.1:3000", value_name = "ADDR", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// The callback family it receives.
    #[arg(long, value_name = "ID", default_value = "video", value_parser = family_parser())]
    pub family: &'static Family,
    /// Plant defects (comma-separated; the README's table says what each does and which rules
    /// catch it).
    #[arg(long, value_delimiter = ',', value_name = "FLAW,...", value_parser = flaw_parser())]
    pub flaw: Vec<crate::job::receiver::Flaw>,
    /// Verify signatures with this key (also SUNO_MOCK_HMAC_KEY).
    #[arg(long, env = "SUNO_MOCK_HMAC_KEY", hide_env_values = true)]
    pub hmac_key: Option<String>,
    /// Require `?NAME=VALUE` on callbacks.
    #[arg(long, value_name = "NAME=VALUE")]
    pub token: Option<String>,
    /// Serve HTTPS with this certificate chain (PEM: the certificate, then its
    /// intermediates); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Success,
    Failure,
    /// Seeded: fails a share of tasks given by --failure-rate.
    Random,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!(
            "`{s}` is not a share from 0 to 1 (0.25 fails a quarter of the tasks)"
        )),
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// The address given out in media URLs, as the receivers reach this server (default: the
    /// listen address). Also SUNO_MOCK_PUBLIC_URL (a CI service or a container is configured
    /// by its environment).
    #[arg(long, value_name = "URL", env = "SUNO_MOCK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Require this bearer key (default: any non-empty key). Also SUNO_MOCK_API_KEY.
    #[arg(
        long,
        value_name = "KEY",
        env = "SUNO_MOCK_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<String>,
    /// How long a task takes before its callback.
    #[arg(long, default_value = "2s", value_name = "DUR")]
    pub generation_time: Dur,
    #[arg(long, value_enum, default_value = "success")]
    pub outcome: OutcomeArg,
    /// With --outcome random: the share of tasks that fail.
    #[arg(long, default_value = "0.5", value_name = "SHARE", value_parser = parse_rate)]
    pub failure_rate: f64,
    /// Callback `code` of failed tasks, every family (`suno-mock rules --family ID` lists each
    /// family's documented codes; 500 is documented by all).
    #[arg(long, default_value_t = 500, value_name = "CODE")]
    pub failure_code: i64,
    /// Extra copies of each task's last callback (music: of `complete`).
    #[arg(long, default_value_t = 0, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub duplicates: u32,
    /// Release a callback and its duplicates at one instant.
    #[arg(long)]
    pub concurrent_duplicates: bool,
    /// How the media host serves the tasks' files (videos, tracks, images).
    #[arg(long, value_enum, default_value = "normal")]
    pub video: crate::job::serve::MediaMode,
    /// A plan file: what happens to the first, second, ... task of each family (its outcome,
    /// or its callbacks stage by stage with their codes and duplicates).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Always answer HTTP 200 with the result in the body's `code` (default: the HTTP status
    /// mirrors `code`; the provider's docs do not say which it does).
    #[arg(long)]
    pub always_http_200: bool,
    /// No log line per request and per callback attempt.
    #[arg(long, short)]
    pub quiet: bool,
    /// The account's balance at start; a create it cannot pay is refused with code 429.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub credits: u64,
    /// What a create of a family costs (repeatable): video 2, music 12, replace-section 5,
    /// lyrics 1, wav 1, stems 5, midi 2, cover 1, voice 5 unless given.
    #[arg(long = "price", value_name = "FAMILY=N", value_parser = parse_price)]
    pub prices: Vec<(String, u64)>,
    /// How long media links serve their files [default: the documented 15 days for music,
    /// 14 for video]; a few seconds lets an application test an expired link.
    #[arg(long, value_name = "DUR")]
    pub retention: Option<Dur>,
    /// Forget a task (its record, callback attempts and files) this long after its creation,
    /// once its media expired; a poll then answers as for an unknown task. What bounds the
    /// memory of a `serve` left running with a short --retention.
    #[arg(long, default_value = "10m", value_name = "DUR")]
    pub forget_after: Dur,
    /// At most N creates every DUR (the provider: 20 every 10 s), refused with code 430; `off`.
    #[arg(long, default_value = "20/10s", value_name = "N/DUR|off", value_parser = parse_rate_limit)]
    pub rate_limit: RateLimit,
    /// Tracks carry the docs' example title, tags and lyrics, not the request's `title`,
    /// `style` and custom-mode `prompt` (the docs do not say they echo them).
    #[arg(long)]
    pub no_echo: bool,
    /// A task none of whose copies of a callback was acknowledged reports
    /// `CALLBACK_EXCEPTION` in polling (its results kept). Without it, polling shows the task
    /// as generated whatever its callbacks got back.
    #[arg(long)]
    pub callback_exception: bool,
    /// Make a music video of any `taskId`/`audioId`, as for tracks made before this server
    /// started (off: the provider's rule, a video only of a finished track of this server;
    /// any other pair is refused with 400).
    #[arg(long)]
    pub any_track_ids: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// How many tasks (default 1000, unless --duration is given).
    #[arg(long, value_name = "N", conflicts_with = "duration")]
    pub tasks: Option<u64>,
    /// Send tasks for this long instead of a fixed number.
    #[arg(long, value_name = "DUR")]
    pub duration: Option<Dur>,
    /// Tasks per second, paced against absolute deadlines (default: as fast as the concurrency allows).
    #[arg(long, value_name = "PER_S", value_parser = parse_positive)]
    pub rate: Option<f64>,
    /// Deliveries in flight at once (one connection each).
    #[arg(long, default_value_t = 32, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=4096))]
    pub concurrency: u16,
    /// Share of tasks delivered twice, half of them concurrently.
    #[arg(long, default_value = "0.1", value_name = "SHARE", value_parser = parse_rate)]
    pub duplicates: f64,
    /// Share of tasks whose callback is a failure (code 500).
    #[arg(long, default_value = "0", value_name = "SHARE", value_parser = parse_rate)]
    pub failures: f64,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Stream one JSON line per attempt to FILE.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// No progress bar even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
    /// Send only the K-th of N disjoint parts of the run (tasks, seeds and rate split so the N
    /// parts together are the run one machine would send); `suno-mock merge` adds the reports.
    /// `auto`: K and N from the engine running it (a Kubernetes Indexed Job's
    /// JOB_COMPLETION_INDEX with --shard-count, or GitLab's CI_NODE_INDEX and CI_NODE_TOTAL).
    #[arg(long, value_name = "K/N|auto", value_parser = parse_shard)]
    pub shard: Option<ShardArg>,
    /// With `--shard auto` under a Kubernetes Indexed Job: how many shards (the job's
    /// completions), which the job does not put in the environment.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub shard_count: Option<u32>,
    #[command(flatten)]
    pub sender: SenderArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Thresholds that turn a load result into an exit status for CI.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Fail (exit 1) when p99 latency is above this.
    #[arg(long, value_name = "DUR")]
    pub max_p99: Option<Dur>,
    /// Fail (exit 1) when more deliveries than this end failed or ambiguous.
    #[arg(long, value_name = "N")]
    pub max_failures: Option<u64>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The `--report-json` files of the shards of one run.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Merge a set that lacks some of the run's shards (refused otherwise, exit 2); every
    /// report then names the missing shards.
    #[arg(long)]
    pub allow_partial: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `--rate-limit`: `N/DUR` or `off`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit(pub Option<(u32, std::time::Duration)>);

fn parse_rate_limit(s: &str) -> Result<RateLimit, String> {
    if s == "off" {
        return Ok(RateLimit(None));
    }
    let bad = || format!("`{s}` is not a rate limit; write N/DUR like 20/10s, or off");
    let (n, d) = s.split_once('/').ok_or_else(bad)?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    let d = crate::duration::parse(d.trim()).map_err(|_| bad())?;
    if n == 0 || d.0.is_zero() {
        return Err(bad());
    }
    Ok(RateLimit(Some((n, d.0))))
}

/// `--price FAMILY=N`.
fn parse_price(s: &str) -> Result<(String, u64), String> {
    let (f, n) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: write FAMILY=N, like music=12"))?;
    let family = parse_family(f.trim())?;
    let n = n
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: the price is not a whole number"))?;
    Ok((family.id.to_string(), n))
}

fn parse_positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r > 0.0 && r.is_finite() => Ok(r),
        _ => Err(format!("`{s}` is not a positive number")),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn listen_takes_localhost_and_a_bare_port_as_loopback() {
        let lo = |p| SocketAddr::from(([127, 0, 0, 1], p));
        assert_eq!(parse_listen("localhost:4999"), Ok(lo(4999)));
        assert_eq!(parse_listen("3999"), Ok(lo(3999)));
        assert_eq!(
            parse_listen("0.0.0.0:80"),
            Ok(SocketAddr::from(([0, 0, 0, 0], 80)))
        );
        assert_eq!(parse_listen("[::1]:9"), Ok("[::1]:9".parse().unwrap()));
        let err = parse_listen(":3999").unwrap_err();
        assert!(err.contains("127.0.0.1:3999 (this machine only)"), "{err}");
        let err = parse_listen("example.com:80").unwrap_err();
        assert!(err.contains("just the port"), "{err}");
    }

    #[test]
    fn every_command_parses_its_defaults() {
        for argv in [
            &["suno-mock", "run", "x.yaml", "--receiver", "builtin"][..],
            &[
                "suno-mock",
                "send",
                "success",
                "--receiver",
                "http://127.0.0.1:1/cb",
            ],
            &[
                "suno-mock",
                "check",
                "--receiver",
                "http://127.0.0.1:1/cb",
                "--only",
                "ack-success,ack-failure",
            ],
            &["suno-mock", "demo"],
            &["suno-mock", "receiver", "--flaw", "no-dedup,slow-ack"],
            &[
                "suno-mock",
                "serve",
                "--outcome",
                "random",
                "--failure-rate",
                "0.2",
                "--video",
                "slow",
            ],
        ] {
            Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
        }
    }

    #[test]
    fn receiver_urls_are_checked() {
        assert!(parse_receiver("ftp://x/").unwrap_err().contains("scheme"));
        assert!(
            parse_receiver("not a url")
                .unwrap_err()
                .contains("not a URL")
        );
        assert!(matches!(
            parse_receiver("builtin"),
            Ok(ReceiverArg::Builtin)
        ));
        // Issue 30: a host and port without the scheme is told the URL it meant.
        assert!(
            parse_receiver("localhost:4101/callback")
                .unwrap_err()
                .ends_with("write it like http://localhost:4101/callback"),
        );
    }
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Where the provider's callbacks arrive (expose it through your tunnel or staging host).
    #[arg(long, default_value = "127.0.0.1:4000", value_name = "ADDR", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// Your receiver: every request is forwarded to it unchanged and its answer returned
    /// unchanged. Without it, `record` answers `--answer` itself.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<url::Url>,
    /// The status `record` answers with when nothing is forwarded.
    #[arg(long, default_value_t = 200, value_name = "STATUS", value_parser = clap::value_parser!(u16).range(100..=599))]
    pub answer: u16,
    /// The folder the scenario files are written to (one per task).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write signatures, timestamps and query tokens into the files as they came (by default
    /// a signed delivery is recorded as `auth: genuine` and re-signed on replay).
    #[arg(long)]
    pub keep_secrets: bool,
    /// How long a forwarded request may take (the provider's deadline).
    #[arg(long, default_value = "15s", value_name = "DUR")]
    pub timeout: Dur,
    /// Requests with a larger body are answered 413 and not recorded.
    #[arg(long, default_value_t = 2 * 1024 * 1024, value_name = "BYTES")]
    pub max_body: usize,
    /// Show the live page on this address of its own (a port alone is 127.0.0.1's): every
    /// callback as it arrives, the receiver's answers and their marks, Resend, Duplicate and
    /// Edit. Its URL, with the token its actions need, is printed at start.
    #[arg(long, value_name = "ADDR", value_parser = parse_listen)]
    pub ui_listen: Option<SocketAddr>,
}

#[derive(Debug, Args)]
pub struct FuzzArgs {
    /// How many cases to send (default 1000, unless --budget is given).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub cases: Option<u64>,
    /// Send cases for this long instead (shrinking included); with --cases, whichever ends first.
    #[arg(long, value_name = "DUR")]
    pub budget: Option<Dur>,
    /// Requests per second at most: cases, shrinking tries and liveness checks together.
    #[arg(long, default_value = "100", value_name = "PER_S", value_parser = parse_positive)]
    pub rate: f64,
    /// Cases in flight at once.
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Largest request body sent; longer strings and arrays are cut to fit.
    #[arg(long, default_value_t = 1024 * 1024, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1024..=64 * 1024 * 1024))]
    pub max_body: u64,
    /// The folder each finding is written to as a scenario file.
    #[arg(long, default_value = "fuzz-findings", value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub sender: SenderArgs,
    #[command(flatten)]
    pub report: ReportArgs,
}
