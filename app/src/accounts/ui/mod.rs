//! Pages for signing in, one's own password, and the administration of users, units
//! and user imports.

mod import;
mod login;
mod units;
mod users;

pub use import::{ImportPage, ImportPreviewPage};
pub use login::{ChangePasswordPage, LoginPage};
pub use units::{UnitEditPage, UnitsPage};
pub use users::{UserEditPage, UserNewPage, UsersPage};

use leptos::prelude::*;

use crate::accounts::model::UnitView;
use crate::i18n::Msg;
use crate::ui::tr;

/// A `<select>` of the units the viewer may use, indented by depth.
#[component]
pub fn UnitSelect(
    units: Vec<UnitView>,
    name: &'static str,
    id: &'static str,
    #[prop(optional)] selected: Option<String>,
    #[prop(optional)] blank: Option<Msg>,
    #[prop(optional)] exclude: Option<String>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let selected = selected.unwrap_or_default();
    let blank_text = blank.map(tr);
    view! {
        <select name=name id=id required=required>
            {blank_text.map(|t| view! { <option value="">{t}</option> })}
            {units
                .into_iter()
                .filter(|u| exclude.as_deref() != Some(u.id.to_string().as_str()))
                .map(|u| {
                    let value = u.id.to_string();
                    let is_selected = value == selected;
                    let label = format!("{}{} ({})", "　".repeat(u.depth as usize), u.name, u.code);
                    view! { <option value=value selected=is_selected>{label}</option> }
                })
                .collect_view()}
        </select>
    }
}
