//! Turning the bytes of an input file into text.
//!
//! Owns: detecting the encoding (UTF-8 with or without BOM, UTF-16 with BOM or by its
//! alternating NULs, GB18030/GBK), decoding without mangling, replacing a trace of invalid
//! UTF-8 with a warning that gives its offset, normalising line ends, and refusing empty,
//! binary or undecodable input with an error that says why. Must not touch: files (the caller reads
//! them and adds the path to the message), the structure of the text.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// Why some bytes could not be read as text. Messages are lowercase and say why; the
/// caller adds the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file has no bytes, or only white space.
    #[error("empty file")]
    Empty,
    /// The file holds NUL bytes or other control bytes that text never has.
    #[error("binary file ({what} at offset {offset})")]
    Binary {
        /// What was found, e.g. `NUL bytes`.
        what: &'static str,
        /// Byte offset of the first such byte.
        offset: usize,
    },
    /// The bytes are neither UTF-8, UTF-16 with a BOM, nor GB18030.
    #[error("undecodable bytes at offset {offset}: not utf-8, utf-16 with bom or gb18030")]
    Undecodable {
        /// Byte offset of the first byte UTF-8 rejects.
        offset: usize,
    },
    /// A UTF-16 file (marked by its BOM) holds invalid code units.
    #[error("invalid utf-16 text after a byte order mark")]
    BadUtf16,
}

/// Something [`decode`] repaired or guessed that the caller should log with the file's
/// name: the text is still read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeWarning {
    /// Bytes that are not UTF-8 in a UTF-8 file (a stray `0xFF`, a character cut short at
    /// the end) were each replaced by U+FFFD.
    #[error("invalid utf-8 at byte offset {offset} replaced by U+FFFD ({count} place(s) in all)")]
    Replaced {
        /// Byte offset of the first invalid byte.
        offset: usize,
        /// How many invalid sequences were replaced.
        count: usize,
    },
    /// UTF-16 without a byte order mark, recognised by its alternating NUL bytes.
    #[error("utf-16 {order} without a byte order mark")]
    Utf16WithoutBom {
        /// `le` or `be`.
        order: &'static str,
    },
    /// The charset the document or its server declared does not read the bytes (or is
    /// unknown): they were read as [`decode`] finds them instead.
    #[error("declared charset {declared:?} does not fit the bytes; read by their content")]
    Misdeclared {
        /// The declared label.
        declared: String,
    },
}

/// The text of a file and what was repaired on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, line ends normalised to `\n`.
    pub text: String,
    /// What was repaired or guessed, in the order met; empty for clean input.
    pub warnings: Vec<DecodeWarning>,
}

/// Decodes a file's bytes: UTF-8 (BOM removed), UTF-16 LE/BE with BOM or recognised by its
/// alternating NUL bytes, else GB18030 (a superset of GBK and GB2312). A UTF-8 file with a
/// few invalid bytes keeps its text: each invalid sequence becomes U+FFFD and a
/// [`DecodeWarning`] says where. Line ends become `\n`. Never panics.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let mut warnings = Vec::new();
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8_or_gb(rest, &mut warnings)?
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes.starts_with(b"\xFF\xFE") {
            UTF_16LE
        } else {
            UTF_16BE
        };
        let body = bytes.get(2..).unwrap_or_default();
        if body.len() % 2 != 0 {
            return Err(DecodeError::BadUtf16);
        }
        let (text, had_errors) = enc.decode_without_bom_handling(body);
        if had_errors {
            return Err(DecodeError::BadUtf16);
        }
        let text = text.into_owned();
        if let Some(offset) = text.find('\0') {
            return Err(DecodeError::Binary {
                what: "NUL characters",
                offset: offset + 2,
            });
        }
        text
    } else if let Some((text, order)) = utf16_without_bom(bytes) {
        warnings.push(DecodeWarning::Utf16WithoutBom { order });
        text
    } else {
        utf8_or_gb(bytes, &mut warnings)?
    };
    let text = normalise_line_ends(&text);
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(Decoded { text, warnings })
}

