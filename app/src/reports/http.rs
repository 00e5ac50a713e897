//! Report downloads (.xlsx with one sheet per table, .csv of the main table) and the
//! parsing of the unit report's query. Authorization is the server functions': staff
//! only, and each service limits rows to the caller's scope.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use crate::error::AppError;
use crate::i18n::Msg;
use crate::server::download::{content_disposition, download, file_stem};
use crate::server::{parse_id, AppState, Authed, RequestInfo};
use crate::time::{format_local_date, parse_local_date};

use super::export::{to_csv, to_xlsx, Cell, Table};
use super::model::{PersonLine, RankOrder, ReportFilter, SeatStatus, UnitLine};
use super::service::{self, UnitQuery};

/// Units ranked at the bottom that are highlighted unless the query says otherwise.
pub const DEFAULT_BOTTOM: u32 = 1;
/// Units with fewer decided candidates are shown but not ranked, by default.
pub const DEFAULT_MIN_CANDIDATES: u32 = 3;

fn number(field: &str, s: &str, default: u32, max: u32) -> Result<u32, AppError> {
    match s.trim() {
        "" => Ok(default),
        t => t
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| AppError::invalid(field, Msg::ReportBadNumber)),
    }
}

fn optional_id<T: std::str::FromStr>(s: &str) -> Result<Option<T>, AppError> {
    match s.trim() {
        "" => Ok(None),
        t => parse_id(t).map(Some),
    }
}

/// Reads the unit report's query values; empty means the default. `to` is the last day
/// included.
pub fn unit_query(
    unit: &str,
    exam: &str,
    from: &str,
    to: &str,
    by: &str,
    min: &str,
    bottom: &str,
) -> Result<UnitQuery, AppError> {
    let day = |field: &str, s: &str| match s.trim() {
        "" => Ok(None),
        t => parse_local_date(t)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, Msg::ReportBadDate)),
    };
    let from = day("from", from)?;
    let to = day("to", to)?.map(|t| t.plus_secs(86_400));
    if let (Some(f), Some(t)) = (from, to) {
        if f >= t {
            return Err(AppError::invalid("to", Msg::ReportBadRange));
        }
    }
    Ok(UnitQuery {
        unit: optional_id(unit)?,
        filter: ReportFilter {
            exam_id: optional_id(exam)?,
            from,
            to,
        },
        order: match by.trim() {
            "mean" => RankOrder::MeanScore,
            _ => RankOrder::PassRate,
        },
        min_candidates: number("min", min, DEFAULT_MIN_CANDIDATES, 100_000)?,
        bottom: number("bottom", bottom, DEFAULT_BOTTOM, 1_000)?,
    })
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn int(n: impl Into<i64>) -> Cell {
    Cell::Int(n.into())
}

fn points(hundredths: Option<u32>) -> Cell {
    hundredths.map_or(Cell::Empty, |p| Cell::Number(f64::from(p) / 100.0))
}

fn share(part: u32, whole: u32) -> Cell {
    if whole == 0 {
        Cell::Empty
    } else {
        Cell::Percent(f64::from(part) / f64::from(whole))
    }
}

fn yes_no(b: bool) -> Cell {
    text(if b { "是" } else { "否" })
}

