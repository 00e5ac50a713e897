//! Server functions of the question bank: each gets the request context, checks that the
//! caller is staff (organizer or admin), calls the service and returns its result.

// A server function posted by a plain HTML form takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;

use super::model::{
    BankView, CategoryView, ImportOutcome, QuestionDetail, QuestionImportPreview, QuestionPage,
    QuestionQuery, VersionView,
};

#[cfg(feature = "ssr")]
use super::model::{
    BlankPolicy, BulkAction, DuplicatePolicy, Points, QuestionDraft, QuestionStatus, QuestionType,
};
#[cfg(feature = "ssr")]
use super::{domain, service};
#[cfg(feature = "ssr")]
use crate::error::FieldProblem;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
#[cfg(feature = "ssr")]
use crate::server::ctx;
#[cfg(feature = "ssr")]
use crate::server::forms::{keep_input_on_error, plain_form_done};

#[cfg(feature = "ssr")]
use crate::server::parse_id;

#[server(endpoint = "banks/list")]
pub async fn list_banks() -> Result<Vec<BankView>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::list_banks(&cx.state, a).await
}

#[server(endpoint = "banks/get")]
pub async fn get_bank(id: String) -> Result<BankView, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::get_bank(&cx.state, a, parse_id(&id)?).await
}

#[server(endpoint = "banks/create")]
pub async fn create_bank(name: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let result = service::create_bank(&cx.state, a, &cx.info.client_addr, &name, None).await;
    let path = <CreateBank as server_fn::ServerFn>::PATH;
    let id = keep_input_on_error(result, path, &[("name", name.clone())])?;
    leptos_axum::redirect(&format!("/organize/banks/{id}"));
    Ok(())
}

/// `shares` lists unit codes separated by commas or spaces.
#[server(endpoint = "banks/update")]
pub async fn update_bank(id: String, name: String, shares: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let result = update_bank_with(&cx, a, &id, &name, &shares).await;
    let fields = [("name", name), ("shares", shares)];
    keep_input_on_error(result, <UpdateBank as server_fn::ServerFn>::PATH, &fields)?;
    plain_form_done(("saved", "1"));
    Ok(())
}

#[cfg(feature = "ssr")]
async fn update_bank_with(
    cx: &crate::server::Ctx,
    a: &crate::server::Authed,
    id: &str,
    name: &str,
    shares: &str,
) -> Result<(), AppError> {
    let mut units = Vec::new();
    {
        let mut c = cx.state.db.read().await?;
        for code in shares
            .split([',', '，', '、', ' ', '\n'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let unit = crate::accounts::repo::unit_by_code(&mut c, code)
                .await?
                .ok_or_else(|| {
                    AppError::Problems(vec![FieldProblem::with_detail(
                        "shares",
                        Msg::RowUnknownUnit,
                        code,
                    )])
                })?;
            units.push(unit.id);
        }
    }
    service::update_bank(
        &cx.state,
        a,
        &cx.info.client_addr,
        parse_id(id)?,
        name,
        units,
    )
    .await
}

/// The codes of the units an editable bank is shared with, to fill the sharing form
/// (the bank view names the units; the form takes codes).
#[server(endpoint = "banks/share-codes")]
pub async fn bank_share_codes(id: String) -> Result<Vec<String>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let bank = service::get_bank(&cx.state, a, parse_id(&id)?).await?;
    if !bank.editable {
        return Ok(Vec::new());
    }
    let mut c = cx.state.db.read().await?;
    let mut codes = Vec::with_capacity(bank.shared_with.len());
    for (unit, _) in &bank.shared_with {
        if let Some(u) = crate::accounts::repo::get_unit(&mut c, *unit).await? {
            codes.push(u.code);
        }
    }
    Ok(codes)
}

#[server(endpoint = "categories/list")]
pub async fn list_categories(bank_id: String) -> Result<Vec<CategoryView>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::list_categories(&cx.state, a, parse_id(&bank_id)?).await
}