/// Decodes a fetched document by the charset declared for it: `declared` (the HTTP
/// `Content-Type`'s `charset`), else the document's own declaration (`<?xml …
/// encoding="…"?>`, `<meta charset="…">` or `<meta http-equiv … content="…;charset=…">`
/// in its first 2 KB). A byte order mark wins over both; a UTF-8 declaration, no
/// declaration, and a declaration the bytes do not fit (mislabelled GBK pages are common)
/// (valid UTF-8 beyond ASCII is taken for UTF-8 whatever its label) all fall back to
/// [`decode`], which tells UTF-8, UTF-16 and GB18030 apart by content;
/// the last adds a [`DecodeWarning::Misdeclared`].
pub fn decode_declared(bytes: &[u8], declared: Option<&str>) -> Result<Decoded, DecodeError> {
    let label = declared
        .map(str::to_string)
        .or_else(|| declared_in(bytes))
        .filter(|l| !l.trim().is_empty());
    let bom = bytes.starts_with(b"\xEF\xBB\xBF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF");
    let Some(label) = label.filter(|_| !bom) else {
        return decode(bytes);
    };
    let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes());
    match enc {
        Some(e) if e == encoding_rs::UTF_8 => {
            if std::str::from_utf8(bytes).is_ok() {
                decode(bytes)
            } else {
                misdeclared(bytes, label)
            }
        }
        // Valid UTF-8 beyond ASCII is UTF-8 whatever the label says: text in GBK
        // almost never forms valid UTF-8 sequences.
        Some(_) if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() => {
            misdeclared(bytes, label)
        }
        Some(e) if e != UTF_16LE && e != UTF_16BE && e != encoding_rs::REPLACEMENT => {
            let (text, had_errors) = e.decode_without_bom_handling(bytes);
            if !had_errors && !text.contains('\0') {
                let text = normalise_line_ends(&text);
                if text.trim().is_empty() {
                    return Err(DecodeError::Empty);
                }
                return Ok(Decoded {
                    text,
                    warnings: Vec::new(),
                });
            }
            misdeclared(bytes, label)
        }
        _ => misdeclared(bytes, label),
    }
}

fn misdeclared(bytes: &[u8], declared: String) -> Result<Decoded, DecodeError> {
    let mut d = decode(bytes)?;
    d.warnings
        .insert(0, DecodeWarning::Misdeclared { declared });
    Ok(d)
}

/// The charset a document declares in its first 2 KB: an XML declaration's `encoding`,
/// an HTML `<meta charset>` or a `charset=` in a `<meta http-equiv>` content.
fn declared_in(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(2048)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let value_after = |key: &str| -> Option<String> {
        let at = head.find(key)? + key.len();
        let rest = head[at..].trim_start_matches([' ', '=', '"', '\'']);
        let v: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            .collect();
        (!v.is_empty()).then_some(v)
    };
    if head.trim_start().starts_with("<?xml")
        && let Some(end) = head.find("?>")
        && let Some(v) = value_after("encoding").filter(|_| head.find("encoding") < Some(end))
    {
        return Some(v);
    }
    value_after("charset")
}

/// UTF-16 without a BOM: an even number of bytes holding NULs (the high bytes of ASCII
/// characters) that decode, in one byte order, to text: no control character but tab,
/// line feed, carriage return, form feed and vertical tab, and at least nine characters in
/// ten ASCII, CJK ideographs or CJK punctuation (read in the wrong order, ASCII becomes
/// ideographs but the ideographs become other scripts). Returns the text and the order.
fn utf16_without_bom(bytes: &[u8]) -> Option<(String, &'static str)> {
    if bytes.len() < 2 || !bytes.len().is_multiple_of(2) || memchr::memchr(0, bytes).is_none() {
        return None;
    }
    let texty = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | ' '..='~')
            || ('\u{3000}'..='\u{303F}').contains(&c)
            || ('\u{4E00}'..='\u{9FFF}').contains(&c)
            || ('\u{FF00}'..='\u{FFEF}').contains(&c)
    };
    let text_like =
        |c: char| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{b}' | '\u{c}');
    [(UTF_16LE, "le"), (UTF_16BE, "be")]
        .into_iter()
        .filter_map(|(enc, order)| {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if had_errors || !text.chars().all(text_like) {
                return None;
            }
            let total = text.chars().count();
            let good = text.chars().filter(|&c| texty(c)).count();
            (good * 10 >= total * 9).then(|| (good, text.into_owned(), order))
        })
        .max_by_key(|(good, _, _)| *good)
        .map(|(_, text, order)| (text, order))
}