fn table(sheet: &str, headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
    Table {
        sheet: sheet.to_owned(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}

fn people_table(people: &[PersonLine]) -> Table {
    table(
        "人员",
        &[
            "账号",
            "姓名",
            "单位",
            "考试",
            "考试日期",
            "分数",
            "满分",
            "首考通过",
            "最终通过",
            "缺考",
            "补考次数",
            "约谈中",
        ],
        people
            .iter()
            .map(|p| {
                vec![
                    text(&p.login),
                    text(&p.display_name),
                    text(&p.unit_name),
                    text(&p.exam_title),
                    Cell::DateTime(p.exam_date),
                    points(p.score),
                    points(Some(p.max_points)),
                    yes_no(p.decided && p.passed_first),
                    yes_no(p.decided && p.passed_any),
                    yes_no(p.absent),
                    int(p.retake_rounds),
                    yes_no(p.open_case),
                ]
            })
            .collect(),
    )
}

fn units_table(lines: &[UnitLine]) -> Table {
    table(
        "单位",
        &[
            "名次",
            "单位代码",
            "单位",
            "考生",
            "已出结果",
            "首考通过",
            "通过率",
            "补考后通过",
            "缺考",
            "约谈",
            "平均得分率",
            "末位",
            "原因",
        ],
        lines
            .iter()
            .map(|l| {
                vec![
                    l.rank.map_or(text("不排名"), int),
                    text(&l.unit.code),
                    text(&l.unit.name),
                    int(l.candidates),
                    int(l.decided),
                    int(l.passed_first),
                    share(l.passed_first, l.decided),
                    int(l.passed_any),
                    int(l.absent),
                    int(l.open_cases),
                    l.mean_percent
                        .map_or(Cell::Empty, |m| Cell::Percent(m / 100.0)),
                    yes_no(l.bottom),
                    text(&l.reason_zh),
                ]
            })
            .collect(),
    )
}

fn status_zh(s: SeatStatus) -> &'static str {
    match s {
        SeatStatus::NotStarted => "未开始",
        SeatStatus::InProgress => "作答中",
        SeatStatus::Submitted => "已交卷",
        SeatStatus::Absent => "缺考",
        SeatStatus::Voided => "已作废",
    }
}

fn summary_rows(rows: &[(&str, Cell)]) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|(k, v)| vec![text(*k), v.clone()])
        .collect()
}

