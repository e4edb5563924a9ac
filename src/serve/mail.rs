//! The confirmation email of a web subscription: a short transactional message (plain
//! text and HTML) with the signed confirmation link, built with lettre like a digest and
//! DKIM-signed with the digest's key when one is configured.
//!
//! Owns: the confirmation message's headers and parts. Must not touch: the store, HTTP,
//! delivery (the caller sends the bytes through `digest::Delivery`).

use chrono::{DateTime, FixedOffset};
use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, MultiPart, SinglePart};
use serde::Serialize;

use crate::digest::{self, dkim::DkimSigner};
use crate::templates::Templates;

/// What the confirmation templates see.
#[derive(Debug, Serialize)]
pub(crate) struct ConfirmCtx<'a> {
    /// The list's name.
    pub(crate) list_name: &'a str,
    /// The address being confirmed.
    pub(crate) email: &'a str,
    /// The places asked for, by name.
    pub(crate) places: &'a [String],
    /// The schedule asked for, in words.
    pub(crate) schedule: &'a str,
    /// The link to follow.
    pub(crate) confirm_url: &'a str,
    /// How long the link works, in hours.
    pub(crate) hours: u32,
    /// The site's address.
    pub(crate) site_url: &'a str,
}

/// Builds the confirmation message for `ctx.email`; returns its Message-ID and bytes.
pub(crate) fn confirmation(
    settings: &digest::Settings,
    templates: &Templates,
    ctx: &ConfirmCtx<'_>,
    nonce: &str,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<(String, Vec<u8>)> {
    let text = templates.render("confirm.txt", ctx)?;
    let html = templates.render("confirm.html", ctx)?;
    let subject = templates
        .render("confirm-subject.txt", ctx)?
        .trim()
        .to_string();
    let from = settings.from_mailbox()?;
    let to = digest::parse_mailbox(ctx.email)?;
    let message_id = format!(
        "<confirm.{}.{}@{}>",
        now.format("%Y%m%d%H%M%S"),
        nonce.get(..16).unwrap_or(nonce),
        settings.message_id_domain()
    );
    let part = |ct: ContentType, s: &str| {
        SinglePart::builder().header(ct).body(
            Body::new_with_encoding(s.to_string(), ContentTransferEncoding::Base64)
                .unwrap_or_else(Body::new),
        )
    };
    let mut msg: Message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .date(std::time::SystemTime::from(now))
        .message_id(Some(message_id.clone()))
        .multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, &text))
                .singlepart(part(ContentType::TEXT_HTML, &html)),
        )?;
    let date = now.to_rfc2822();
    msg.headers_mut()
        .insert_raw(HeaderValue::dangerous_new_pre_encoded(
            HeaderName::new_from_ascii_str("Date"),
            date.clone(),
            date,
        ));
    msg.headers_mut().insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("Auto-Submitted"),
        "auto-generated".to_string(),
    ));
    if let Some(signer) = DkimSigner::from_settings(settings)? {
        signer.sign(&mut msg);
    }
    Ok((message_id, msg.formatted()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_message_carries_the_link_and_no_unsubscribe_header() {
        let settings = digest::Settings {
            from: "本地新闻 <digest@news.example.org>".into(),
            list_id: "digest.news.example.org".into(),
            base_url: "https://news.example.org/".into(),
            ..digest::Settings::default()
        };
        let t = Templates::load(None).unwrap();
        let places = vec!["某县".to_string()];
        let url = "https://news.example.org/confirm?token=c1.abc.1.ff";
        let ctx = ConfirmCtx {
            list_name: "本地新闻摘要",
            email: "reader@example.net",
            places: &places,
            schedule: "每天 07:30",
            confirm_url: url,
            hours: 48,
            site_url: "https://news.example.org/",
        };
        let now = DateTime::parse_from_rfc3339("2024-06-10T09:00:00+08:00").unwrap();
        let (id, bytes) =
            confirmation(&settings, &t, &ctx, "0123456789abcdef0123456789abcdef", now).unwrap();
        let raw = String::from_utf8(bytes).unwrap();
        assert!(
            id.starts_with("<confirm.") && id.ends_with("@news.example.org>"),
            "{id}"
        );
        assert!(raw.contains("To: reader@example.net"), "{raw}");
        assert!(raw.contains("Auto-Submitted: auto-generated"));
        assert!(!raw.contains("List-Unsubscribe"));
        assert!(raw.contains("multipart/alternative"));
    }
}
