//! The local certificate authority behind `--media-tls` (issue 28): made once and kept in a
//! folder of its own (as mkcert keeps its CAROOT), so a receiver started before the run, or
//! in another process, can trust it already; each run's media host gets a fresh certificate
//! for loopback signed by it.
//!
//! The folder: `$SUNO_MOCK_CAROOT`, else `$XDG_DATA_HOME/suno-mock`, else
//! `~/.local/share/suno-mock`. It holds `rootCA.pem` (give this to receivers) and
//! `rootCA-key.pem` (readable by its owner only; never give it out).

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

use crate::http_server::TlsConfig;

const CERT: &str = "rootCA.pem";
const KEY: &str = "rootCA-key.pem";
/// The CA's name, which trust stores and certificate viewers show.
const NAME: &str = "suno-mock local CA (media host of --media-tls)";

/// Why the local CA could not be read, made or used.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    #[error("no folder for the local CA: set SUNO_MOCK_CAROOT (or HOME)")]
    NoFolder,
    #[error("local CA {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("local CA {path}: {reason}; delete the folder to have a new CA made")]
    Invalid { path: String, reason: String },
    #[error("cannot make a certificate: {0}")]
    Make(String),
    #[error("cannot serve with the certificate it made: {0}")]
    Serve(#[from] crate::http_server::TlsError),
}

/// The local CA: where it lives and its certificate.
pub struct LocalCa {
    pub dir: PathBuf,
    cert_pem: String,
    key: KeyPair,
}

/// The folder the CA lives in, from the environment.
pub fn folder() -> Result<PathBuf, CaError> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(d) = var("SUNO_MOCK_CAROOT") {
        return Ok(PathBuf::from(d));
    }
    if let Some(d) = var("XDG_DATA_HOME") {
        return Ok(PathBuf::from(d).join("suno-mock"));
    }
    var("HOME")
        .map(|h| PathBuf::from(h).join(".local/share/suno-mock"))
        .ok_or(CaError::NoFolder)
}

fn ca_params() -> Result<CertificateParams, CaError> {
    let mut p =
        CertificateParams::new(Vec::<String>::new()).map_err(|e| CaError::Make(e.to_string()))?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, NAME);
    dn.push(DnType::OrganizationName, "suno-mock");
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    // rcgen's default validity (1975 to 4096): made once, kept, never expires under a test.
    Ok(p)
}

impl LocalCa {
    /// The CA in [`folder`], made there first when it is not.
    pub fn load_or_make() -> Result<LocalCa, CaError> {
        LocalCa::in_dir(&folder()?)
    }

    /// The CA in `dir`, made there first when it is not.
    pub fn in_dir(dir: &Path) -> Result<LocalCa, CaError> {
        let (cert_path, key_path) = (dir.join(CERT), dir.join(KEY));
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| CaError::Io { path, source }
        };
        if !cert_path.exists() || !key_path.exists() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
            let key = KeyPair::generate().map_err(|e| CaError::Make(e.to_string()))?;
            let cert = ca_params()?
                .self_signed(&key)
                .map_err(|e| CaError::Make(e.to_string()))?;
            write_private(&key_path, &key.serialize_pem()).map_err(io(&key_path))?;
            std::fs::write(&cert_path, cert.pem()).map_err(io(&cert_path))?;
        }
        let cert_pem = std::fs::read_to_string(&cert_path).map_err(io(&cert_path))?;
        let key_pem = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
        let key = KeyPair::from_pem(&key_pem).map_err(|e| CaError::Invalid {
            path: key_path.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(LocalCa {
            dir: dir.to_path_buf(),
            cert_pem,
            key,
        })
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> String {
        self.cert_pem.clone()
    }

    /// Where receivers find the CA certificate.
    pub fn cert_path(&self) -> PathBuf {
        self.dir.join(CERT)
    }

    /// A server certificate for `names` (host names or IP addresses) signed by the CA, ready
    /// to serve with; a new key each time, kept in memory only.
    pub fn server_tls(&self, names: &[String]) -> Result<TlsConfig, CaError> {
        let make = |e: rcgen::Error| CaError::Make(e.to_string());
        let mut p = CertificateParams::new(names.to_vec()).map_err(make)?;
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name
            .push(DnType::CommonName, "suno-mock media host");
        p.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_key = KeyPair::generate().map_err(make)?;
        let issuer = Issuer::new(ca_params()?, &self.key);
        let leaf = p.signed_by(&leaf_key, &issuer).map_err(make)?;
        crate::http_server::tls_config_pem(
            &format!("{}{}", leaf.pem(), self.cert_pem),
            &leaf_key.serialize_pem(),
        )
        .map_err(CaError::Serve)
    }

    /// How to make a receiver trust the CA, one line per stack.
    pub fn trust_lines(&self) -> Vec<(String, String)> {
        let p = self.cert_path().display().to_string();
        vec![
            (
                "Python (requests)".into(),
                format!("REQUESTS_CA_BUNDLE={p}  (requests uses only this bundle then)"),
            ),
            (
                "Python (urllib, httpx, aiohttp)".into(),
                format!("SSL_CERT_FILE={p}"),
            ),
            ("Node".into(), format!("NODE_EXTRA_CA_CERTS={p}")),
            ("Deno".into(), format!("DENO_CERT={p}")),
            ("curl".into(), format!("--cacert {p}")),
            (
                "Go, Ruby, PHP (OpenSSL)".into(),
                format!("SSL_CERT_FILE={p}"),
            ),
        ]
    }
}

/// Writes a file its owner alone can read.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        o.mode(0o600);
    }
    o.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let a = LocalCa::in_dir(dir.path()).unwrap();
        let first = std::fs::read_to_string(a.cert_path()).unwrap();
        let b = LocalCa::in_dir(dir.path()).unwrap();
        assert_eq!(first, std::fs::read_to_string(b.cert_path()).unwrap());
        assert!(first.starts_with("-----BEGIN CERTIFICATE-----"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(KEY))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the key is its owner's alone");
        }
        b.server_tls(&["127.0.0.1".into(), "localhost".into()])
            .unwrap();
    }
}
