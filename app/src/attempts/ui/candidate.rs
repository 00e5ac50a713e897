//! Placeholder.

use leptos::prelude::*;

#[component]
pub fn StartPage() -> impl IntoView {
    view! { <main id="main" class="page"></main> }
}
#[component]
pub fn SubmitPage() -> impl IntoView {
    view! { <main id="main" class="page"></main> }
}
#[component]
pub fn AttemptDonePage() -> impl IntoView {
    view! { <main id="main" class="page"></main> }
}
#[component]
pub fn CandidateAttempts() -> impl IntoView {
    view! { <section></section> }
}
