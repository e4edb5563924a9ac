//! Turning the bytes of an input file into text.
//!
//! Owns: detecting the encoding (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK),
//! decoding without mangling, normalising line ends, and refusing empty, binary or
//! undecodable input with an error that says why. Must not touch: files (the caller reads
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

/// Decodes a file's bytes: UTF-8 (BOM removed), UTF-16 LE/BE with BOM, else GB18030 (a
/// superset of GBK and GB2312). Line ends become `\n`. Never panics.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8_or_gb(rest)?
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
    } else {
        utf8_or_gb(bytes)?
    };
    let text = normalise_line_ends(&text);
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(text)
}

fn utf8_or_gb(bytes: &[u8]) -> Result<String, DecodeError> {
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
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let offset = e.valid_up_to();
            let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(DecodeError::Undecodable { offset });
            }
            // GB18030 maps every byte pair to something; text that decodes mostly to
            // rare code points (private use, unassigned four-byte ranges) is not Chinese.
            let total = text.chars().count().max(1);
            let odd = text
                .chars()
                .filter(|c| {
                    let u = *c as u32;
                    (0xE000..=0xF8FF).contains(&u) || u >= 0x10000
                })
                .count();
            if odd * 10 > total {
                return Err(DecodeError::Undecodable { offset });
            }
            Ok(text.into_owned())
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
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("本报讯\r\n正文".as_bytes()).unwrap(), "本报讯\n正文");
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice("本报讯".as_bytes());
        assert_eq!(decode(&b).unwrap(), "本报讯");
    }

    #[test]
    fn gb18030_and_utf16() {
        let (gb, _, _) = GB18030.encode("本报讯(记者 张三)近日,全县召开会议。");
        assert_eq!(decode(&gb).unwrap(), "本报讯(记者 张三)近日,全县召开会议。");
        let mut le = vec![0xFF, 0xFE];
        for u in "新闻".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap(), "新闻");
        let mut be = vec![0xFE, 0xFF];
        for u in "新闻".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&be).unwrap(), "新闻");
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
}