#[server(endpoint = "categories/create")]
pub async fn create_category(bank_id: String, path: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let result = match parse_id(&bank_id) {
        Ok(bank) => service::create_category(&cx.state, a, bank, &path).await,
        Err(e) => Err(e),
    };
    let path_fn = <CreateCategory as server_fn::ServerFn>::PATH;
    keep_input_on_error(result, path_fn, &[("path", path)])?;
    plain_form_done(("saved", "1"));
    Ok(())
}

#[server(endpoint = "questions/search")]
pub async fn search_questions(query: QuestionQuery) -> Result<QuestionPage, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::search(&cx.state, a, &query).await
}

#[server(endpoint = "questions/get")]
pub async fn get_question(id: String) -> Result<QuestionDetail, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::get_question(&cx.state, a, parse_id(&id)?).await
}

#[server(endpoint = "questions/versions")]
pub async fn question_versions(id: String) -> Result<Vec<VersionView>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::list_versions(&cx.state, a, parse_id(&id)?).await
}

/// Builds a draft from the editor's fields; every problem is reported at once.
#[cfg(feature = "ssr")]
fn draft_from_form(f: &QuestionFields) -> Result<(QuestionDraft, QuestionStatus), AppError> {
    let mut problems = Vec::new();
    let qtype = QuestionType::from_key(&f.qtype);
    if qtype.is_none() {
        problems.push(FieldProblem::new("qtype", Msg::ErrRequired));
    }
    let qtype = qtype.unwrap_or(QuestionType::Single);
    let policy = BlankPolicy {
        fold_width: f.fold_width.is_some(),
        case_insensitive: f.case_insensitive.is_some(),
    };
    let key = match domain::parse_answer(qtype, &f.answer, policy) {
        Ok(k) => Some(k),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let difficulty = f.difficulty.trim().parse::<u8>().unwrap_or(0);
    let points = Points::parse(&f.points);
    if points.is_none() {
        problems.push(FieldProblem::new("points", Msg::ErrPointsInvalid));
    }
    let image = match f.image_id.trim() {
        "" => None,
        s => Some(
            s.parse()
                .map_err(|_| AppError::invalid("image", Msg::ErrBadRequest))?,
        ),
    };
    let status = QuestionStatus::from_key(&f.status).unwrap_or(QuestionStatus::Active);
    let (Some(key), Some(points), true) = (key, points, problems.is_empty()) else {
        return Err(AppError::Problems(problems));
    };
    let options = if qtype.has_options() {
        f.options
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        Vec::new()
    };
    let draft = QuestionDraft {
        qtype,
        stem: f.stem.clone(),
        options,
        key,
        explanation: f.explanation.clone(),
        category: f
            .category
            .split(['/', '／'])
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        difficulty,
        tags: f
            .tags
            .split([',', '，', '、'])
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        points,
        image,
    };
    // Validation proper happens in the service; this only catches unreadable fields.
    Ok((draft, status))
}

/// The question editor's fields, as posted by its form.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct QuestionFields {
    pub qtype: String,
    pub stem: String,
    /// One option per line.
    pub options: String,
    pub answer: String,
    pub explanation: String,
    /// Category path, levels separated by "/".
    pub category: String,
    pub difficulty: String,
    pub tags: String,
    pub points: String,
    pub status: String,
    pub fold_width: Option<String>,
    pub case_insensitive: Option<String>,
    #[serde(default)]
    pub image_id: String,
}

#[cfg(feature = "ssr")]
impl QuestionFields {
    /// The values typed, to hand back to the editor after a failed plain-form save.
    /// `qtype` is always present, so the editor knows typed values came back.
    fn typed(&self) -> Vec<(&'static str, String)> {
        let flag = |b: &Option<String>| if b.is_some() { "1" } else { "" }.to_owned();
        vec![
            ("qtype", self.qtype.clone()),
            ("stem", self.stem.clone()),
            ("options", self.options.clone()),
            ("answer", self.answer.clone()),
            ("explanation", self.explanation.clone()),
            ("category", self.category.clone()),
            ("difficulty", self.difficulty.clone()),
            ("tags", self.tags.clone()),
            ("points", self.points.clone()),
            ("status", self.status.clone()),
            ("fold_width", flag(&self.fold_width)),
            ("case_insensitive", flag(&self.case_insensitive)),
            ("image_id", self.image_id.clone()),
        ]
    }
}

