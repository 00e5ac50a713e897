//! A month calendar of sittings (`?month=2026-12`): a plain table, weeks from Monday,
//! each sitting a link on the day it starts (Shanghai time). Without `month` it shows
//! the server's current month.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::{Lang, Msg};
use crate::sittings::api::list_sittings;
use crate::sittings::model::SittingView;
use crate::time::{format_local_datetime, Timestamp};
use crate::ui::{tr, use_lang, ErrorNotice};

use super::{local_time, server_now};

/// A month as `(year, month)`.
type Month = (i32, u32);

/// Reads `2026-12`; four-digit years only.
fn parse_month(s: &str) -> Option<Month> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    NaiveDate::from_ymd_opt(y, m, 1).map(|_| (y, m))
}

/// The Shanghai month of an instant.
fn month_of(ts: Timestamp) -> Option<Month> {
    parse_month(format_local_datetime(ts).get(..7)?)
}

/// The Shanghai date of an instant, `2026-12-01`.
fn date_of(ts: Timestamp) -> String {
    format_local_datetime(ts).get(..10).unwrap_or("").to_owned()
}

fn shift((y, m): Month, by: i32) -> Month {
    let i = y * 12 + (m as i32 - 1) + by;
    (i.div_euclid(12), i.rem_euclid(12) as u32 + 1)
}

fn month_key((y, m): Month) -> String {
    format!("{y:04}-{m:02}")
}

fn month_name((y, m): Month, lang: Lang) -> String {
    let english = NaiveDate::from_ymd_opt(y, m, 1)
        .map(|d| d.format("%B").to_string())
        .unwrap_or_default();
    Msg::CalendarMonth
        .text(lang)
        .replace("{y}", &y.to_string())
        .replace("{m}", &m.to_string())
        .replace("{month}", &english)
}

/// The weeks of a month, Monday first; `None` for days of the neighbouring months.
fn weeks((y, m): Month) -> Vec<[Option<u32>; 7]> {
    let Some(first) = NaiveDate::from_ymd_opt(y, m, 1) else {
        return Vec::new();
    };
    let (ny, nm) = shift((y, m), 1);
    let days = NaiveDate::from_ymd_opt(ny, nm, 1)
        .map(|next| (next - first).num_days() as u32)
        .unwrap_or(28);
    let offset = first.weekday().num_days_from_monday() as usize;
    let mut cells: Vec<Option<u32>> = vec![None; offset];
    cells.extend((1..=days).map(Some));
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    cells
        .chunks(7)
        .map(|w| {
            let mut week = [None; 7];
            week.copy_from_slice(w);
            week
        })
        .collect()
}

const WEEKDAYS: [Msg; 7] = [
    Msg::CalWeekdayMon,
    Msg::CalWeekdayTue,
    Msg::CalWeekdayWed,
    Msg::CalWeekdayThu,
    Msg::CalWeekdayFri,
    Msg::CalWeekdaySat,
    Msg::CalWeekdaySun,
];

#[component]
pub fn SittingsCalendarPage() -> impl IntoView {
    let query = use_query_map();
    let now = Resource::new(|| (), |_| server_now());
    let sittings = Resource::new(|| (), |_| list_sittings());
    let asked = Memo::new(move |_| query.with(|q| q.get("month").and_then(|m| parse_month(&m))));
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::CalendarTitle)}</h1>
            <p class="toolbar">
                <a class="button secondary" href="/organize/sittings">{tr(Msg::SittingsListView)}</a>
            </p>
            <p class="hint">{tr(Msg::SittingsListHint)}</p>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || match (now.get(), sittings.get()) {
                    (Some(Err(e)), _) | (_, Some(Err(e))) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    (Some(Ok(now)), Some(Ok(list))) => {
                        let month = asked.get().or_else(|| month_of(now)).unwrap_or((2026, 1));
                        view! { <MonthGrid month sittings=list today=date_of(now) /> }.into_any()
                    }
                    _ => ().into_any(),
                }}
            </Transition>
        </main>
    }
}

#[component]
fn MonthGrid(month: Month, sittings: Vec<SittingView>, today: String) -> impl IntoView {
    let lang = use_lang();
    let (prev, next) = (shift(month, -1), shift(month, 1));
    let prev_href = format!("/organize/sittings/calendar?month={}", month_key(prev));
    let next_href = format!("/organize/sittings/calendar?month={}", month_key(next));
    let mut sittings = sittings;
    sittings.sort_by_key(|s| s.spec.window_start);
    let sittings = StoredValue::new(sittings);
    let (y, m) = month;
    let in_month = sittings.with_value(|list| {
        let key = month_key(month);
        list.iter()
            .filter(|s| date_of(s.spec.window_start).starts_with(&key))
            .count()
    });
    view! {
        <nav class="month-nav" aria-label=tr(Msg::CalendarNav)>
            <a href=prev_href rel="prev">{move || format!("‹ {}", month_name(prev, lang.get()))}</a>
            <a href=next_href rel="next">{move || format!("{} ›", month_name(next, lang.get()))}</a>
        </nav>
        <table class="grid calendar">
            <caption>
                {move || month_name(month, lang.get())}
                " "
                <span class="meta">{move || Msg::CalendarCount.text(lang.get()).replace("{n}", &in_month.to_string())}</span>
            </caption>
            <thead>
                <tr>
                    {WEEKDAYS.into_iter().map(|w| view! { <th scope="col">{tr(w)}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {weeks(month).into_iter().map(|week| view! {
                    <tr>
                        {week.into_iter().map(|day| match day {
                            None => view! { <td class="outside"></td> }.into_any(),
                            Some(d) => {
                                let date = format!("{y:04}-{m:02}-{d:02}");
                                let is_today = date == today;
                                let items: Vec<SittingView> = sittings.with_value(|list| {
                                    list.iter().filter(|s| date_of(s.spec.window_start) == date).cloned().collect()
                                });
                                view! {
                                    <td class:today=is_today aria-current=is_today.then_some("date")>
                                        <span class="day">{d}</span>
                                        {(!items.is_empty()).then(|| view! {
                                            <ul>
                                                {items.into_iter().map(|s| {
                                                    let href = format!("/organize/sittings/{}", s.id);
                                                    let time = local_time(s.spec.window_start).get(11..).unwrap_or("").to_owned();
                                                    let date = date.clone();
                                                    view! {
                                                        <li>
                                                            <a href=href>
                                                                <span class="sr-only">{date}" "</span>
                                                                {time}" "{s.exam_title}" · "{s.spec.name}
                                                            </a>
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                        })}
                                    </td>
                                }.into_any()
                            }
                        }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
