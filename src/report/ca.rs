//! What `ca` prints: the local CA's certificate and how each stack's receiver trusts it.

use std::path::Path;

pub fn human(cert: &Path, trust: &[(String, String)]) -> String {
    let mut out = format!(
        "local CA: {}\n(its key beside it is readable by you alone; SUNO_MOCK_CAROOT moves the folder)\n\nWith --media-tls, check, run, send and load serve the media over https with a certificate it signed.\nTell the receiver's process to trust it before starting it:\n",
        cert.display()
    );
    let width = trust.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (stack, how) in trust {
        out.push_str(&format!("  {stack:<width$}  {how}\n"));
    }
    out
}
