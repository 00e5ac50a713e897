//! Placeholder.

use leptos::prelude::*;

#[component]
pub fn AttemptPage() -> impl IntoView {
    view! { <main id="main" class="page"></main> }
}
