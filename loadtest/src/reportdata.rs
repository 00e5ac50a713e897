//! Generated history for the report benchmark: a city of units, its cadres, and a year
//! of closed exams with graded attempts, absentees and retakes.
//!
//! The question bank, its questions and the exams go through the app's own services, so
//! papers and settings are exactly what the organizer pages would have produced. The
//! past itself (sittings, assignments, attempts with their answers, results, retakes)
//! cannot: the services refuse sittings that start in the past, and running 100,000
//! attempts through the timed-attempt path would take hours. Those rows are written
//! directly, in one transaction per exam with multi-row inserts, in the shape the
//! grader and the follow-up jobs write them. The report triggers fire on these inserts
//! like on any other, so a generated database starts with every (exam, candidate) pair
//! marked stale, and the server builds the aggregates from scratch when it starts.
//!
//! Everything random comes from one seeded xorshift, so a seed gives the same city,
//! the same people and the same answers on every run and on both backends (row ids are
//! fresh UUIDs).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use app::accounts::domain::unit_path;
use app::accounts::model::{Roles, UnitId, UserId};
use app::accounts::repo::{self as accounts, NewUser};
use app::attempts::model::AttemptItem;
use app::db::{Db, Tx};
use app::grading::model::ItemShape;
use app::i18n::Lang;
use app::papers::domain::DrawnItem;
use app::papers::model::{ExamId, ExamSettings, PaperQuestion, PassMark};
use app::papers::service::{self as papers, SectionEdit};
use app::question_bank::model::{
    KeyForm, Points, QuestionDraft, QuestionId, QuestionStatus, QuestionType, VersionId,
};
use app::question_bank::service as bank;
use app::server::{AppState, Authed, Clock, SystemClock};
use app::time::Timestamp;
use uuid::Uuid;

use crate::harness::Rng;

/// The global administrator the benchmark signs in as.
pub const ADMIN_LOGIN: &str = "reportadmin";
pub const ADMIN_PASSWORD: &str = "Reports-admin-2026";
const CANDIDATE_PASSWORD: &str = "Reports-cand-2026";
const ADDR: &str = "loadtest";

/// Every item is worth 5 points (hundredths), so a 20-item paper is out of 100.
pub const ITEM_POINTS: u32 = 500;
pub const PASS_PERCENT: u32 = 60;
const OPTIONS: usize = 4;
/// The last generated exam: 2026-11-05 09:00 Asia/Shanghai, so its retake sitting two
/// weeks later is past too. A fixed anchor (not "now") keeps the dates, and so the
/// date-range figures, the same on every run.
const LAST_EXAM_MS: i64 = 1_793_840_400_000;
/// The first exam is this many days before the last (2025-12-05: a few exams fall
/// outside a filter for 2026).
const SPAN_DAYS: i64 = 335;
const DAY_MS: i64 = 86_400_000;
const MINUTE_MS: i64 = 60_000;
const DURATION_MINUTES: i64 = 60;

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenSpec {
    /// Units in all, the city itself included.
    pub units: usize,
    /// Counties (second level); the rest are departments and sections below them.
    pub counties: usize,
    /// Candidates per unit.
    pub per_unit: usize,
    pub exams: usize,
    /// Attempts in all (first sittings and retakes), split evenly over the exams.
    pub attempts: usize,
    /// Items per paper (all single choice, fixed, not shuffled: one paper per exam).
    pub items: u32,
    /// Write every attempt's answers too (what the item analysis counts options from).
    pub answers: bool,
    pub seed: u64,
}

impl Default for GenSpec {
    fn default() -> Self {
        GenSpec {
            units: 500,
            counties: 12,
            per_unit: 20,
            exams: 50,
            attempts: 100_000,
            items: 20,
            answers: true,
            seed: 20_261_129,
        }
    }
}

/// Row counts of a generated database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub units: usize,
    pub users: usize,
    pub exams: usize,
    pub sittings: usize,
    pub assignments: usize,
    pub attempts: usize,
    pub answers: usize,
    pub results: usize,
    pub retakes: usize,
    pub events: usize,
}

/// What the benchmark needs to know about a generated database.
#[derive(Debug, Clone)]
pub struct Generated {
    pub exams: Vec<ExamId>,
    /// Candidates who sat the most exams, for the person page.
    pub people: Vec<UserId>,
    /// Every unit but the city, parents first.
    pub units: Vec<UnitId>,
    /// The first (not retake) sittings of every exam.
    pub sittings: Vec<Uuid>,
    pub counts: Counts,
    /// (exam, candidate) pairs the triggers marked stale.
    pub stale_marks: i64,
    pub secs: f64,
}

// The pure part: the unit tree, abilities, answer sheets and each exam's plan. ----------

#[derive(Debug, Clone, PartialEq)]
pub struct UnitNode {
    pub parent: Option<usize>,
    pub depth: u8,
    pub name: String,
}

const COUNTIES: [&str; 12] = [
    "上城区",
    "拱墅区",
    "西湖区",
    "滨江区",
    "萧山区",
    "余杭区",
    "临平区",
    "钱塘区",
    "富阳区",
    "临安区",
    "桐庐县",
    "淳安县",
];
const DEPARTMENTS: [&str; 24] = [
    "组织部",
    "宣传部",
    "统战部",
    "政法委",
    "发改局",
    "教育局",
    "科技局",
    "民政局",
    "司法局",
    "财政局",
    "人社局",
    "住建局",
    "交通局",
    "水利局",
    "农业农村局",
    "商务局",
    "文广旅体局",
    "卫健委",
    "应急管理局",
    "审计局",
    "市场监管局",
    "统计局",
    "医保局",
    "信访局",
];