fn utf8_or_gb(bytes: &[u8], warnings: &mut Vec<DecodeWarning>) -> Result<String, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary {
            what: "NUL bytes",
            offset,
        });
    }
    // Control bytes other than tab, line feed, vertical tab, form feed, carriage return and
    // escape are a sign of binary data when they are more than a trace.
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | 0x1B))
        .count();
    if controls > 8 && controls * 100 > bytes.len() {
        let offset = bytes
            .iter()
            .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | 0x1B))
            .unwrap_or(0);
        return Err(DecodeError::Binary {
            what: "control bytes",
            offset,
        });
    }
    let e = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok(s.to_string()),
        Err(e) => e,
    };
    let offset = e.valid_up_to();
    let census = Utf8Census::of(bytes);
    let replaced = |warnings: &mut Vec<DecodeWarning>| {
        warnings.push(DecodeWarning::Replaced {
            offset,
            count: census.invalid,
        });
        String::from_utf8_lossy(bytes).into_owned()
    };
    // UTF-8 text with a stray byte: its valid characters outside ASCII far outnumber the
    // invalid sequences (GB18030 text forms a valid UTF-8 sequence only now and then)
    if census.multibyte >= 10 * census.invalid {
        return Ok(replaced(warnings));
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    // GB18030 maps every byte pair to something; text that decodes mostly to rare code
    // points (private use, unassigned four-byte ranges) is not Chinese.
    let total = text.chars().count().max(1);
    let odd = text
        .chars()
        .filter(|c| {
            let u = *c as u32;
            (0xE000..=0xF8FF).contains(&u) || u >= 0x10000
        })
        .count();
    if !had_errors && odd * 10 <= total {
        return Ok(text.into_owned());
    }
    // neither reads cleanly: UTF-8 with a trace of bad bytes (at most one in a hundred)
    if census.invalid <= (bytes.len() / 100).max(1) {
        return Ok(replaced(warnings));
    }
    Err(DecodeError::Undecodable { offset })
}

/// How the bytes of a file read as UTF-8: valid characters of two to four bytes, and
/// invalid sequences (each one U+FFFD in a lossy decoding).
struct Utf8Census {
    multibyte: usize,
    invalid: usize,
}

impl Utf8Census {
    fn of(mut bytes: &[u8]) -> Utf8Census {
        let mut c = Utf8Census {
            multibyte: 0,
            invalid: 0,
        };
        loop {
            match std::str::from_utf8(bytes) {
                Ok(s) => {
                    c.multibyte += s.chars().filter(|ch| !ch.is_ascii()).count();
                    return c;
                }
                Err(e) => {
                    let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                    c.multibyte += valid.iter().filter(|&&b| b >= 0xC0).count();
                    c.invalid += 1;
                    let skip = e.valid_up_to() + e.error_len().unwrap_or(bytes.len());
                    bytes = bytes.get(skip..).unwrap_or_default();
                }
            }
        }
    }
}

