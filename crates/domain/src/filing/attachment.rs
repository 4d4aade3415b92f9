//! Attachments a filing carries when it is sent again after a return (the
//! requested 保密承诺书, a screenshot of the certification page …): what
//! may be attached is decided here, by content, not by the name given.

use crate::error::RuleError;
use crate::text::clean_line;

/// At most this many files with one submission.
pub const MAX_ATTACHMENTS: usize = 5;
/// At most this many bytes per file.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// A file as it arrives from a form or the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A file accepted for keeping with the filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The type of a file from its first bytes: PDF, PNG or JPEG only (what a
/// scanned or photographed letter is).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Checks the uploads of one submission; empty uploads (a file input left
/// blank) are dropped.
pub fn check_uploads(uploads: &[Upload]) -> Result<Vec<Attachment>, RuleError> {
    let given: Vec<&Upload> = uploads.iter().filter(|u| !u.bytes.is_empty()).collect();
    if given.len() > MAX_ATTACHMENTS {
        return Err(RuleError::invalid(
            "too_many_attachments",
            format!("一次最多上传{MAX_ATTACHMENTS}个附件"),
        ));
    }
    let mut out = Vec::with_capacity(given.len());
    for u in given {
        // Keep the last path segment only, cleaned like any other name.
        let base = u
            .filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .to_string();
        let name = clean_line(&base).unwrap_or_default();
        let name: String = name.chars().take(100).collect();
        let shown = if name.is_empty() {
            "附件".to_string()
        } else {
            name
        };
        if u.bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(RuleError::invalid(
                "attachment_too_large",
                format!("附件“{shown}”超过10 MB"),
            ));
        }
        let content_type = sniff(&u.bytes).ok_or_else(|| {
            RuleError::invalid(
                "attachment_type",
                format!("附件“{shown}”不是 PDF、PNG 或 JPG 文件"),
            )
        })?;
        out.push(Attachment {
            filename: shown,
            content_type,
            bytes: u.bytes.clone(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(name: &str, bytes: &[u8]) -> Upload {
        Upload {
            filename: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn only_documents_and_pictures_by_content() {
        let ok = check_uploads(&[
            up("C:\\扫描\\保密承诺书.pdf", b"%PDF-1.7 ..."),
            up("", b""),
            up("照片.jpg", b"\xff\xd8\xff\xe0rest"),
        ])
        .unwrap();
        assert_eq!(ok.len(), 2, "the blank input is dropped");
        assert_eq!(ok[0].filename, "保密承诺书.pdf");
        assert_eq!(ok[0].content_type, "application/pdf");
        let e = check_uploads(&[up("承诺书.pdf", b"MZ\x90\x00 not a pdf")]).unwrap_err();
        assert_eq!(e.code(), "attachment_type");
        let many: Vec<Upload> = (0..6)
            .map(|i| up(&format!("{i}.png"), b"\x89PNG\r\n\x1a\nx"))
            .collect();
        assert_eq!(
            check_uploads(&many).unwrap_err().code(),
            "too_many_attachments"
        );
        let big = up("大.pdf", &[b'%'; MAX_ATTACHMENT_BYTES + 1]);
        let mut big = big;
        big.bytes[..5].copy_from_slice(b"%PDF-");
        assert_eq!(
            check_uploads(&[big]).unwrap_err().code(),
            "attachment_too_large"
        );
    }
}