/// The tables of one report and the file's name.
async fn tables(
    state: &AppState,
    a: &Authed,
    kind: &str,
    q: &[(String, String)],
) -> Result<(String, Vec<Table>), AppError> {
    let get = |k: &str| {
        q.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    match kind {
        "exam" => {
            let exam = parse_id(get("id"))?;
            let r = service::exam_report(state, a, exam).await?;
            let people = service::exam_people(state, a, exam).await?;
            let (mean, median, sd, min, max) = r.summary.unwrap_or((0.0, 0.0, 0.0, 0, 0));
            let has = r.summary.is_some();
            let num = |v: f64| {
                if has {
                    Cell::Number(v / 100.0)
                } else {
                    Cell::Empty
                }
            };
            let overview = table(
                "概况",
                &["项目", "数值"],
                summary_rows(&[
                    ("考试", text(&r.title)),
                    ("应考人数", int(r.candidates)),
                    ("已开考", int(r.started)),
                    ("已交卷", int(r.submitted)),
                    ("缺考", int(r.absent)),
                    ("已出结果", int(r.decided)),
                    ("首考通过", int(r.passed_first)),
                    ("首考通过率", share(r.passed_first, r.decided)),
                    ("补考后通过", int(r.passed_eventually)),
                    ("补考后通过率", share(r.passed_eventually, r.decided)),
                    ("平均分", num(mean)),
                    ("中位数", num(median)),
                    ("标准差", num(sd)),
                    ("最低分", if has { points(Some(min)) } else { Cell::Empty }),
                    ("最高分", if has { points(Some(max)) } else { Cell::Empty }),
                    ("满分", points(Some(r.max_points))),
                    (
                        "平均用时（分钟）",
                        r.mean_time_secs
                            .map_or(Cell::Empty, |s| Cell::Number(s as f64 / 60.0)),
                    ),
                    ("诊断事件", int(r.integrity_events)),
                    ("待补考", int(r.open_retakes)),
                    ("约谈中", int(r.open_cases)),
                ]),
            );
            let bins = r.histogram.len().max(1) as f64;
            let histogram = table(
                "分数分布",
                &["分数段", "人数", "占比"],
                r.histogram
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        let lo = f64::from(r.max_points) / 100.0 * i as f64 / bins;
                        let hi = f64::from(r.max_points) / 100.0 * (i + 1) as f64 / bins;
                        vec![
                            text(format!("{lo:.0}–{hi:.0}")),
                            int(*n),
                            share(*n, r.histogram.iter().sum()),
                        ]
                    })
                    .collect(),
            );
            Ok((r.title, vec![overview, histogram, people_table(&people)]))
        }
        "sitting" => {
            let r = service::sitting_report(state, a, parse_id(get("id"))?).await?;
            let roster = table(
                "名单",
                &[
                    "账号",
                    "姓名",
                    "单位",
                    "状态",
                    "分数",
                    "满分",
                    "通过",
                    "用时（分钟）",
                    "诊断事件",
                ],
                r.roster
                    .iter()
                    .map(|p| {
                        vec![
                            text(&p.login),
                            text(&p.display_name),
                            text(&p.unit_name),
                            text(status_zh(p.status)),
                            points(p.score),
                            points(p.max_points),
                            p.passed.map_or(Cell::Empty, yes_no),
                            p.time_used_secs
                                .map_or(Cell::Empty, |s| Cell::Number(s as f64 / 60.0)),
                            int(p.integrity_events),
                        ]
                    })
                    .collect(),
            );
            let overview = table(
                "概况",
                &["项目", "数值"],
                summary_rows(&[
                    ("考试", text(&r.exam_title)),
                    ("场次", text(&r.name)),
                    ("开始时间", Cell::DateTime(r.window_start)),
                    ("应考人数", int(r.candidates)),
                    ("已交卷", int(r.submitted)),
                    ("缺考", int(r.absent)),
                    ("通过", int(r.passed)),
                    ("通过率", share(r.passed, r.submitted)),
                ]),
            );
            Ok((
                format!("{}-{}", r.exam_title, r.name),
                vec![roster, overview],
            ))
        }
        "units" => {
            let uq = unit_query(
                get("unit"),
                get("exam"),
                get("from"),
                get("to"),
                get("by"),
                get("min"),
                get("bottom"),
            )?;
            let r = service::unit_report(state, a, &uq).await?;
            let name = format!("单位排名-{}", r.total.unit.name);
            let mut lines = r.children.clone();
            lines.push(r.total.clone());
            Ok((name, vec![units_table(&lines), people_table(&r.people)]))
        }
        "person" => {
            let r = service::person_report(state, a, parse_id(get("id"))?).await?;
            let attempts = table(
                "作答记录",
                &[
                    "考试",
                    "场次",
                    "补考",
                    "开始时间",
                    "已交卷",
                    "分数",
                    "满分",
                    "通过",
                    "已作废",
                ],
                r.attempts
                    .iter()
                    .map(|t| {
                        vec![
                            text(&t.exam_title),
                            text(&t.sitting_name),
                            yes_no(t.is_retake),
                            Cell::DateTime(t.started_at),
                            yes_no(t.submitted),
                            points(t.score),
                            points(Some(t.max_points)),
                            t.passed.map_or(Cell::Empty, yes_no),
                            yes_no(t.voided),
                        ]
                    })
                    .collect(),
            );
            Ok((
                format!("{}-{}", r.display_name, r.login),
                vec![people_table(&r.exams), attempts],
            ))
        }
        "items" => {
            let r = service::item_analysis(state, a, parse_id(get("id"))?).await?;
            let fmt = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Number);
            let items = table(
                "题目分析",
                &[
                    "序号",
                    "题干",
                    "作答人数",
                    "难度（通过率）",
                    "区分度",
                    "点双列相关",
                    "选项分布",
                    "正确选项",
                    "提示",
                ],
                r.items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| {
                        let letters = |v: &[u8]| {
                            v.iter()
                                .map(|&o| char::from(b'A' + o.min(25)))
                                .collect::<String>()
                        };
                        let dist = it
                            .options
                            .iter()
                            .enumerate()
                            .map(|(o, n)| format!("{}:{n}", char::from(b'A' + (o.min(25) as u8))))
                            .collect::<Vec<_>>()
                            .join(" ");
                        let mut flags = Vec::new();
                        if it.negative_discrimination {
                            flags.push("负区分度");
                        }
                        if it.too_easy {
                            flags.push("过易");
                        }
                        if it.too_hard {
                            flags.push("过难");
                        }
                        vec![
                            int(i as i64 + 1),
                            text(&it.stem),
                            int(it.n),
                            it.facility.map_or(Cell::Empty, Cell::Percent),
                            fmt(it.discrimination),
                            fmt(it.point_biserial),
                            text(dist),
                            text(letters(&it.correct)),
                            text(flags.join("、")),
                        ]
                    })
                    .collect(),
            );
            let overview = table(
                "概况",
                &["项目", "数值"],
                summary_rows(&[
                    ("考试", text(&r.title)),
                    ("分析人数", int(r.attempts)),
                    ("KR-20 信度", fmt(r.kr20)),
                ]),
            );
            Ok((format!("{}-题目分析", r.title), vec![items, overview]))
        }
        _ => Err(AppError::NotFound),
    }
}