#[server(endpoint = "questions/create")]
pub async fn create_question(bank_id: String, q: QuestionFields) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let result = match (parse_id(&bank_id), draft_from_form(&q)) {
        (Ok(bank), Ok((draft, status))) => {
            service::create_question(&cx.state, a, &cx.info.client_addr, bank, draft, status).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let path = <CreateQuestion as server_fn::ServerFn>::PATH;
    let id = keep_input_on_error(result, path, &q.typed())?;
    leptos_axum::redirect(&format!("/organize/questions/{id}?saved=1"));
    Ok(())
}

#[server(endpoint = "questions/update")]
pub async fn update_question(id: String, q: QuestionFields) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let result = match (parse_id(&id), draft_from_form(&q)) {
        (Ok(id), Ok((draft, status))) => {
            service::update_question(&cx.state, a, &cx.info.client_addr, id, draft, status).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let path = <UpdateQuestion as server_fn::ServerFn>::PATH;
    keep_input_on_error(result, path, &q.typed())?;
    plain_form_done(("saved", "1"));
    Ok(())
}

/// `ids` lists question IDs separated by commas; `action` is one of `retire`,
/// `activate`, `draft`, `move` (to `category`, empty = none) or `tag` (adds `tag`).
#[server(endpoint = "questions/bulk")]
pub async fn bulk_questions(
    bank_id: String,
    ids: String,
    action: String,
    category: String,
    tag: String,
) -> Result<u64, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    run_bulk(
        &cx.state,
        a,
        &cx.info.client_addr,
        &bank_id,
        &ids,
        &action,
        &category,
        &tag,
    )
    .await
}

/// A bulk change as the bank view's form describes it; shared by the server function
/// (JavaScript) and the plain form handler in `http.rs`.
#[cfg(feature = "ssr")]
pub(crate) async fn run_bulk(
    state: &crate::server::AppState,
    a: &crate::server::Authed,
    addr: &str,
    bank_id: &str,
    ids: &str,
    action: &str,
    category: &str,
    tag: &str,
) -> Result<u64, AppError> {
    let bank = parse_id(bank_id)?;
    let ids = ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_id)
        .collect::<Result<Vec<_>, _>>()?;
    let action = match action {
        "retire" => BulkAction::SetStatus(QuestionStatus::Retired),
        "activate" => BulkAction::SetStatus(QuestionStatus::Active),
        "draft" => BulkAction::SetStatus(QuestionStatus::Draft),
        "move" => BulkAction::MoveTo(match category.trim() {
            "" => None,
            c => Some(
                c.parse()
                    .map_err(|_| AppError::invalid("category", Msg::ErrBadRequest))?,
            ),
        }),
        "tag" if !tag.trim().is_empty() => BulkAction::AddTag(tag.trim().to_owned()),
        "tag" => return Err(AppError::invalid("tag", Msg::ErrRequired)),
        _ => return Err(AppError::invalid("action", Msg::ErrBadRequest)),
    };
    service::bulk(state, a, addr, bank, ids, action).await
}

#[server(endpoint = "question-imports/get")]
pub async fn get_question_import(id: String) -> Result<QuestionImportPreview, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::get_import(&cx.state, a, parse_id(&id)?).await
}

/// `duplicates` is `skip` (default) or `overwrite`.
#[server(endpoint = "question-imports/commit")]
pub async fn commit_question_import(
    id: String,
    duplicates: String,
) -> Result<ImportOutcome, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let policy = match duplicates.as_str() {
        "overwrite" => DuplicatePolicy::Overwrite,
        _ => DuplicatePolicy::Skip,
    };
    let out =
        service::commit_import(&cx.state, a, &cx.info.client_addr, parse_id(&id)?, policy).await?;
    leptos_axum::redirect(&format!(
        "/organize/question-imports/{id}?created={}&overwritten={}&skipped={}",
        out.created, out.overwritten, out.skipped
    ));
    Ok(out)
}
