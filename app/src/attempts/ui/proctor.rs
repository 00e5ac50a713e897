//! Placeholder.

use leptos::prelude::*;

#[component]
pub fn ProctorPage() -> impl IntoView {
    view! { <main id="main" class="page"></main> }
}
