//! Signed values for the subscription pages: confirmation links that expire, and CSRF
//! tokens bound to a cookie; plus reading `application/x-www-form-urlencoded` bodies.
//!
//! Owns: the page secret (derived from the digest signing key, so one key signs every
//! link), random nonces, and the token formats. Must not touch: the store, HTTP, email.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::digest::TokenKey;
use crate::digest::token::Purpose;

type HmacSha256 = Hmac<Sha256>;

/// The name of the cookie that carries the CSRF nonce.
pub(crate) const CSRF_COOKIE: &str = "lf_csrf";

/// The secret the pages sign with: a pseudo-random function of the digest signing key,
/// so that rotating that key also invalidates confirmation links and form tokens.
#[derive(Clone)]
pub(crate) struct Signer(Vec<u8>);

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}

/// What a confirmation token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Confirm {
    /// Signed and still valid: the pending subscription's nonce.
    Valid(String),
    /// Signed but past its expiry: the nonce, so that a new link can be sent.
    Expired(String),
    /// Not a token this server signed.
    Invalid,
}

impl Signer {
    /// Derives the page secret from the digest key.
    pub(crate) fn from_key(key: &TokenKey) -> Self {
        Self(
            key.token("serve-pages-v1@localfeed.invalid", Purpose::Manage)
                .into_bytes(),
        )
    }

    fn sig(&self, parts: &[&str]) -> String {
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.0) else {
            return String::new();
        };
        for p in parts {
            mac.update(p.as_bytes());
            mac.update(&[0]);
        }
        hex::encode(mac.finalize().into_bytes().get(..16).unwrap_or_default())
    }

    fn check(&self, parts: &[&str], sig: &str) -> bool {
        let Ok(sig) = hex::decode(sig) else {
            return false;
        };
        if sig.len() != 16 {
            return false;
        }
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.0) else {
            return false;
        };
        for p in parts {
            mac.update(p.as_bytes());
            mac.update(&[0]);
        }
        mac.verify_truncated_left(&sig).is_ok()
    }

    /// A confirmation token for the pending subscription `nonce`, valid until `expires`
    /// (seconds since the epoch): `c1.NONCE.EXPIRES.SIGNATURE`.
    pub(crate) fn confirm_token(&self, nonce: &str, expires: i64) -> String {
        let e = expires.to_string();
        format!("c1.{nonce}.{e}.{}", self.sig(&["confirm", nonce, &e]))
    }

    /// Checks a confirmation token at `now`.
    pub(crate) fn verify_confirm(&self, token: &str, now: i64) -> Confirm {
        let mut parts = token.trim().split('.');
        let (Some("c1"), Some(nonce), Some(exp), Some(sig), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Confirm::Invalid;
        };
        if !is_nonce(nonce) || !self.check(&["confirm", nonce, exp], sig) {
            return Confirm::Invalid;
        }
        match exp.parse::<i64>() {
            Ok(e) if e > now => Confirm::Valid(nonce.to_string()),
            Ok(_) => Confirm::Expired(nonce.to_string()),
            Err(_) => Confirm::Invalid,
        }
    }

    /// The hidden-field CSRF token for the cookie nonce `cookie`, valid until `expires`.
    pub(crate) fn csrf_token(&self, cookie: &str, expires: i64) -> String {
        let e = expires.to_string();
        format!("{e}.{}", self.sig(&["csrf", cookie, &e]))
    }

    /// True when `field` is a live CSRF token for the cookie nonce `cookie`.
    pub(crate) fn verify_csrf(&self, cookie: Option<&str>, field: Option<&str>, now: i64) -> bool {
        let (Some(cookie), Some(field)) = (cookie, field) else {
            return false;
        };
        if !is_nonce(cookie) {
            return false;
        }
        let Some((exp, sig)) = field.trim().split_once('.') else {
            return false;
        };
        match exp.parse::<i64>() {
            Ok(e) if e > now => self.check(&["csrf", cookie, exp], sig),
            _ => false,
        }
    }
}

/// A fresh random nonce: 16 bytes from the system's random source, in hex.
pub(crate) fn nonce() -> anyhow::Result<String> {
    use std::io::Read as _;
    let mut b = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| anyhow::anyhow!("cannot read random bytes: {e}"))?;
    Ok(hex::encode(b))
}

/// True for what [`nonce`] makes: 32 lower-case hex digits.
pub(crate) fn is_nonce(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The value of one cookie in a `Cookie` header.
pub(crate) fn cookie<'a>(header: Option<&'a str>, name: &str) -> Option<&'a str> {
    header?
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A parsed form body: every field in order (repeated names kept).
#[derive(Debug, Default, Clone)]
pub(crate) struct Form(Vec<(String, String)>);

