//! The one plain HTTP endpoint of sittings: reading a candidate list from an Excel or CSV
//! file. It changes nothing: it turns the file's login names into the assignment
//! preview, which the organizer then confirms like any other selection.

use axum::extract::{Multipart, Path};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use crate::accounts::import::{read_table_with, TableSpec, MAX_FILE_BYTES};
use crate::accounts::model::Role;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::server::RequestInfo;
use crate::ui::qs_encode;

use super::model::SittingId;

/// Header names of the login column, in the template of the user import and in English.
const LOGIN_HEADERS: [&str; 4] = ["登录名", "账号", "login", "username"];

/// At most this many names per file; a sitting larger than this is assigned by unit.
pub const MAX_LOGINS: usize = 2_000;

fn login_column(cells: &[String]) -> Option<usize> {
    cells.iter().position(|c| {
        let c = c.trim().to_lowercase();
        LOGIN_HEADERS.iter().any(|h| *h == c)
    })
}

fn is_login_header(cells: &[String]) -> bool {
    login_column(cells).is_some()
}

const LOGIN_TABLE: TableSpec = TableSpec {
    is_header: is_login_header,
    max_cell_chars: 200,
};

/// The login names of a candidate list, in file order, without blanks or repeats.
pub fn logins_from_file(file_name: &str, bytes: &[u8]) -> Result<Vec<String>, Msg> {
    // The reader's "no header" message names the user import's columns; this list has one.
    let table = read_table_with(file_name, bytes, &LOGIN_TABLE).map_err(|m| match m {
        Msg::ErrFileNoHeader => Msg::ErrLoginColumnMissing,
        other => other,
    })?;
    let col = login_column(&table.headers).ok_or(Msg::ErrLoginColumnMissing)?;
    let mut out: Vec<String> = Vec::new();
    for row in &table.rows {
        let login = row.get(col).map(|s| s.trim()).unwrap_or("");
        if !login.is_empty() && !out.iter().any(|l| l == login) {
            out.push(login.to_owned());
        }
    }
    if out.is_empty() {
        return Err(Msg::ErrFileEmpty);
    }
    if out.len() > MAX_LOGINS {
        return Err(Msg::ErrTooMany);
    }
    Ok(out)
}

fn msg_key(msg: Msg) -> String {
    serde_json::to_string(&msg)
        .unwrap_or_default()
        .trim_matches('"')
        .to_owned()
}

/// `POST /organize/sittings/{id}/assign/upload`: sends the browser to the sitting's
/// assignment preview for the names in the file, or back with `?error=<message key>`.
pub async fn assign_upload(
    Extension(info): Extension<RequestInfo>,
    Path(sitting): Path<String>,
    mut form: Multipart,
) -> Response {
    let Some(a) = info.auth.as_ref() else {
        return Redirect::to("/login").into_response();
    };
    if a.user.must_change_password {
        return Redirect::to("/account/password").into_response();
    }
    if !(a.has(Role::Admin) || a.has(Role::Organizer)) {
        return AppError::Forbidden.into_response();
    }
    let Ok(sitting) = sitting.parse::<SittingId>() else {
        return AppError::NotFound.into_response();
    };
    let page = format!("/organize/sittings/{sitting}");
    let back = |msg: Msg| Redirect::to(&format!("{page}?error={}", msg_key(msg))).into_response();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                match field.bytes().await {
                    Ok(b) if b.len() <= MAX_FILE_BYTES => file = Some((name, b.to_vec())),
                    _ => return back(Msg::ErrFileTooLarge),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back(Msg::ErrFileTooLarge),
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back(Msg::ErrFileEmpty);
    };
    match logins_from_file(&name, &bytes) {
        // The preview page checks scope and every other rule, as for typed names.
        Ok(logins) => Redirect::to(&format!(
            "{page}?preview=1&by=logins&logins={}",
            qs_encode(&logins.join("\n"))
        ))
        .into_response(),
        Err(msg) => back(msg),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_candidate_list_gives_its_login_names_once_each_in_file_order() {
        let csv = "姓名,登录名\n张伟,zhangwei\n王芳,wangfang\n,\n张伟,zhangwei\n";
        assert_eq!(
            logins_from_file("名单.csv", csv.as_bytes()),
            Ok(vec!["zhangwei".to_owned(), "wangfang".to_owned()])
        );
    }

    #[test]
    fn a_list_without_a_login_column_is_refused_with_a_reason() {
        let csv = "姓名,单位\n张伟,上城区\n";
        assert_eq!(
            logins_from_file("名单.csv", csv.as_bytes()),
            Err(Msg::ErrLoginColumnMissing)
        );
    }
}