fn normalise_line_ends(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_charsets_are_used_and_doubted() {
        let (gbk, _, _) =
            encoding_rs::GBK.encode("<?xml version=\"1.0\" encoding=\"GBK\"?><rss>青山县</rss>");
        let d = decode_declared(&gbk, None).unwrap();
        assert!(d.text.contains("青山县") && d.warnings.is_empty(), "{d:?}");
        // declared UTF-8 by the server, GBK in fact: read by content, with a warning
        let (page, _, _) = encoding_rs::GBK
            .encode("<html><body>白河镇今天举行了秋季运动会，全镇群众踊跃参加。</body></html>");
        let d = decode_declared(&page, Some("utf-8")).unwrap();
        assert!(d.text.contains("白河镇"), "{d:?}");
        let d = decode_declared("<meta charset=\"gb2312\">汉字".as_bytes(), None).unwrap();
        assert!(
            matches!(&d.warnings[0], DecodeWarning::Misdeclared { declared } if declared == "gb2312")
        );
        assert!(d.text.contains("汉字"));
        assert_eq!(
            decode_declared(b"plain", Some("x-unknown"))
                .unwrap()
                .warnings,
            [DecodeWarning::Misdeclared {
                declared: "x-unknown".into()
            }]
        );
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode("本报讯\r\n正文".as_bytes()).unwrap().text,
            "本报讯\n正文"
        );
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice("本报讯".as_bytes());
        assert_eq!(decode(&b).unwrap().text, "本报讯");
    }

    #[test]
    fn gb18030_and_utf16() {
        let (gb, _, _) = GB18030.encode("本报讯(记者 张三)近日,全县召开会议。");
        assert_eq!(
            decode(&gb).unwrap().text,
            "本报讯(记者 张三)近日,全县召开会议。"
        );
        let mut le = vec![0xFF, 0xFE];
        for u in "新闻".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, "新闻");
        let mut be = vec![0xFE, 0xFF];
        for u in "新闻".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&be).unwrap().text, "新闻");
    }

    #[test]
    fn bad_input_gives_reasons() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\n "), Err(DecodeError::Empty));
        let e = decode(b"PK\x03\x04\x00\x00abc").unwrap_err();
        assert_eq!(e.to_string(), "binary file (NUL bytes at offset 4)");
        assert!(matches!(
            decode(&[0xFF, 0xFE, 0x41]),
            Err(DecodeError::BadUtf16)
        ));
        assert!(matches!(
            decode(&[0x41, 0xFF, 0xFF, 0x41]),
            Err(DecodeError::Undecodable { offset: 1 })
        ));
    }

    /// A clean page in UTF-8, long enough to be told from GB18030.
    fn page() -> String {
        "本报讯(记者 张三)近日,全县召开会议,部署秋收工作。\n".repeat(20)
    }

    #[test]
    fn a_stray_byte_keeps_the_text_and_says_where() {
        let clean = page();
        let mut bytes = clean.as_bytes().to_vec();
        let at = clean.find("部署").unwrap();
        bytes.insert(at, 0xFF);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, clean.replacen("部署", "\u{FFFD}部署", 1));
        assert_eq!(
            d.warnings,
            vec![DecodeWarning::Replaced {
                offset: at,
                count: 1
            }]
        );
        assert!(d.warnings[0].to_string().contains(&format!("offset {at}")));
    }

    #[test]
    fn a_character_cut_short_at_the_end_keeps_the_text() {
        let clean = page();
        let mut bytes = clean.as_bytes().to_vec();
        bytes.extend_from_slice(&"会".as_bytes()[..2]);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, format!("{clean}\u{FFFD}"));
        assert_eq!(
            d.warnings,
            vec![DecodeWarning::Replaced {
                offset: clean.len(),
                count: 1
            }]
        );
        // short ASCII text with one bad byte is read too
        let d = decode(b"news of the day\n\xFF").unwrap();
        assert_eq!(d.text, "news of the day\n\u{FFFD}");
        // clean text carries no warning
        assert!(decode(clean.as_bytes()).unwrap().warnings.is_empty());
    }

    #[test]
    fn gb18030_with_few_chinese_characters_is_still_gb18030() {
        let (gb, _, _) = GB18030.encode("Section 2, page 3: 新闻 and more text in ASCII");
        let d = decode(&gb).unwrap();
        assert_eq!(d.text, "Section 2, page 3: 新闻 and more text in ASCII");
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn utf16_without_a_bom_is_recognised_by_its_nuls() {
        let text = "第01版 要闻\n本报讯 2024年5月1日,全县召开会议。\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode(&le).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(
            d.warnings,
            vec![DecodeWarning::Utf16WithoutBom { order: "le" }]
        );
        let d = decode(&be).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(
            d.warnings,
            vec![DecodeWarning::Utf16WithoutBom { order: "be" }]
        );
        // NULs at both parities are still binary
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x00abc\x00"),
            Err(DecodeError::Binary { .. })
        ));
    }
}