/// The city (index 0), `counties` counties under it, and the rest: about a twelfth as
/// city departments, the others split unevenly over the counties, a third of each
/// county's share one level further down (sections of its departments). Parents always
/// come before their children.
pub fn unit_tree(units: usize, counties: usize) -> Vec<UnitNode> {
    let mut out = Vec::with_capacity(units);
    if units == 0 {
        return out;
    }
    out.push(UnitNode {
        parent: None,
        depth: 0,
        name: "示例市".to_owned(),
    });
    let counties = counties.min(units - 1);
    for k in 0..counties {
        out.push(UnitNode {
            parent: Some(0),
            depth: 1,
            name: county_name(k),
        });
    }
    let rest = units - 1 - counties;
    let city = if counties == 0 { rest } else { rest / 12 };
    for d in 0..city {
        out.push(UnitNode {
            parent: Some(0),
            depth: 1,
            name: format!("市{}", dept_name(d)),
        });
    }
    let shares = split_weighted(
        rest - city,
        &(0..counties).map(|k| 2 + k % 3).collect::<Vec<_>>(),
    );
    for (k, &share) in shares.iter().enumerate() {
        let county = 1 + k;
        let sections = if share >= 3 { share / 3 } else { 0 };
        let depts = share - sections;
        let first = out.len();
        for d in 0..depts {
            out.push(UnitNode {
                parent: Some(county),
                depth: 2,
                name: format!("{}{}", county_name(k), dept_name(d)),
            });
        }
        for s in 0..sections {
            let parent = first + s % depts;
            let name = format!("{}第{}科", out[parent].name, s / depts + 1);
            out.push(UnitNode {
                parent: Some(parent),
                depth: 3,
                name,
            });
        }
    }
    out
}

fn county_name(k: usize) -> String {
    match k / COUNTIES.len() {
        0 => COUNTIES[k].to_owned(),
        n => format!("{}{}", COUNTIES[k % COUNTIES.len()], n + 1),
    }
}

fn dept_name(d: usize) -> String {
    match d / DEPARTMENTS.len() {
        0 => DEPARTMENTS[d].to_owned(),
        n => format!("{}{}", DEPARTMENTS[d % DEPARTMENTS.len()], n + 1),
    }
}

/// Splits `total` in proportion to `weights` (largest remainder), summing exactly.
pub fn split_weighted(total: usize, weights: &[usize]) -> Vec<usize> {
    let sum: usize = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut out: Vec<usize> = weights.iter().map(|w| total * w / sum).collect();
    let mut rem: Vec<(usize, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (total * w % sum, i))
        .collect();
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let short = total - out.iter().sum::<usize>();
    for &(_, i) in rem.iter().take(short) {
        out[i] += 1;
    }
    out
}

/// `total` split into `parts` nearly equal parts (the first ones one larger).
pub fn split_even(total: usize, parts: usize) -> Vec<usize> {
    (0..parts)
        .map(|i| total / parts + usize::from(i < total % parts))
        .collect()
}

/// Uniform in [0, 1).
pub fn unit_f64(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Roughly standard normal (Irwin–Hall: twelve uniforms), deterministic and cheap.
pub fn normal(rng: &mut Rng) -> f64 {
    (0..12).map(|_| unit_f64(rng)).sum::<f64>() - 6.0
}

/// One ability per candidate: the unit's level (so units really differ in the
/// rankings) plus the person's own.
pub fn abilities(rng: &mut Rng, units: usize, per_unit: usize) -> Vec<f64> {
    let unit_level: Vec<f64> = (0..units).map(|_| 0.45 * normal(rng)).collect();
    let mut out = Vec::with_capacity(units * per_unit);
    for level in unit_level {
        for _ in 0..per_unit {
            out.push(0.9 + level + 0.9 * normal(rng));
        }
    }
    out
}

/// A paper's item difficulties: mostly easy, a few hard, shifted a little per exam.
pub fn difficulties(rng: &mut Rng, items: u32) -> Vec<f64> {
    let shift = 0.6 * unit_f64(rng) - 0.3;
    (0..items)
        .map(|_| -2.0 + 2.8 * unit_f64(rng) + shift)
        .collect()
}

/// One sat attempt: which items were right, when it started after the sitting opened,
/// how long it took, and how many integrity events it logged.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub correct: Vec<bool>,
    pub start_offset_s: i64,
    pub used_s: i64,
    pub events: u8,
}

impl Sheet {
    pub fn score(&self) -> u32 {
        self.correct.iter().filter(|c| **c).count() as u32 * ITEM_POINTS
    }

    pub fn max(&self) -> u32 {
        self.correct.len() as u32 * ITEM_POINTS
    }

    pub fn passed(&self) -> bool {
        self.score() >= threshold(self.max())
    }
}

/// The pass mark in hundredths (60 % of full marks, rounded up).
pub fn threshold(max: u32) -> u32 {
    (max * PASS_PERCENT).div_ceil(100)
}