/// `GET /reports/export/{kind}?format=xlsx|csv&…`: the report as a file. The workbook is
/// built on a blocking thread so a large export never stalls the async workers.
pub async fn export(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(kind): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let a = info.staff()?;
        let csv = match q
            .iter()
            .find(|(k, _)| k == "format")
            .map(|(_, v)| v.as_str())
        {
            Some("csv") => true,
            Some("xlsx") | None => false,
            Some(_) => return Err(AppError::NotFound),
        };
        let (name, tables) = tables(&state, a, &kind, &q).await?;
        let stem = file_stem(
            &format!("{name}-{}", format_local_date(state.clock.now())),
            "report",
        );
        let bytes = tokio::task::spawn_blocking(move || {
            if csv {
                tables.first().map(to_csv).unwrap_or_default()
            } else {
                to_xlsx(&tables)
            }
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "export task failed");
            AppError::Internal
        })?;
        Ok::<_, AppError>((stem, csv, bytes))
    }
    .await;
    match result {
        Ok((stem, true, bytes)) => download(
            "text/csv; charset=utf-8",
            content_disposition(&stem, "csv", "report"),
            bytes,
        ),
        Ok((stem, false, bytes)) => download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            content_disposition(&stem, "xlsx", "report"),
            bytes,
        ),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_unit_query_takes_the_defaults() {
        let q = unit_query("", "", "", "", "", "", "").unwrap();
        assert_eq!(q.unit, None);
        assert_eq!(q.filter, ReportFilter::default());
        assert_eq!(q.order, RankOrder::PassRate);
        assert_eq!(
            (q.min_candidates, q.bottom),
            (DEFAULT_MIN_CANDIDATES, DEFAULT_BOTTOM)
        );
    }

    #[test]
    fn the_last_day_of_a_range_is_included() {
        let q = unit_query("", "", "2026-11-01", "2026-11-30", "mean", "0", "5").unwrap();
        assert_eq!(q.filter.from, parse_local_date("2026-11-01"));
        assert_eq!(q.filter.to, parse_local_date("2026-12-01"));
        assert_eq!(
            (q.order, q.min_candidates, q.bottom),
            (RankOrder::MeanScore, 0, 5)
        );
    }

    #[test]
    fn bad_query_values_are_refused_with_the_field_named() {
        let field = |r: Result<UnitQuery, AppError>| match r {
            Err(AppError::Invalid { field, msg }) => (field, msg),
            other => panic!("expected invalid input, got {other:?}"),
        };
        assert_eq!(
            field(unit_query("", "", "2026-11-31", "", "", "", "")),
            (Some("from".into()), Msg::ReportBadDate)
        );
        assert_eq!(
            field(unit_query("", "", "2026-11-10", "2026-11-01", "", "", "")),
            (Some("to".into()), Msg::ReportBadRange)
        );
        assert_eq!(
            field(unit_query("", "", "", "", "", "-1", "")),
            (Some("min".into()), Msg::ReportBadNumber)
        );
        assert!(matches!(
            unit_query("x", "", "", "", "", "", ""),
            Err(AppError::NotFound)
        ));
    }
}
