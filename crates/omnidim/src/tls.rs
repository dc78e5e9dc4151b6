//! TLS for the client: rustls on the `ring` provider with the Mozilla root store.
//!
//! Why not reqwest's default: that is rustls on aws-lc-rs, whose C build dominates a clean build
//! (about 70 s of 90 on a 2-core machine). `ring` builds in a fraction of that, and configuring
//! the provider here (not via `CryptoProvider::install_default`) changes nothing process-wide.

use std::sync::Arc;

use crate::ConfigError;

pub(crate) fn rustls_config() -> Result<rustls::ClientConfig, ConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
