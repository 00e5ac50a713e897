//! File downloads: a safe file name, the Content-Disposition that carries a Chinese
//! name, and the private, uncached response.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::ui::qs_encode;

/// A file name safe in a header and on every file system: no path separators, quotes
/// or control characters, not too long.
pub fn file_stem(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "\\/:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').to_owned();
    if cleaned.is_empty() {
        fallback.to_owned()
    } else {
        cleaned
    }
}

/// `attachment` with an ASCII fallback name and the real (UTF-8) name per RFC 5987,
/// which every current browser prefers.
pub fn content_disposition(stem: &str, ext: &str, fallback: &str) -> HeaderValue {
    let fallback = if stem
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_ .".contains(&b))
    {
        stem.to_owned()
    } else {
        fallback.to_owned()
    };
    let value = format!(
        "attachment; filename=\"{fallback}.{ext}\"; filename*=UTF-8''{}.{ext}",
        qs_encode(stem)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

pub fn download(content_type: &'static str, disposition: HeaderValue, body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_are_cleaned_and_encoded_for_the_header() {
        assert_eq!(file_stem("党章/题库:2026", "questions"), "党章_题库_2026");
        assert_eq!(file_stem("  ..  ", "questions"), "questions");
        let v = content_disposition("党章题库", "xlsx", "questions");
        assert_eq!(
            v.to_str().expect("ascii"),
            "attachment; filename=\"questions.xlsx\"; filename*=UTF-8''%E5%85%9A%E7%AB%A0%E9%A2%98%E5%BA%93.xlsx"
        );
        let v = content_disposition("bank-1", "xml", "questions");
        assert!(v
            .to_str()
            .expect("ascii")
            .starts_with("attachment; filename=\"bank-1.xml\""));
    }
}
