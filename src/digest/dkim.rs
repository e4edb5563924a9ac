//! DKIM signing of digests.
//!
//! Owns: reading the private key (PEM, RSA in PKCS#1 or PKCS#8 — what `openssl genrsa`
//! writes since OpenSSL 3) and signing with rsa-sha256,
//! relaxed/relaxed, over the headers receivers and RFC 8058 expect, List-Unsubscribe and
//! List-Unsubscribe-Post included. Signing is the last step: nothing changes the message
//! afterwards. Must not touch: the network, the store.

use lettre::Message;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;

use super::Settings;

/// Headers the signature covers, in this order.
pub const SIGNED_HEADERS: &[&str] = &[
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

/// A loaded DKIM key with its selector and domain.
pub struct DkimSigner {
    config: DkimConfig,
}

impl std::fmt::Debug for DkimSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DkimSigner(<key redacted>)")
    }
}

impl DkimSigner {
    /// A signer from a PEM key, a selector and a domain.
    pub fn new(selector: &str, domain: &str, pem: &str) -> anyhow::Result<Self> {
        if pem.contains("BEGIN ENCRYPTED") {
            anyhow::bail!(
                "the DKIM key is encrypted; give an unencrypted RSA key (PKCS#1 or PKCS#8 PEM), e.g. `openssl rsa -in KEY -out KEY.plain.pem`"
            );
        }
        let pkcs1 = if pem.contains("BEGIN PRIVATE KEY") {
            Some(pkcs8_to_pkcs1(pem)?)
        } else {
            None
        };
        let pem = pkcs1.as_ref().map_or(pem, |p| p.as_str());
        let key = DkimSigningKey::new(pem, DkimSigningAlgorithm::Rsa)
            .map_err(|e| anyhow::anyhow!("the DKIM key cannot be read: {e}"))?;
        let headers = SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect();
        Ok(Self {
            config: DkimConfig::new(
                selector.trim().to_string(),
                domain.trim().to_string(),
                key,
                headers,
                DkimCanonicalization {
                    header: DkimCanonicalizationType::Relaxed,
                    body: DkimCanonicalizationType::Relaxed,
                },
            ),
        })
    }

    /// The signer the settings ask for, or `None` when DKIM is off.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let Some(path) = settings.dkim_key_file.as_deref() else {
            return Ok(None);
        };
        if settings.dkim_selector.trim().is_empty() || settings.dkim_domain.trim().is_empty() {
            anyhow::bail!(
                "[digest] DKIM needs dkim_selector, dkim_domain and dkim_key_file together"
            );
        }
        let pem = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!("cannot read the DKIM key file {}: {e}", path.display())
        })?;
        Self::new(&settings.dkim_selector, &settings.dkim_domain, &pem)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{} ({})", e, path.display()))
    }

    /// Signs the message in place; call it after the last header is set.
    pub fn sign(&self, message: &mut Message) {
        message.sign(&self.config);
    }
}

/// The same RSA key in PKCS#1 PEM, which the signer reads, from PKCS#8 PEM.
fn pkcs8_to_pkcs1(pem: &str) -> anyhow::Result<zeroize::Zeroizing<String>> {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| {
        anyhow::anyhow!("the DKIM key is PKCS#8 but not an RSA key that can be read: {e}")
    })?;
    key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("the DKIM key cannot be converted: {e}"))
}
