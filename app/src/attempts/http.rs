//! The exam page's answer form without JavaScript: one plain form post per question that
//! saves the answer (with the same sequence-number rule as the hydrated page), then goes
//! where the pressed button says (previous, next, a question of the answer card, the
//! submit summary) with a 303 redirect.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};

use crate::accounts::model::Role;
use crate::error::AppError;
use crate::grading::model::Response as Answer;
use crate::question_bank::model::QuestionType;
use crate::server::{AppState, Authed, RequestInfo};
use crate::ui::qs_encode;

use super::model::{AttemptId, AttemptRefusal, SaveRequest};
use super::service;

fn candidate(info: &RequestInfo) -> Result<&Authed, AppError> {
    let a = info.auth.as_ref().ok_or(AppError::Unauthenticated)?;
    if a.user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    if !a.has(Role::Candidate) {
        return Err(AppError::Forbidden);
    }
    Ok(a)
}

/// Where a button sends the candidate after the save.
enum Go {
    Stay,
    To(u32),
    Review,
}

fn go_of(value: &str, position: u32, count: u32) -> Go {
    match value {
        "prev" => Go::To(position.saturating_sub(1)),
        "next" => Go::To((position + 1).min(count.saturating_sub(1))),
        "review" => Go::Review,
        v => match v.strip_prefix("card:").and_then(|n| n.parse::<u32>().ok()) {
            Some(n) if n < count => Go::To(n),
            _ => Go::Stay,
        },
    }
}

/// Builds the response from the posted fields for an item of `qtype`. Unparseable
/// option numbers make the response invalid (the service then refuses it).
fn answer_of(qtype: QuestionType, fields: &[(String, String)]) -> Option<Answer> {
    fn all<'a>(fields: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
        fields
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    match qtype {
        QuestionType::Single | QuestionType::Multiple => {
            let chosen: Vec<u8> = all(fields, "choice")
                .map(|v| v.parse().unwrap_or(u8::MAX))
                .collect();
            Some(Answer::Choice(chosen))
        }
        QuestionType::TrueFalse => match all(fields, "tf").next() {
            Some("true") => Some(Answer::TrueFalse(true)),
            Some("false") => Some(Answer::TrueFalse(false)),
            _ => None,
        },
        QuestionType::FillBlank => Some(Answer::Blanks(
            all(fields, "blank").map(str::to_owned).collect(),
        )),
    }
}

pub async fn answer(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let a = match candidate(&info) {
        Ok(a) => a,
        Err(AppError::Unauthenticated) => return Redirect::to("/login").into_response(),
        Err(e) => return e.into_response(),
    };
    let Ok(id) = id.parse::<AttemptId>() else {
        return AppError::NotFound.into_response();
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let page = format!("/attempt/{id}");
    let (Ok(position), Ok(seq)) = (
        field("position").parse::<u32>(),
        field("seq").parse::<i64>(),
    ) else {
        return Redirect::to(&page).into_response();
    };
    let (shape, count) = match service::shape_and_count(&state, a, id, position).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let req = SaveRequest {
        attempt: id,
        position,
        seq,
        response: answer_of(shape.qtype, &fields).filter(crate::grading::domain::is_answered),
        flagged: field("flagged") == "on",
    };
    let go = go_of(field("go"), position, count);
    let saved = service::save(&state, a, req).await;
    let to = match saved {
        Ok(_) => match go {
            Go::Stay => format!("{page}?q={position}&saved=1"),
            Go::To(n) => {
                let _ = service::navigate(&state, a, id, n).await;
                format!("{page}?q={n}")
            }
            Go::Review => format!("{page}/submit"),
        },
        Err(AppError::Attempt(AttemptRefusal::DeadlinePassed | AttemptRefusal::Submitted)) => {
            format!("{page}/done")
        }
        Err(e) => {
            let msg = serde_json::to_string(&e.message(info.lang)).unwrap_or_default();
            format!(
                "{page}?q={position}&error={}",
                qs_encode(msg.trim_matches('"'))
            )
        }
    };
    Redirect::to(&to).into_response()
}

/// A stem image of a question in the candidate's own attempt (the staff image route
/// is for bank readers only).
pub async fn image(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path((id, image)): Path<(String, String)>,
) -> Response {
    let result = async {
        let a = candidate(&info)?;
        let id: AttemptId = id.parse().map_err(|_| AppError::NotFound)?;
        let image = image.parse().map_err(|_| AppError::NotFound)?;
        service::attempt_image(&state, a, id, image).await
    }
    .await;
    match result {
        Ok((content_type, bytes)) => {
            crate::question_bank::http::image_response(&content_type, bytes)
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn repeated_choice_fields_become_one_multiple_choice_answer() {
        assert_eq!(
            answer_of(
                QuestionType::Multiple,
                &f(&[("choice", "0"), ("choice", "2"), ("seq", "3")])
            ),
            Some(Answer::Choice(vec![0, 2]))
        );
    }

    #[test]
    fn blanks_keep_their_order_and_a_missing_true_false_is_no_answer() {
        assert_eq!(
            answer_of(
                QuestionType::FillBlank,
                &f(&[("blank", "甲"), ("blank", "")])
            ),
            Some(Answer::Blanks(vec!["甲".into(), String::new()]))
        );
        assert_eq!(answer_of(QuestionType::TrueFalse, &f(&[])), None);
    }

    #[test]
    fn navigation_buttons_stay_inside_the_paper() {
        assert!(matches!(go_of("prev", 0, 5), Go::To(0)));
        assert!(matches!(go_of("next", 4, 5), Go::To(4)));
        assert!(matches!(go_of("card:3", 0, 5), Go::To(3)));
        assert!(matches!(go_of("card:9", 0, 5), Go::Stay));
        assert!(matches!(go_of("review", 0, 5), Go::Review));
    }
}
