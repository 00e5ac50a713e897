//! A sample paper drawn exactly as a candidate would get one (`?seed=N`), optionally with
//! the key and explanation under each question (`&answers=1`). Everything is in the
//! URL, so "another sample" and "show/hide answers" are plain links.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::Msg;
use crate::papers::api::{get_exam, preview_exam};
use crate::papers::model::PreviewItem;
use crate::question_bank::domain::option_letter;
use crate::question_bank::model::QuestionType;
use crate::ui::{tr, use_lang, ErrorNotice};

#[component]
pub fn ExamPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let seed = Memo::new(move |_| {
        query.with(|q| {
            q.get("seed")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(1)
        })
    });
    let answers = Memo::new(move |_| query.with(|q| q.get("answers").as_deref() == Some("1")));
    let exam = Resource::new(move || id.get(), get_exam);
    let items = Resource::new(
        move || (id.get(), seed.get(), answers.get()),
        |(id, seed, answers)| preview_exam(id, seed, answers),
    );
    let lang = use_lang();
    let link = move |seed: u64, answers: bool| {
        let a = if answers { "&answers=1" } else { "" };
        format!("/organize/exams/{}/preview?seed={seed}{a}", id.get())
    };
    let another = move || link(seed.get().wrapping_add(1), answers.get());
    let toggle = move || link(seed.get(), !answers.get());
    let toggle_text = move || {
        if answers.get() {
            Msg::PreviewHideAnswers
        } else {
            Msg::PreviewShowAnswers
        }
        .text(lang.get())
    };
    let back = move || format!("/organize/exams/{}", id.get());
    view! {
        <main id="main" class="page paper-preview">
            <p><a href=back>{tr(Msg::BackToExam)}</a></p>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || exam.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(e) => {
                        let duration = e.settings.duration_minutes;
                        let total = e.total_points;
                        view! {
                            <h1>{move || Msg::PreviewOf.text(lang.get()).replace("{t}", &e.settings.title)}</h1>
                            <p class="meta">
                                {move || Msg::PreviewFacts.text(lang.get())
                                    .replace("{m}", &duration.to_string())
                                    .replace("{p}", &total.to_string())}
                            </p>
                            {(!e.settings.instructions.trim().is_empty()).then(|| view! {
                                <div class="instructions">{e.settings.instructions.clone()}</div>
                            })}
                        }.into_any()
                    }
                })}
            </Transition>
            <p class="notice info">{tr(Msg::PreviewNotice)}</p>
            <p class="toolbar">
                <a class="button secondary" href=another>{tr(Msg::AnotherSample)}</a>
                <a href=toggle>{toggle_text}</a>
                <span class="meta">{move || Msg::SampleNo.text(lang.get()).replace("{n}", &seed.get().to_string())}</span>
            </p>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || items.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{tr(Msg::ErrPaperEmpty)}</p> }.into_any(),
                    Ok(list) => paper(list).into_any(),
                })}
            </Transition>
        </main>
    }
}

/// The questions grouped into their sections, numbered continuously.
fn paper(items: Vec<PreviewItem>) -> impl IntoView {
    let mut groups: Vec<(u32, String, usize, Vec<PreviewItem>)> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match groups.last_mut() {
            Some(g) if g.0 == item.section => g.3.push(item),
            _ => groups.push((item.section, item.section_title.clone(), i + 1, vec![item])),
        }
    }
    let lang = use_lang();
    groups
        .into_iter()
        .map(|(section, title, start, items)| {
            let heading = format!("paper-sec-{section}");
            let heading_ref = heading.clone();
            let n = section + 1;
            let heading_text = move || {
                let label = Msg::PaperSectionN.text(lang.get()).replace("{n}", &n.to_string());
                if title.is_empty() {
                    label
                } else {
                    format!("{label}：{title}")
                }
            };
            view! {
                <section aria-labelledby=heading_ref>
                    <h2 id=heading>{heading_text}</h2>
                    <ol class="paper" start=start.to_string()>
                        {items.into_iter().enumerate().map(|(k, item)| question(start + k, item)).collect_view()}
                    </ol>
                </section>
            }
        })
        .collect_view()
}

fn question(no: usize, item: PreviewItem) -> impl IntoView {
    let lang = use_lang();
    let q = item.question;
    let qtype = q.qtype;
    let points = q.points;
    let name = format!("q{no}");
    let answer_area = match qtype {
        QuestionType::Single | QuestionType::Multiple => {
            let kind = if qtype == QuestionType::Single {
                "radio"
            } else {
                "checkbox"
            };
            q.options
                .into_iter()
                .enumerate()
                .map(|(i, text)| {
                    let id = format!("{name}-o{i}");
                    let for_id = id.clone();
                    view! {
                        <label class="choice" for=for_id>
                            <input type=kind id=id name=name.clone() disabled />
                            <span class="letter">{option_letter(i).to_string()}"."</span>
                            <span>{text}</span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        QuestionType::TrueFalse => [(Msg::DiffTrue, "t"), (Msg::DiffFalse, "f")]
            .into_iter()
            .map(|(label, v)| {
                let id = format!("{name}-{v}");
                let for_id = id.clone();
                view! {
                    <label class="choice" for=for_id>
                        <input type="radio" id=id name=name.clone() disabled />
                        <span>{move || label.text(lang.get())}</span>
                    </label>
                }
            })
            .collect_view()
            .into_any(),
        QuestionType::FillBlank => (0..q.blanks.max(1))
            .map(|b| {
                let id = format!("{name}-b{b}");
                let label = move || {
                    Msg::PreviewBlankN
                        .text(lang.get())
                        .replace("{n}", &(b + 1).to_string())
                };
                view! {
                    <span class="blank">
                        <label for=id.clone()>{label}</label>
                        <input type="text" id=id disabled />
                    </span>
                }
            })
            .collect_view()
            .into_any(),
    };
    let image = q.image.map(|img| {
        let src = format!("/organize/images/{img}");
        view! { <img class="stem-image" src=src alt=tr(Msg::ImageAlt) /> }
    });
    let area_label = move || {
        Msg::PreviewAnswerArea
            .text(lang.get())
            .replace("{n}", &no.to_string())
    };
    let key = item.key.map(|k| {
        let explanation = item.explanation.filter(|e| !e.trim().is_empty());
        view! {
            <div class="key">
                <p><strong>{tr(Msg::DiffAnswer)}</strong>{k}</p>
                {explanation.map(|e| view! { <p class="explanation"><strong>{tr(Msg::DiffExplanation)}</strong>{e}</p> })}
            </div>
        }
    });
    view! {
        <li class="question">
            <p class="stem">
                <span class="tag">{move || qtype.label().text(lang.get())}</span>" "
                <span class="meta">{move || Msg::PaperPointsN.text(lang.get()).replace("{n}", &points.to_string())}</span>
                <br />
                <span class="stem-text">{q.stem}</span>
            </p>
            {image}
            <fieldset class="answer-area" disabled>
                <legend class="sr-only">{area_label}</legend>
                {answer_area}
            </fieldset>
            {key}
        </li>
    }
}
