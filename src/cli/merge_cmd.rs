//! `suno-mock merge FILE...`: the shard reports of one `load` run added into its report.

use super::args::MergeArgs;
use super::load_cmd::outputs;
use super::session::write_reports;
use crate::exit;
use crate::load::merge::merge;
use crate::load::report::LoadReport;
use crate::report::Style;
use crate::secrets::Secrets;

pub fn run(a: MergeArgs) -> i32 {
    if let Err(super::session::Fatal(code, m)) = a.report.check_paths() {
        crate::console::errln!("error: {m}");
        return code;
    }
    let mut parts = Vec::new();
    for f in &a.files {
        let name = f.display().to_string();
        let read = std::fs::read_to_string(f)
            .map_err(|e| format!("cannot read {name}: {e}"))
            .and_then(|t| {
                serde_json::from_str::<LoadReport>(&t).map_err(|e| {
                    format!(
                        "{name}:{}:{}: not a load report ({e}); give the files `load --report-json` wrote",
                        e.line(),
                        e.column()
                    )
                })
            });
        match read {
            Ok(r) => parts.push((name, r.result)),
            Err(m) => {
                crate::console::errln!("error: {m}");
                return exit::USAGE;
            }
        }
    }
    let merged = match merge(&parts, a.allow_partial) {
        Ok(m) => m,
        Err(m) => {
            crate::console::errln!("error: {m}");
            return exit::USAGE;
        }
    };
    let head = format!(
        "suno-mock merge · receiver {} · seed {} · {}\n",
        merged.receiver,
        merged.seed,
        crate::report::load::shards_line(&merged)
    );
    let super::load_cmd::Outputs {
        code,
        human,
        json,
        junit: xml,
        html,
    } = outputs("merge", head, merged, &a.limits, &Style::detect());
    let json = match json {
        Ok(j) => j,
        Err(m) => {
            crate::console::errln!("error: {m}");
            return exit::HARNESS;
        }
    };
    write_reports(
        &a.report,
        &Secrets::default(),
        &human,
        &json,
        xml,
        html,
        code,
    )
}
