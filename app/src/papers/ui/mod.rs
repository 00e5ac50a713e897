//! Pages of exams for organizers and admins: the list with the form to create one, the
//! editor (settings, sections, draw rules, fixed questions, the exam's sittings) and the
//! sample-paper preview; plus small form helpers the sittings pages share.

mod editor;
mod list;
mod preview;

pub use editor::ExamEditPage;
pub use list::ExamsPage;
pub use preview::ExamPreviewPage;

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use crate::error::AppError;
use crate::question_bank::ui::{typed, typed_values};

/// Which of several forms that share one server action was sent last, so that its error
/// is shown next to that form and not next to all of them. With JavaScript each form
/// marks itself on submit. A plain-form (no JavaScript) error comes back in the URL
/// without an origin; [`Origin::unplaced`] shows it in one place instead.
#[derive(Clone, Copy)]
pub(crate) struct Origin(RwSignal<Option<String>>);

impl Origin {
    pub fn new() -> Self {
        Origin(RwSignal::new(None))
    }

    /// The submit handler of the form called `key`.
    pub fn mark(self, key: String) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
        move |_| self.0.set(Some(key.clone()))
    }

    /// The action's error if the form `key` sent it.
    pub fn error<I, O>(self, action: ServerAction<I>, key: String) -> Signal<Option<AppError>>
    where
        I: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
        O: Clone + Send + Sync + 'static,
    {
        Signal::derive(move || {
            let mine = self.0.with(|o| o.as_deref() == Some(key.as_str()));
            if mine {
                action.value().get().and_then(|r| r.err())
            } else {
                None
            }
        })
    }

    /// The action's error when no form is known to have sent it (a plain-form post).
    pub fn unplaced<I, O>(self, action: ServerAction<I>) -> Signal<Option<AppError>>
    where
        I: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
        O: Clone + Send + Sync + 'static,
    {
        Signal::derive(move || {
            if self.0.with(Option::is_none) {
                action.value().get().and_then(|r| r.err())
            } else {
                None
            }
        })
    }
}

/// `aria-invalid="true"` while `error` concerns one of `fields`.
pub(crate) fn invalid_attr(
    error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
    move || {
        error
            .with(|e| match e {
                Some(AppError::Invalid { field: Some(f), .. }) => fields.contains(&f.as_str()),
                Some(AppError::Problems(ps)) => {
                    ps.iter().any(|p| fields.contains(&p.field.as_str()))
                }
                _ => false,
            })
            .then_some("true")
    }
}

/// Values a failed plain-form post sent back in the URL (the `t_` keys of
/// `server::forms`), read once when a form is drawn. They win over stored values so
/// nothing typed is lost. With JavaScript the form keeps its own values and nothing
/// comes back; without it, only server functions that hand the values back fill this.
pub(crate) struct Retyped(Option<ParamsMap>);

impl Retyped {
    /// `marker` is a field every such form sends, telling that values came back.
    pub fn read(marker: &str) -> Self {
        Retyped(typed_values(marker))
    }

    pub fn text(&self, key: &str, stored: String) -> String {
        match &self.0 {
            Some(m) => typed(m, key),
            None => stored,
        }
    }

    pub fn flag(&self, key: &str, stored: bool) -> bool {
        match &self.0 {
            Some(m) => !typed(m, key).is_empty(),
            None => stored,
        }
    }
}
