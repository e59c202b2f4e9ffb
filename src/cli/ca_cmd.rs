//! `suno-mock ca`: the local CA of `--media-tls`, made when missing, and how each stack's
//! receiver is told to trust it.

use crate::artifacts::local_ca::LocalCa;
use crate::exit;

pub fn run(path_only: bool) -> i32 {
    let ca = match LocalCa::load_or_make() {
        Ok(ca) => ca,
        Err(e) => {
            crate::console::errln!("error: {e}");
            return exit::HARNESS;
        }
    };
    let path = ca.cert_path();
    if path_only {
        crate::console::outln!("{}", path.display());
        return exit::SUCCESS;
    }
    let mut out = format!(
        "local CA: {}\n(its key beside it is readable by you alone; SUNO_MOCK_CAROOT moves the folder)\n\nWith --media-tls, check, run, send and load serve the media over https with a certificate it signed.\nTell the receiver's process to trust it before starting it:\n",
        path.display()
    );
    let lines = ca.trust_lines();
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (stack, how) in lines {
        out.push_str(&format!("  {stack:<width$}  {how}\n"));
    }
    crate::console::out!("{out}");
    exit::SUCCESS
}