/// Answers a paper: each item right with the logistic probability of ability minus
/// difficulty (a one-parameter IRT model, which gives item analysis something real).
pub fn sit(rng: &mut Rng, ability: f64, diff: &[f64]) -> Sheet {
    let correct: Vec<bool> = diff
        .iter()
        .map(|d| unit_f64(rng) < 1.0 / (1.0 + (d - ability).exp()))
        .collect();
    let events = match rng.range(0, 100) {
        0..=2 => 1 + rng.range(0, 3) as u8,
        _ => 0,
    };
    Sheet {
        correct,
        start_offset_s: rng.range(0, 15 * 60) as i64,
        used_s: rng.range(12 * 60, DURATION_MINUTES as u64 * 60 + 1) as i64,
        events,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Seat {
    Absent,
    Sat(Sheet),
}

impl Seat {
    fn passed(&self) -> bool {
        matches!(self, Seat::Sat(s) if s.passed())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Retake {
    None,
    /// Failed, waiting for a retake sitting (an open retake in the reports).
    Awaiting,
    /// Took (or missed) the exam's retake sitting.
    Seated(Seat),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Seating {
    /// Index into the candidates.
    pub user: usize,
    /// Which first sitting of the exam.
    pub sitting: usize,
    pub first: Seat,
    pub retake: Retake,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExamPlan {
    pub first_sittings: usize,
    pub seatings: Vec<Seating>,
}

impl ExamPlan {
    pub fn attempts(&self) -> usize {
        self.seatings
            .iter()
            .map(|s| {
                usize::from(matches!(s.first, Seat::Sat(_)))
                    + usize::from(matches!(s.retake, Retake::Seated(Seat::Sat(_))))
            })
            .sum()
    }
}

/// Who sits one exam and how it goes, until `budget` attempts are used up (or every
/// candidate has a seat): candidates in a random order, 3 % absent, failures and
/// absentees retake (a little better prepared) in just over half the cases, wait for a
/// retake sitting in one case in six, and are left alone otherwise.
pub fn plan_exam(
    rng: &mut Rng,
    abilities: &[f64],
    diff: &[f64],
    first_sittings: usize,
    budget: usize,
) -> ExamPlan {
    let n = abilities.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut seatings = Vec::new();
    let mut used = 0;
    let mut i = 0;
    while used < budget && i < n {
        // Partial Fisher–Yates: only as many draws as seats.
        let j = i + rng.range(0, (n - i) as u64) as usize;
        order.swap(i, j);
        let user = order[i];
        i += 1;
        let sitting = rng.range(0, first_sittings.max(1) as u64) as usize;
        let first = if rng.range(0, 100) < 3 {
            Seat::Absent
        } else {
            used += 1;
            Seat::Sat(sit(rng, abilities[user], diff))
        };
        let retake = if first.passed() || used >= budget {
            Retake::None
        } else {
            match rng.range(0, 100) {
                0..=54 => Retake::Seated(if rng.range(0, 100) < 10 {
                    Seat::Absent
                } else {
                    used += 1;
                    Seat::Sat(sit(rng, abilities[user] + 0.7, diff))
                }),
                55..=70 => Retake::Awaiting,
                _ => Retake::None,
            }
        };
        seatings.push(Seating {
            user,
            sitting,
            first,
            retake,
        });
    }
    ExamPlan {
        first_sittings,
        seatings,
    }
}

/// When exam `e` of `exams` sits: evenly over the year up to [`LAST_EXAM_MS`], at 09:00.
pub fn exam_start(e: usize, exams: usize) -> Timestamp {
    let last = exams.saturating_sub(1);
    // Whole days back, so every exam starts at 09:00 Shanghai time.
    let days_back = match last {
        0 => 0,
        _ => (last - e.min(last)) as i64 * SPAN_DAYS / last as i64,
    };
    Timestamp(LAST_EXAM_MS - days_back * DAY_MS)
}

const TOPICS: [&str; 10] = [
    "党内法规知识",
    "应知应会",
    "廉洁自律准则",
    "保密知识",
    "安全生产",
    "法治政府建设",
    "信访工作条例",
    "统计法律法规",
    "档案管理",
    "应急管理",
];

fn exam_title(e: usize, start: Timestamp) -> String {
    let days = start.0.div_euclid(DAY_MS);
    let (y, m, _) = civil_from_days(days);
    format!(
        "{y}年{m}月{}测试（第{}期）",
        TOPICS[e % TOPICS.len()],
        e + 1
    )
}

/// (year, month, day) of a day count since 1970-01-01 (H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宏晓东文斌海燕雪梅亮浩宇婷琳欣然思远";

fn person_name(rng: &mut Rng) -> String {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let mut name = String::new();
    name.push(s[rng.range(0, s.len() as u64) as usize]);
    for _ in 0..1 + rng.range(0, 2) {
        name.push(g[rng.range(0, g.len() as u64) as usize]);
    }
    name
}

/// The correct option of item `i` (original order; papers are not shuffled).
pub fn key_of(i: u32) -> u8 {
    ((i * 7 + 1) % OPTIONS as u32) as u8
}

// Writing it. ------------------------------------------------------------------------

/// One bound value of a multi-row insert; the same statement text runs on both
/// backends, so values carry their SQL type.
#[derive(Debug, Clone)]
enum V {
    U(Uuid),
    I(i64),
    I4(i32),
    T(String),
    B(bool),
    NullU,
    NullT,
}

/// Rows of one table, buffered and then sent as multi-row `INSERT`s of about 900 values
/// each: few statements for SQLite to step, few round trips for PostgreSQL. Foreign keys
/// are checked per statement, so a table is flushed only after the tables it points at.
struct Bulk {
    head: &'static str,
    cols: usize,
    per_stmt: usize,
    vals: Vec<V>,
}

fn values_sql(cols: usize, rows: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            s.push('$');
            s.push_str(&(r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

impl Bulk {
    fn new(head: &'static str) -> Bulk {
        let cols = head
            .split_once('(')
            .map(|(_, c)| c.split(',').count())
            .unwrap_or(1);
        Bulk {
            head,
            cols,
            per_stmt: (900 / cols).max(1),
            vals: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.cols, "{}", self.head);
        self.vals.extend(row);
    }

    async fn flush(&mut self, tx: &mut Tx) -> Result<(), String> {
        let mut vals = std::mem::take(&mut self.vals).into_iter().peekable();
        let full = format!(
            "{} VALUES {}",
            self.head,
            values_sql(self.cols, self.per_stmt)
        );
        while vals.peek().is_some() {
            let chunk: Vec<V> = vals.by_ref().take(self.per_stmt * self.cols).collect();
            let rows = chunk.len() / self.cols;
            let sql = if rows == self.per_stmt {
                full.clone()
            } else {
                format!("{} VALUES {}", self.head, values_sql(self.cols, rows))
            };
            let r: Result<(), sqlx::Error> = app::sql!(tx, |c| {
                let mut q = sqlx::query(&sql);
                for v in chunk {
                    q = match v {
                        V::U(x) => q.bind(x),
                        V::I(x) => q.bind(x),
                        V::I4(x) => q.bind(x),
                        V::T(x) => q.bind(x),
                        V::B(x) => q.bind(x),
                        V::NullU => q.bind(None::<Uuid>),
                        V::NullT => q.bind(None::<String>),
                    };
                }
                q.execute(&mut *c).await.map(|_| ())
            });
            r.map_err(|e| format!("{}: {e}", self.head))?;
        }
        Ok(())
    }
}

fn dbg_err<E: std::fmt::Debug>(what: &'static str) -> impl FnOnce(E) -> String {
    move |e| format!("{what}: {e:?}")
}

async fn admin(state: &AppState) -> Result<Authed, String> {
    let mut c = state.db.read().await.map_err(dbg_err("read"))?;
    let creds = accounts::credentials(&mut c, ADMIN_LOGIN)
        .await
        .map_err(dbg_err("admin"))?
        .ok_or("admin missing")?;
    let user = accounts::get_user(&mut c, creds.id)
        .await
        .map_err(dbg_err("admin"))?
        .ok_or("admin missing")?;
    let scope = accounts::root_unit(&mut c)
        .await
        .map_err(dbg_err("root unit"))?
        .ok_or("root unit missing")?;
    Ok(Authed {
        token_hash: String::new(),
        user,
        scope,
    })
}

/// One generated exam as its rows need it.
struct ExamRows {
    id: ExamId,
    title: String,
    paper: String,
    content: String,
    shapes: String,
}

/// The bank, its questions and `spec.exams` exams, through the services.
async fn author(state: &AppState, admin: &Authed, spec: &GenSpec) -> Result<Vec<ExamRows>, String> {
    let bank_id = bank::create_bank(state, admin, ADDR, "报表基准题库", None)
        .await
        .map_err(dbg_err("bank"))?;
    let mut questions: Vec<(QuestionId, QuestionDraft)> = Vec::new();
    for i in 0..spec.items {
        let topic = TOPICS[i as usize % TOPICS.len()];
        let draft = QuestionDraft {
            qtype: QuestionType::Single,
            stem: format!("第{}题：关于{topic}，下列说法中正确的是哪一项？", i + 1),
            options: (0..OPTIONS)
                .map(|k| format!("{topic}的第{}种表述（{}）", k + 1, i + 1))
                .collect(),
            key: KeyForm::Choice(vec![usize::from(key_of(i))]),
            explanation: String::new(),
            category: vec![topic.to_owned()],
            difficulty: 3,
            tags: Vec::new(),
            points: Points(ITEM_POINTS),
            image: None,
        };
        let id = bank::create_question(
            state,
            admin,
            ADDR,
            bank_id,
            draft.clone(),
            QuestionStatus::Active,
        )
        .await
        .map_err(dbg_err("question"))?;
        questions.push((id, draft));
    }
    let mut versions = Vec::with_capacity(questions.len());
    {
        let mut c = state.db.read().await.map_err(dbg_err("read"))?;
        for (id, _) in &questions {
            let v: Uuid = app::sql!(&mut c, |c| sqlx::query_scalar(
                "SELECT current_version_id FROM questions WHERE id = $1"
            )
            .bind(id.0)
            .fetch_one(&mut *c)
            .await)
            .map_err(dbg_err("version"))?;
            versions.push(VersionId(v));
        }
    }
    let section = "单项选择题".to_owned();
    let paper: Vec<DrawnItem> = questions
        .iter()
        .zip(&versions)
        .map(|((q, _), v)| DrawnItem {
            section: 0,
            question_id: *q,
            version_id: *v,
            points: Points(ITEM_POINTS),
            option_order: (0..OPTIONS as u8).collect(),
        })
        .collect();
    let content: Vec<AttemptItem> = questions
        .iter()
        .map(|(_, d)| AttemptItem {
            section_title: section.clone(),
            question: PaperQuestion {
                qtype: d.qtype,
                stem: d.stem.clone(),
                options: d.options.clone(),
                blanks: 0,
                points: d.points,
                image: None,
            },
        })
        .collect();
    let shapes: Vec<ItemShape> = questions
        .iter()
        .map(|_| ItemShape {
            qtype: QuestionType::Single,
            options: OPTIONS as u8,
            blanks: 0,
        })
        .collect();
    let json = |r: serde_json::Result<String>| r.map_err(|e| format!("paper JSON: {e}"));
    let paper = json(serde_json::to_string(&paper))?;
    let content = json(serde_json::to_string(&content))?;
    let shapes = json(serde_json::to_string(&shapes))?;
    let ids: Vec<QuestionId> = questions.iter().map(|(q, _)| *q).collect();
    let mut out = Vec::with_capacity(spec.exams);
    for e in 0..spec.exams {
        let title = exam_title(e, exam_start(e, spec.exams));
        let id = papers::create_exam(state, admin, ADDR, bank_id, &title)
            .await
            .map_err(dbg_err("exam"))?;
        papers::save_settings(
            state,
            admin,
            ADDR,
            Lang::ZhCn,
            id,
            ExamSettings {
                title: title.clone(),
                instructions: "闭卷作答，独立完成。".to_owned(),
                duration_minutes: DURATION_MINUTES as u32,
                pass_mark: PassMark::Percent(PASS_PERCENT as u8),
                shuffle_questions: false,
                shuffle_options: false,
                ..ExamSettings::default()
            },
        )
        .await
        .map_err(dbg_err("exam settings"))?;
        papers::edit_sections(
            state,
            admin,
            ADDR,
            Lang::ZhCn,
            id,
            SectionEdit::AddSection(section.clone()),
        )
        .await
        .map_err(dbg_err("section"))?;
        papers::edit_sections(
            state,
            admin,
            ADDR,
            Lang::ZhCn,
            id,
            SectionEdit::AddFixed(0, ids.clone(), Points(ITEM_POINTS)),
        )
        .await
        .map_err(dbg_err("fixed questions"))?;
        out.push(ExamRows {
            id,
            title,
            paper: paper.clone(),
            content: content.clone(),
            shapes: shapes.clone(),
        });
    }
    Ok(out)
}

/// The unit tree and its candidates, in one transaction.
async fn people(
    state: &AppState,
    root: &app::accounts::repo::UnitRow,
    spec: &GenSpec,
    rng: &mut Rng,
    counts: &mut Counts,
) -> Result<(Vec<UnitId>, Vec<UserId>), String> {
    let tree = unit_tree(spec.units, spec.counties);
    let hash = state.hasher.hash(CANDIDATE_PASSWORD.to_owned()).await;
    let now = SystemClock.now();
    let mut tx = state.db.begin().await.map_err(dbg_err("begin"))?;
    // Index 0 is the city: the existing top unit.
    let mut ids: Vec<UnitId> = vec![root.id];
    let mut paths: Vec<String> = vec![root.path.clone()];
    for (i, node) in tree.iter().enumerate().skip(1) {
        let parent = node.parent.unwrap_or(0);
        let id = UnitId(Uuid::new_v4());
        let path = unit_path(Some(&paths[parent]), id);
        accounts::insert_unit(
            &mut tx,
            id,
            &format!("RPT{i:04}"),
            &node.name,
            Some(ids[parent]),
            &path,
            now,
        )
        .await
        .map_err(dbg_err("unit"))?;
        ids.push(id);
        paths.push(path);
        counts.units += 1;
    }
    let mut users = Vec::with_capacity(tree.len() * spec.per_unit);
    for (u, unit) in ids.iter().enumerate() {
        for k in 0..spec.per_unit {
            let id = UserId(Uuid::new_v4());
            let login = format!("r{u:04}p{k:03}");
            let name = person_name(rng);
            accounts::insert_user(
                &mut tx,
                &NewUser {
                    id,
                    login: &login,
                    display_name: &name,
                    unit_id: *unit,
                    scope_unit_id: None,
                    roles: Roles {
                        candidate: true,
                        ..Default::default()
                    },
                    rank_tag: None,
                    password_hash: &hash,
                    must_change_password: false,
                    now,
                },
            )
            .await
            .map_err(dbg_err("user"))?;
            users.push(id);
            counts.users += 1;
        }
    }
    tx.commit().await.map_err(dbg_err("commit"))?;
    Ok((ids[1..].to_vec(), users))
}

const ATTEMPT_HEAD: &str = "INSERT INTO attempts (id, sitting_id, user_id, exam_id, status, \
    started_at, deadline, content, paper, shapes, session_hash, current_pos, last_save_at, \
    submitted_at, submit_reason, max_score, score, threshold, passed, item_points, \
    rules_version, regrade_count, graded_at)";

/// The tables one exam's past writes to.
struct Tables {
    sittings: Bulk,
    assignments: Bulk,
    attempts: Bulk,
    answers: Bulk,
    events: Bulk,
    results: Bulk,
    retakes: Bulk,
}

impl Tables {
    fn new() -> Tables {
        Tables {
            sittings: Bulk::new(
                "INSERT INTO sittings (id, exam_id, name, window_start, window_end, mode, \
                 late_entry_minutes, capacity, location, is_retake, created_by, created_at, \
                 updated_at, closed_at)",
            ),
            assignments: Bulk::new(
                "INSERT INTO assignments (sitting_id, user_id, window_start, window_end, \
                 extra_minutes, extra_percent, accommodation_reason, paper, assigned_by, assigned_at)",
            ),
            attempts: Bulk::new(ATTEMPT_HEAD),
            answers: Bulk::new(
                "INSERT INTO attempt_answers (attempt_id, position, response, flagged, seq, saved_at)",
            ),
            events: Bulk::new(
                "INSERT INTO attempt_events (id, attempt_id, at, kind, detail)",
            ),
            results: Bulk::new(
                "INSERT INTO sitting_results (sitting_id, user_id, exam_id, outcome, decided_at)",
            ),
            retakes: Bulk::new(
                "INSERT INTO retakes (id, exam_id, user_id, round, source_sitting_id, case_id, \
                 sitting_id, not_before, state, warning, created_at, updated_at)",
            ),
        }
    }

    /// Parents before children: sittings, then assignments and attempts, then the rest.
    async fn flush(&mut self, tx: &mut Tx) -> Result<(), String> {
        self.sittings.flush(tx).await?;
        self.assignments.flush(tx).await?;
        self.attempts.flush(tx).await?;
        self.answers.flush(tx).await?;
        self.events.flush(tx).await?;
        self.results.flush(tx).await?;
        self.retakes.flush(tx).await
    }
}

struct SittingRow {
    id: Uuid,
    start: Timestamp,
    end: Timestamp,
    closed: Timestamp,
}

impl SittingRow {
    fn new(start: Timestamp, hours: i64) -> SittingRow {
        let end = Timestamp(start.0 + hours * 3_600_000);
        SittingRow {
            id: Uuid::new_v4(),
            start,
            end,
            closed: Timestamp(end.0 + 10 * MINUTE_MS),
        }
    }
}

/// Writes one exam's plan: its sittings (first sittings, and a retake sitting two weeks
/// later if anyone retook), seats, attempts with answers and events, results, retakes.
#[allow(clippy::too_many_arguments)]
async fn write_exam(
    tx: &mut Tx,
    spec: &GenSpec,
    exam: &ExamRows,
    e: usize,
    plan: &ExamPlan,
    users: &[UserId],
    admin: UserId,
    rng: &mut Rng,
    counts: &mut Counts,
) -> Result<Vec<Uuid>, String> {
    let mut t = Tables::new();
    let start = exam_start(e, spec.exams);
    let firsts: Vec<SittingRow> = (0..plan.first_sittings)
        .map(|s| SittingRow::new(Timestamp(start.0 + s as i64 * 29 * 3_600_000), 2))
        .collect();
    let retake = SittingRow::new(Timestamp(start.0 + 14 * DAY_MS + 5 * 3_600_000), 2);
    let needs_retake = plan
        .seatings
        .iter()
        .any(|s| matches!(s.retake, Retake::Seated(_)));
    let mut sittings: Vec<(&SittingRow, String, bool)> = firsts
        .iter()
        .enumerate()
        .map(|(i, s)| (s, format!("第{}场", i + 1), false))
        .collect();
    if needs_retake {
        sittings.push((&retake, "补考".to_owned(), true));
    }
    for (s, name, is_retake) in &sittings {
        t.sittings.push(vec![
            V::U(s.id),
            V::U(exam.id.0),
            V::T(name.clone()),
            V::I(s.start.0),
            V::I(s.end.0),
            V::T("flexible".into()),
            V::I4(15),
            V::I4(5000),
            V::T("市委党校机房".into()),
            V::B(*is_retake),
            V::U(admin.0),
            V::I(s.start.0 - 20 * DAY_MS),
            V::I(s.closed.0),
            V::I(s.closed.0),
        ]);
        counts.sittings += 1;
    }
    let max = spec.items as i32 * ITEM_POINTS as i32;
    let pass_at = threshold(max as u32) as i32;
    for seating in &plan.seatings {
        let user = users[seating.user];
        let mut seats: Vec<(&SittingRow, &Seat)> = vec![(&firsts[seating.sitting], &seating.first)];
        if let Retake::Seated(seat) = &seating.retake {
            seats.push((&retake, seat));
        }
        for (s, seat) in seats {
            t.assignments.push(vec![
                V::U(s.id),
                V::U(user.0),
                V::I(s.start.0),
                V::I(s.end.0),
                V::I4(0),
                V::I4(0),
                V::T(String::new()),
                V::T(exam.paper.clone()),
                V::U(admin.0),
                V::I(s.start.0 - 14 * DAY_MS),
            ]);
            counts.assignments += 1;
            let outcome = match seat {
                Seat::Absent => "absent",
                Seat::Sat(sheet) => {
                    let id = Uuid::new_v4();
                    let started = s.start.0 + sheet.start_offset_s * 1000;
                    let deadline = started + DURATION_MINUTES * MINUTE_MS;
                    let submitted = started + sheet.used_s * 1000;
                    let by_deadline = submitted >= deadline;
                    let points: Vec<u32> = sheet
                        .correct
                        .iter()
                        .map(|c| if *c { ITEM_POINTS } else { 0 })
                        .collect();
                    let passed = sheet.score() as i32 >= pass_at;
                    t.attempts.push(vec![
                        V::U(id),
                        V::U(s.id),
                        V::U(user.0),
                        V::U(exam.id.0),
                        V::T("submitted".into()),
                        V::I(started),
                        V::I(deadline),
                        V::T(exam.content.clone()),
                        V::T(exam.paper.clone()),
                        V::T(exam.shapes.clone()),
                        V::NullT,
                        V::I4(spec.items as i32 - 1),
                        V::I(submitted),
                        V::I(submitted),
                        V::T(if by_deadline { "deadline" } else { "candidate" }.into()),
                        V::I4(max),
                        V::I4(sheet.score() as i32),
                        V::I4(pass_at),
                        V::B(passed),
                        V::T(serde_json::to_string(&points).unwrap_or_default()),
                        V::I4(app::grading::domain::GRADING_RULES_VERSION),
                        V::I4(0),
                        V::I(submitted),
                    ]);
                    counts.attempts += 1;
                    if spec.answers {
                        for (i, right) in sheet.correct.iter().enumerate() {
                            let key = key_of(i as u32);
                            let choice = if *right {
                                key
                            } else {
                                (key + 1 + rng.range(0, OPTIONS as u64 - 1) as u8) % OPTIONS as u8
                            };
                            let at = started
                                + (submitted - started) * (i as i64 + 1)
                                    / (sheet.correct.len() as i64 + 1);
                            t.answers.push(vec![
                                V::U(id),
                                V::I4(i as i32),
                                V::T(format!("{{\"Choice\":[{choice}]}}")),
                                V::B(false),
                                V::I(1),
                                V::I(at),
                            ]);
                            counts.answers += 1;
                        }
                    }
                    for k in 0..sheet.events {
                        let kind = ["tab_hidden", "window_blur", "copy"][k as usize % 3];
                        t.events.push(vec![
                            V::U(Uuid::new_v4()),
                            V::U(id),
                            V::I(started + (k as i64 + 1) * 5 * MINUTE_MS),
                            V::T(kind.into()),
                            V::T(String::new()),
                        ]);
                        counts.events += 1;
                    }
                    if passed {
                        "passed"
                    } else {
                        "failed"
                    }
                }
            };
            t.results.push(vec![
                V::U(s.id),
                V::U(user.0),
                V::U(exam.id.0),
                V::T(outcome.into()),
                V::I(s.closed.0),
            ]);
            counts.results += 1;
        }
        let source = &firsts[seating.sitting];
        let not_before = source.closed.0 + 3 * DAY_MS;
        let (state, sitting) = match &seating.retake {
            Retake::None => continue,
            Retake::Awaiting => ("awaiting", V::NullU),
            Retake::Seated(_) => ("sat", V::U(retake.id)),
        };
        t.retakes.push(vec![
            V::U(Uuid::new_v4()),
            V::U(exam.id.0),
            V::U(user.0),
            V::I4(1),
            V::U(source.id),
            V::NullU,
            sitting,
            V::I(not_before),
            V::T(state.into()),
            V::NullT,
            V::I(source.closed.0),
            V::I(if state == "sat" {
                retake.closed.0
            } else {
                source.closed.0
            }),
        ]);
        counts.retakes += 1;
    }
    t.flush(tx).await?;
    Ok(firsts.iter().map(|s| s.id).collect())
}

/// Generates everything into the database at `db_url` (empty, or one that only holds
/// the load-test fixture) and closes it again.
pub async fn generate(db_url: &str, spec: &GenSpec) -> Result<Generated, String> {
    let t0 = Instant::now();
    let config = server::config::Config::resolve(None, &crate::fixture::server_env(db_url))
        .map_err(|e| format!("configuration: {e}"))?;
    let state = server::build_state(&config, Arc::new(SystemClock))
        .await
        .map_err(|e| format!("open {db_url}: {e}"))?;
    let result = fill(&state, spec, t0).await;
    state.db.close().await;
    result
}

async fn fill(state: &AppState, spec: &GenSpec, t0: Instant) -> Result<Generated, String> {
    server::seed::create_admin(
        state,
        ADMIN_LOGIN,
        "报表管理员",
        ADMIN_PASSWORD,
        Some(("RPT-CITY", "示例市")),
    )
    .await
    .map_err(|e| format!("create admin: {e}"))?;
    let admin = admin(state).await?;
    let mut rng = Rng::new(spec.seed);
    let mut counts = Counts::default();
    let exams = author(state, &admin, spec).await?;
    counts.exams = exams.len();
    eprintln!(
        "  bank, {} questions and {} exams through the services: {:.1} s",
        spec.items,
        exams.len(),
        t0.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let (units, users) = people(state, &admin.scope, spec, &mut rng, &mut counts).await?;
    eprintln!(
        "  {} units and {} candidates: {:.1} s",
        counts.units + 1,
        users.len(),
        t.elapsed().as_secs_f64()
    );
    let abilities = abilities(&mut rng, units.len() + 1, spec.per_unit);
    let budgets = split_even(spec.attempts, exams.len().max(1));
    let mut sat: HashMap<usize, usize> = HashMap::new();
    let mut sittings = Vec::new();
    let t = Instant::now();
    for (e, exam) in exams.iter().enumerate() {
        let diff = difficulties(&mut rng, spec.items);
        let first_sittings = if e % 5 == 1 || e % 5 == 3 { 2 } else { 1 };
        let plan = plan_exam(&mut rng, &abilities, &diff, first_sittings, budgets[e]);
        for s in &plan.seatings {
            *sat.entry(s.user).or_default() += 1;
        }
        let before = counts.attempts;
        let mut tx = state.db.begin().await.map_err(dbg_err("begin"))?;
        let firsts = write_exam(
            &mut tx,
            spec,
            exam,
            e,
            &plan,
            &users,
            admin.user.id,
            &mut rng,
            &mut counts,
        )
        .await
        .map_err(|m| format!("exam {}: {m}", exam.title))?;
        sittings.extend(firsts);
        tx.commit().await.map_err(dbg_err("commit"))?;
        if counts.attempts - before != plan.attempts() {
            return Err(format!(
                "exam {}: {} attempts written, {} planned",
                exam.title,
                counts.attempts - before,
                plan.attempts()
            ));
        }
        if (e + 1) % 10 == 0 || e + 1 == exams.len() {
            eprintln!(
                "  {} of {} exams, {} attempts, {} answers: {:.1} s",
                e + 1,
                exams.len(),
                counts.attempts,
                counts.answers,
                t.elapsed().as_secs_f64()
            );
        }
    }
    let mut by_count: Vec<(usize, usize)> = sat.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let people: Vec<UserId> = by_count.iter().take(20).map(|(u, _)| users[*u]).collect();
    let stale_marks = {
        let mut c = state.db.read().await.map_err(dbg_err("read"))?;
        stale_count(&mut c).await?
    };
    Ok(Generated {
        exams: exams.iter().map(|e| e.id).collect(),
        people,
        units,
        sittings,
        counts,
        stale_marks,
        secs: t0.elapsed().as_secs_f64(),
    })
}

/// Marks waiting in `report_stale`.
pub async fn stale_count(ex: &mut impl app::db::Exec) -> Result<i64, String> {
    app::sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM report_stale"
    )
    .fetch_one(&mut *c)
    .await)
    .map_err(|e| format!("count report_stale: {e}"))
}

/// A small connection to a database the server is running on (both backends).
pub async fn open_db(db_url: &str) -> Result<Db, String> {
    Db::connect(&app::db::DbOptions {
        url: db_url.to_owned(),
        sqlite_synchronous: app::db::SqliteSync::Full,
        max_connections: 2,
    })
    .await
    .map_err(|e| format!("open {db_url}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_tree_has_exactly_the_units_asked_for_with_parents_first() {
        for (units, counties) in [
            (500, 12),
            (1, 12),
            (2, 12),
            (13, 12),
            (40, 12),
            (1000, 12),
            (500, 0),
            (7, 3),
        ] {
            let tree = unit_tree(units, counties);
            assert_eq!(tree.len(), units, "{units} units, {counties} counties");
            for (i, n) in tree.iter().enumerate() {
                match n.parent {
                    None => assert_eq!(i, 0),
                    Some(p) => {
                        assert!(p < i, "parent {p} after child {i}");
                        assert_eq!(n.depth, tree[p].depth + 1);
                    }
                }
                assert!(n.depth <= 3);
            }
        }
    }

    #[test]
    fn five_hundred_units_are_a_city_twelve_counties_and_three_levels_below() {
        let tree = unit_tree(500, 12);
        let at = |d: u8| tree.iter().filter(|n| n.depth == d).count();
        assert_eq!(at(0), 1);
        assert_eq!(
            tree.iter().filter(|n| n.parent == Some(0)).count(),
            12 + 487 / 12
        );
        assert!(at(2) > 250, "county departments: {}", at(2));
        assert!(at(3) > 100, "sections: {}", at(3));
        assert_eq!(at(0) + at(1) + at(2) + at(3), 500);
    }

    #[test]
    fn weighted_and_even_splits_add_up_to_the_total() {
        for total in [0, 1, 7, 487, 100_000] {
            assert_eq!(
                split_weighted(total, &[2, 3, 4, 2, 3])
                    .iter()
                    .sum::<usize>(),
                total
            );
            assert_eq!(split_even(total, 50).iter().sum::<usize>(), total);
        }
        assert_eq!(split_even(100_000, 50), vec![2000; 50]);
        assert_eq!(split_even(7, 3), vec![3, 2, 2]);
    }

    #[test]
    fn scores_stay_within_full_marks_and_most_candidates_pass() {
        let mut rng = Rng::new(7);
        let ab = abilities(&mut rng, 100, 20);
        let diff = difficulties(&mut rng, 20);
        let mut passed = 0;
        for a in &ab {
            let s = sit(&mut rng, *a, &diff);
            assert!(s.score() <= s.max());
            assert_eq!(s.max(), 20 * ITEM_POINTS);
            assert_eq!(s.passed(), s.score() >= 6000);
            assert!((12 * 60..=3600).contains(&s.used_s));
            passed += usize::from(s.passed());
        }
        let rate = passed as f64 / ab.len() as f64;
        assert!((0.65..0.97).contains(&rate), "pass rate {rate}");
    }

    #[test]
    fn an_exam_plan_uses_its_attempt_budget_exactly_and_seats_each_candidate_once() {
        let mut rng = Rng::new(11);
        let ab = abilities(&mut rng, 500, 20);
        let diff = difficulties(&mut rng, 20);
        let plan = plan_exam(&mut rng, &ab, &diff, 2, 2000);
        assert_eq!(plan.attempts(), 2000);
        let mut seen = std::collections::HashSet::new();
        for s in &plan.seatings {
            assert!(seen.insert(s.user), "candidate {} seated twice", s.user);
            assert!(s.sitting < 2);
            if s.first.passed() {
                assert_eq!(s.retake, Retake::None);
            }
        }
        let absent = plan
            .seatings
            .iter()
            .filter(|s| s.first == Seat::Absent)
            .count();
        assert!(absent > 20 && absent < 150, "{absent} absent");
        assert!(plan
            .seatings
            .iter()
            .any(|s| matches!(s.retake, Retake::Seated(Seat::Sat(_)))));
        assert!(plan.seatings.iter().any(|s| s.retake == Retake::Awaiting));
    }

    #[test]
    fn a_budget_larger_than_the_candidates_seats_everyone_once() {
        let mut rng = Rng::new(3);
        let ab = abilities(&mut rng, 2, 5);
        let diff = difficulties(&mut rng, 20);
        let plan = plan_exam(&mut rng, &ab, &diff, 1, 1000);
        assert_eq!(plan.seatings.len(), 10);
        assert!(plan.attempts() <= 20);
    }

    #[test]
    fn the_same_seed_gives_the_same_answers() {
        let run = |seed| {
            let mut rng = Rng::new(seed);
            let ab = abilities(&mut rng, 10, 20);
            let diff = difficulties(&mut rng, 20);
            plan_exam(&mut rng, &ab, &diff, 1, 150)
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5), run(6));
    }

    #[test]
    fn exams_spread_over_the_year_before_the_anchor_at_nine_in_the_morning() {
        assert_eq!(exam_start(49, 50).0, LAST_EXAM_MS);
        assert_eq!(exam_start(0, 50).0, LAST_EXAM_MS - SPAN_DAYS * DAY_MS);
        for e in 0..50 {
            assert_eq!((exam_start(e, 50).0 - LAST_EXAM_MS).rem_euclid(DAY_MS), 0);
        }
        assert_eq!(exam_start(0, 1).0, LAST_EXAM_MS);
        // The anchor is 2026-11-05 and the first exam lands in December 2025.
        assert_eq!(civil_from_days(LAST_EXAM_MS / DAY_MS), (2026, 11, 5));
        assert_eq!(civil_from_days(exam_start(0, 50).0 / DAY_MS), (2025, 12, 5));
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn multi_row_inserts_number_their_placeholders_in_order() {
        assert_eq!(values_sql(2, 2), "($1,$2),($3,$4)");
        let b = Bulk::new(ATTEMPT_HEAD);
        assert_eq!(b.cols, 23);
        assert_eq!(b.per_stmt, 39);
    }

    #[test]
    fn answer_keys_use_every_option() {
        let keys: std::collections::HashSet<u8> = (0..20).map(key_of).collect();
        assert_eq!(keys.len(), OPTIONS);
    }
}
