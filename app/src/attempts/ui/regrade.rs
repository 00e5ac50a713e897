//! Placeholder.

use leptos::prelude::*;

#[component]
pub fn RegradePage() -> impl IntoView {
    view! { <main id="main" class="page"></main> }
}