impl Form {
    /// Parses an urlencoded body.
    pub(crate) fn parse(body: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// Parses a body of the given `Content-Type`: `multipart/form-data` (text fields
    /// only, as RFC 8058 recommends for one-click unsubscribe) or urlencoded.
    pub(crate) fn parse_typed(content_type: Option<&str>, body: &[u8]) -> Self {
        let ct = content_type.unwrap_or("");
        if !ct
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
        {
            return Self::parse(body);
        }
        let Some(boundary) = ct.split(';').find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"'))
        }) else {
            return Self::default();
        };
        let text = String::from_utf8_lossy(body);
        let delim = format!("--{boundary}");
        let mut fields = Vec::new();
        for part in text.split(delim.as_str()).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let part = part.strip_prefix("\r\n").unwrap_or(part);
            let Some((head, value)) = part.split_once("\r\n\r\n") else {
                continue;
            };
            let name = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                if !k.trim().eq_ignore_ascii_case("content-disposition") {
                    return None;
                }
                v.split(';').find_map(|p| {
                    let (k, v) = p.trim().split_once('=')?;
                    (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
                })
            });
            if let Some(name) = name {
                let value = value.strip_suffix("\r\n").unwrap_or(value);
                fields.push((name, value.to_string()));
            }
        }
        Self(fields)
    }

    /// The first value of a field.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a field.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> Signer {
        Signer::from_key(&TokenKey::new(b"a test key of enough length").unwrap())
    }

    #[test]
    fn confirmation_tokens_expire_and_resist_tampering() {
        let s = signer();
        let n = nonce().unwrap();
        assert!(is_nonce(&n));
        let t = s.confirm_token(&n, 1_000);
        assert_eq!(s.verify_confirm(&t, 999), Confirm::Valid(n.clone()));
        assert_eq!(s.verify_confirm(&t, 1_000), Confirm::Expired(n.clone()));
        let longer = t.replace(".1000.", ".9000.");
        assert_eq!(
            s.verify_confirm(&longer, 999),
            Confirm::Invalid,
            "expiry is signed"
        );
        let other = Signer::from_key(&TokenKey::new(b"another key, also long").unwrap());
        assert_eq!(other.verify_confirm(&t, 999), Confirm::Invalid);
        for bad in [
            "",
            "c1",
            "c1.x.1.00",
            &format!("{t}.x"),
            &t.replace("c1.", "m1."),
        ] {
            assert_eq!(s.verify_confirm(bad, 0), Confirm::Invalid, "{bad}");
        }
    }

    #[test]
    fn csrf_tokens_are_bound_to_the_cookie() {
        let s = signer();
        let c = nonce().unwrap();
        let t = s.csrf_token(&c, 500);
        assert!(s.verify_csrf(Some(&c), Some(&t), 499));
        assert!(!s.verify_csrf(Some(&c), Some(&t), 500), "expired");
        assert!(
            !s.verify_csrf(Some(&nonce().unwrap()), Some(&t), 1),
            "other cookie"
        );
        assert!(!s.verify_csrf(None, Some(&t), 1));
        assert!(!s.verify_csrf(Some(&c), None, 1));
        assert!(!s.verify_csrf(Some(&c), Some(&t.replace("500.", "900.")), 1));
    }

    #[test]
    fn forms_and_cookies_parse() {
        let f = Form::parse(b"email=a%40b.cn&place=1&place=2&x=%E5%8E%BF");
        assert_eq!(f.get("email"), Some("a@b.cn"));
        assert_eq!(f.all("place"), vec!["1", "2"]);
        assert_eq!(f.get("x"), Some("县"));
        assert_eq!(cookie(Some("a=1; lf_csrf=abc"), CSRF_COOKIE), Some("abc"));
        assert_eq!(cookie(Some("a=1"), CSRF_COOKIE), None);
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n";
        let f = Form::parse_typed(Some("multipart/form-data; boundary=XyZ"), body);
        assert_eq!(f.get("List-Unsubscribe"), Some("One-Click"));
        let f = Form::parse_typed(
            Some("application/x-www-form-urlencoded"),
            b"List-Unsubscribe=One-Click",
        );
        assert_eq!(f.get("List-Unsubscribe"), Some("One-Click"));
        assert_eq!(
            Form::parse_typed(Some("multipart/form-data"), body).get("List-Unsubscribe"),
            None
        );
    }
}
