//! `suno-mock receiver`: a built-in receiver on its own, correct or with planted flaws.

use super::args::ReceiverArgs;
use super::session::{Fatal, runtime};
use crate::exit;
use crate::receiver::{self, Flaws, ReceiverConfig};

/// The callback URL with the token masked: the operator knows it, the terminal log need not.
fn masked_url(r: &receiver::RunningReceiver, cfg: &ReceiverConfig) -> String {
    let url = r.callback_url(cfg);
    match (&cfg.token, url::Url::parse(&url)) {
        (Some((param, _)), Ok(u)) => crate::secrets::mask_query_param(&u, Some(param)),
        _ => url,
    }
}

pub fn run(a: ReceiverArgs) -> i32 {
    let token = match a.token.as_deref().map(|t| t.split_once('=')) {
        None => None,
        Some(Some((k, v))) if !k.is_empty() && !v.is_empty() => {
            Some((k.to_string(), v.to_string()))
        }
        Some(_) => {
            crate::console::errln!("error: --token: write it as NAME=VALUE");
            return exit::USAGE;
        }
    };
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => match crate::http_server::tls_config(cert, key) {
            Ok(t) => Some(t),
            Err(e) => {
                crate::console::errln!("error: {e}");
                return exit::USAGE;
            }
        },
        _ => None,
    };
    let cfg = ReceiverConfig {
        family: a.family,
        hmac_key: a.hmac_key,
        token,
        flaws: Flaws(a.flaw),
        // The local CA of `--media-tls`, when one was made: the tool's own, so its downloads
        // of a check's https media work as a receiver that trusts it would.
        trust_pem: crate::artifacts::local_ca::folder()
            .ok()
            .and_then(|d| std::fs::read_to_string(d.join("rootCA.pem")).ok()),
    };
    let result = runtime().and_then(|rt| {
        rt.block_on(async {
            let r = receiver::start_on(cfg.clone(), a.listen, tls)
                .await
                .map_err(|e| Fatal(exit::HARNESS, e))?;
            let flaws: Vec<_> = cfg.flaws.0.iter().map(|f| f.name()).collect();
            crate::console::outln!(
                "built-in receiver ({}, family {}) listening\n  callbacks: POST {}\n  state:     GET  {}",
                if flaws.is_empty() {
                    "reference".to_string()
                } else {
                    format!("flaws: {}", flaws.join(", "))
                },
                cfg.family.id,
                masked_url(&r, &cfg),
                r.probe_url()
            );
            let _ = tokio::signal::ctrl_c().await;
            Ok::<_, Fatal>(exit::SUCCESS)
        })
    });
    match result {
        Ok(c) => c,
        Err(Fatal(c, m)) => {
            crate::console::errln!("error: {m}");
            c
        }
    }
}
