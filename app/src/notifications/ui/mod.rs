//! The notification list and the header's link with the unread count.

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::ui::{tr, use_lang, use_session, ErrorNotice};

use super::api::my_notifications;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let read = use_session().mark_read;
    let list = Resource::new(move || read.version().get(), |_| my_notifications());
    let lang = use_lang();
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::NotificationsTitle)}</h1>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(items) if items.is_empty() => view! { <p class="empty">{tr(Msg::NotificationsNone)}</p> }.into_any(),
                    Ok(items) => {
                        let unread = items.iter().any(|n| !n.read);
                        view! {
                            {unread.then(|| view! {
                                <ActionForm action=read>
                                    <button type="submit" class="secondary">{tr(Msg::NotificationsMarkRead)}</button>
                                </ActionForm>
                            })}
                            <ul class="notifications">
                                {items.into_iter().map(|n| {
                                    let note = n.note.clone();
                                    let link = n.link.clone();
                                    view! {
                                        <li class:unread=!n.read>
                                            <span class="when">{crate::sittings::ui::local_time(n.created_at)}</span>" "
                                            {(!n.read).then(|| view! { <span class="badge open">{tr(Msg::NotificationsNew)}</span>" " })}
                                            <a href=link>{move || note.text(lang.get())}</a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Transition>
        </main>
    }
}

/// "通知 (2)" in the header. The count comes with the viewer (`Me`), so the frame's
/// one boundary covers it.
#[component]
pub fn NotificationsLink() -> impl IntoView {
    let session = use_session();
    let count = move || {
        session
            .me
            .get()
            .and_then(|r| r.ok())
            .map(|m| m.unread_notifications)
            .filter(|n| *n > 0)
    };
    view! {
        <a href="/notifications" class="notifications-link">
            {tr(Msg::NotificationsTitle)}
            {move || count().map(|n| view! { " "<span class="badge open">{n}</span> })}
        </a>
    }
}
