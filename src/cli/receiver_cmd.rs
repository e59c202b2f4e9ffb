//! `suno-mock receiver`: a built-in receiver on its own, correct or with planted flaws.

use super::args::ReceiverArgs;
use super::session::status;
use crate::job::receiver::{Flaws, ReceiverConfig, local_ca_pem, start, token};
use crate::job::{JobError, runtime};

pub fn run(a: ReceiverArgs) -> i32 {
    status(execute(a))
}

fn execute(a: ReceiverArgs) -> Result<i32, JobError> {
    let token = token(a.token.as_deref())?;
    let tls = a.tls_cert.as_deref().zip(a.tls_key.as_deref());
    let cfg = ReceiverConfig {
        family: a.family,
        hmac_key: a.hmac_key.clone(),
        token,
        flaws: Flaws(a.flaw.clone()),
        trust_pem: local_ca_pem(),
    };
    runtime()?.block_on(async {
        let stop = crate::job::until_ctrl_c();
        let listening = start(cfg, a.listen, tls).await?;
        crate::console::out!(
            "{}",
            crate::report::record::receiver_banner(&listening.banner)
        );
        stop.await;
        Ok(crate::exit::SUCCESS)
    })
}
