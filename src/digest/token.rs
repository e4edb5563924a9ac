//! Signed per-subscriber tokens for unsubscribe and manage links.
//!
//! Owns: the secret key (read from an environment variable or a file, never printed) and
//! HMAC-SHA256 tokens. A token is `{purpose}.{subscriber id}.{signature}`: the subscriber id
//! is itself an HMAC of the address, so the link names no address and cannot be forged or
//! moved to another subscriber or purpose. Must not touch: the store, the network.

use std::fmt;
use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// One-click unsubscribe.
    Unsubscribe,
    /// Opening the subscription's settings page.
    Manage,
}

impl Purpose {
    fn tag(self) -> &'static str {
        match self {
            Self::Unsubscribe => "u1",
            Self::Manage => "m1",
        }
    }
}

/// The secret that signs tokens. Its `Debug` output never shows the key.
#[derive(Clone)]
pub struct TokenKey(Vec<u8>);

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey(<redacted>)")
    }
}

impl TokenKey {
    /// A key from raw bytes; at least 16 bytes.
    pub fn new(bytes: &[u8]) -> anyhow::Result<Self> {
        let trimmed = trim_ascii(bytes);
        if trimmed.len() < 16 {
            anyhow::bail!(
                "the digest signing key is too short ({} bytes; at least 16 are needed)",
                trimmed.len()
            );
        }
        Ok(Self(trimmed.to_vec()))
    }

    /// Reads the key: from the environment variable `env` when it is set and not empty,
    /// else from `file`. The error names where it looked, never the key.
    pub fn load(env: &str, file: Option<&Path>) -> anyhow::Result<Self> {
        if !env.trim().is_empty()
            && let Some(v) = std::env::var_os(env.trim()).filter(|v| !v.is_empty())
        {
            return Self::new(v.as_encoded_bytes())
                .map_err(|e| anyhow::anyhow!("{e} (from the environment variable {env})"));
        }
        if let Some(path) = file {
            let bytes = std::fs::read(path).map_err(|e| {
                anyhow::anyhow!(
                    "cannot read the digest signing key file {}: {e}",
                    path.display()
                )
            })?;
            return Self::new(&bytes).map_err(|e| anyhow::anyhow!("{e} (in {})", path.display()));
        }
        anyhow::bail!(
            "no digest signing key: set the environment variable {} or [digest] signing_key_file",
            if env.trim().is_empty() {
                "named by signing_key_env"
            } else {
                env.trim()
            }
        )
    }

