//! What `record` and `receiver` print when they start and stop.

use crate::duration::Dur;
use crate::outcome::banner::{ReceiverBanner, RecordBanner};

pub fn record_banner(b: &RecordBanner) -> String {
    let mut out = format!(
        "suno-mock record: callbacks on {}/ · {} · files in {} · Ctrl-C stops\n",
        b.url,
        match &b.forward_to {
            Some((url, deadline)) => format!("forwarded to {url} (deadline {})", Dur(*deadline)),
            None => format!("answered {} here", b.answer),
        },
        b.out.display()
    );
    if let Some(page) = &b.page {
        out.push_str(&format!("  live page: {page}\n"));
    }
    if b.keep_secrets {
        out.push_str(
            "--keep-secrets: signatures, timestamps and tokens are written as they came\n",
        );
    }
    out
}

pub fn record_stopped(b: &RecordBanner, recorded: usize) -> String {
    format!(
        "stopped: {} recorded in {}\n",
        super::count(recorded, "exchange", "exchanges"),
        b.out.display()
    )
}

pub fn receiver_banner(b: &ReceiverBanner) -> String {
    format!(
        "built-in receiver ({}, family {}) listening\n  callbacks: POST {}\n  state:     GET  {}\n",
        if b.flaws.is_empty() {
            "reference".to_string()
        } else {
            format!("flaws: {}", b.flaws.join(", "))
        },
        b.family,
        b.callback,
        b.state
    )
}