    /// Like [`TokenKey::load`], but when the key file is configured and does not exist
    /// yet, creates it with 32 random bytes (hex, readable by the owner only). Keep the
    /// file: a new key invalidates every unsubscribe link already sent.
    pub fn load_or_create(env: &str, file: Option<&Path>) -> anyhow::Result<Self> {
        let env_set =
            !env.trim().is_empty() && std::env::var_os(env.trim()).is_some_and(|v| !v.is_empty());
        if let Some(path) = file.filter(|p| !env_set && !p.exists()) {
            let mut random = [0u8; 32];
            std::fs::File::open("/dev/urandom")
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut random))
                .map_err(|e| anyhow::anyhow!("cannot read random bytes for a new key: {e}"))?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!("cannot create the folder {}: {e}", dir.display())
                })?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(path).map_err(|e| {
                anyhow::anyhow!(
                    "cannot create the digest signing key file {}: {e}",
                    path.display()
                )
            })?;
            std::io::Write::write_all(&mut f, format!("{}\n", hex::encode(random)).as_bytes())
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        }
        Self::load(env, file)
    }

    fn mac(&self, parts: &[&str]) -> Vec<u8> {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.0) {
            Ok(m) => m,
            Err(_) => return Vec::new(),
        };
        for p in parts {
            mac.update(p.as_bytes());
            mac.update(&[0]);
        }
        mac.finalize().into_bytes().to_vec()
    }

    /// The opaque, stable id of a subscriber: an HMAC of the address as it is stored
    /// (normalised: the domain lower-cased, the local part as given, since only the
    /// receiving host may read it case-insensitively, RFC 5321 §2.4). Two subscribers are
    /// two addresses, so no two share an id.
    pub fn subscriber_id(&self, email: &str) -> String {
        let e = super::normalize_address(email);
        hex::encode(self.mac(&["subscriber", &e]).get(..12).unwrap_or_default())
    }

    /// The token for one subscriber and purpose.
    pub fn token(&self, email: &str, purpose: Purpose) -> String {
        let id = self.subscriber_id(email);
        let sig = self.mac(&[purpose.tag(), &id]);
        format!(
            "{}.{id}.{}",
            purpose.tag(),
            hex::encode(sig.get(..16).unwrap_or_default())
        )
    }

    /// Checks a token for `purpose`; returns the subscriber id it carries when the
    /// signature is right (compared in constant time).
    pub fn verify(&self, token: &str, purpose: Purpose) -> Option<String> {
        let mut parts = token.trim().split('.');
        let (tag, id, sig) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || tag != purpose.tag() {
            return None;
        }
        let sig = hex::decode(sig).ok()?;
        let mut mac = HmacSha256::new_from_slice(&self.0).ok()?;
        for p in [purpose.tag(), id] {
            mac.update(p.as_bytes());
            mac.update(&[0]);
        }
        mac.verify_truncated_left(&sig).ok()?;
        if sig.len() < 16 {
            return None;
        }
        Some(id.to_string())
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    b.get(start..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_resist_tampering() {
        let k = TokenKey::new(b"0123456789abcdef-test-key").unwrap();
        let t = k.token("Reader@Example.net", Purpose::Unsubscribe);
        assert!(!t.contains("reader") && !t.contains("example"));
        let id = k.verify(&t, Purpose::Unsubscribe).unwrap();
        assert_eq!(id, k.subscriber_id("Reader@example.net"));
        assert_ne!(id, k.subscriber_id("reader@example.net"));
        assert_eq!(k.verify(&t, Purpose::Manage), None);
        let other = TokenKey::new(b"another key of enough length").unwrap();
        assert_eq!(other.verify(&t, Purpose::Unsubscribe), None);
        let mut forged = t.clone();
        forged.pop();
        forged.push(if t.ends_with('0') { '1' } else { '0' });
        assert_eq!(k.verify(&forged, Purpose::Unsubscribe), None);
        assert_ne!(
            k.token("a@example.net", Purpose::Unsubscribe),
            k.token("b@example.net", Purpose::Unsubscribe)
        );
    }

    #[test]
    fn key_is_never_shown_and_must_be_long_enough() {
        let k = TokenKey::new(b"super-secret-value-123").unwrap();
        assert!(!format!("{k:?}").contains("secret"));
        assert!(TokenKey::new(b"short").is_err());
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("key");
        std::fs::write(&f, "from-a-file-0123456789\n").unwrap();
        let k = TokenKey::load("LOCALFEED_TEST_UNSET_VARIABLE_X", Some(&f)).unwrap();
        assert!(
            k.verify(&k.token("a@b.cn", Purpose::Manage), Purpose::Manage)
                .is_some()
        );
        let created = dir.path().join("state/new.key");
        let k1 =
            TokenKey::load_or_create("LOCALFEED_TEST_UNSET_VARIABLE_X", Some(&created)).unwrap();
        let k2 =
            TokenKey::load_or_create("LOCALFEED_TEST_UNSET_VARIABLE_X", Some(&created)).unwrap();
        let t = k1.token("a@b.cn", Purpose::Unsubscribe);
        assert!(
            k2.verify(&t, Purpose::Unsubscribe).is_some(),
            "the created key is kept"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&created).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let e = TokenKey::load("LOCALFEED_TEST_UNSET_VARIABLE_X", None).unwrap_err();
        assert!(e.to_string().contains("LOCALFEED_TEST_UNSET_VARIABLE_X"));
    }
}
