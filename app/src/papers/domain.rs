//! Pure rules of papers: draw validation with exact shortfalls, seeded draws and shuffles, totals.
//!
//! No IO, no clock and no randomness other than the seed a caller passes: the same plan,
//! pool and seed always give the same paper, so a candidate's paper can be regenerated or
//! audited from its seed.
//!
//! # How rules share the pool
//!
//! A question can match several rules (a rule on 党章党规 / 单选 / 难度3 and one on
//! 党章党规 / 单选 / any difficulty both match a difficulty-3 single-choice question in that
//! category). It must never be counted, or drawn, twice. Validation and the draw therefore
//! allocate in the same order:
//!
//! 1. fixed questions first: a question placed by hand is never drawn by a rule;
//! 2. then rules most specific first: a rule with a difficulty before any rule without
//!    one, then a deeper category before a shallower one, then "any category"; ties keep
//!    the paper's order (section, then rule).
//!
//! A rule's `have` (reported in a [`Shortfall`]) is what is left for it after the fixed
//! questions and the more specific rules: its matching questions minus, for every rule
//! allocated before it, `min(that rule's count, questions the two rules share)`.
//!
//! When rules are nested or disjoint (the usual case: categories form a tree, and a rule
//! with a difficulty is narrower than the same rule without one), that subtraction is
//! exactly what the earlier rules take from this one, so validation passes iff the rules
//! can be satisfied at all. When two rules cross (a deeper category with any difficulty
//! against a shallower category with a set difficulty), how many shared questions the
//! earlier rule takes depends on the seed; counting the worst case keeps the guarantee
//! that a validated plan is met by every draw, at the price of occasionally asking the
//! organizer for a few more questions than a lucky draw would need.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::FieldProblem;
use crate::i18n::{Lang, Msg};
use crate::question_bank::model::{CategoryId, Points, QuestionId, QuestionType, VersionId};

use super::model::{DrawRule, ExamSettings, FixedItem, PassMark, SectionSpec, Shortfall};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DURATION_MINUTES: u32 = 1440;
pub const MAX_INSTRUCTIONS_CHARS: usize = 5_000;
pub const MAX_RETAKES: u32 = 10;
pub const MAX_RETAKE_WAIT_DAYS: u32 = 365;
pub const MAX_CASE_DUE_DAYS: u32 = 365;
pub const MAX_UNIT_ESCALATION: u32 = 100;
pub const MAX_UNIT_MIN_CANDIDATES: u32 = 10_000;
pub const MAX_RULE_COUNT: u32 = 500;
pub const MAX_SECTION_TITLE_CHARS: usize = 200;

/// An active question of a bank, as the draw sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolQuestion {
    pub id: QuestionId,
    /// The version a paper uses: the current one, or the one a fixed item pinned.
    pub version_id: VersionId,
    /// Ancestors from the root down to the question's own category; empty if
    /// uncategorised.
    pub category_path: Vec<CategoryId>,
    pub qtype: QuestionType,
    pub difficulty: u8,
    pub option_count: u8,
}

impl PoolQuestion {
    /// Whether the question may be drawn by `rule`: same type, in the rule's category
    /// or below it, and of the rule's difficulty.
    pub fn matches(&self, rule: &DrawRule) -> bool {
        self.qtype == rule.qtype
            && rule
                .category
                .is_none_or(|c| self.category_path.contains(&c))
            && rule.difficulty.is_none_or(|d| self.difficulty == d)
    }
}

/// A paper whose sections passed validation against a pool: every draw from it with the
/// same pool meets every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperPlan {
    pub sections: Vec<SectionSpec>,
    /// Every rule as (section, rule) indices, in allocation order (most specific first).
    pub rule_order: Vec<(usize, usize)>,
    pub total_points: Points,
    pub question_count: u32,
}

/// One question of a candidate's paper, as stored with the assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawnItem {
    /// Index of the section in the paper.
    pub section: u32,
    pub question_id: QuestionId,
    pub version_id: VersionId,
    pub points: Points,
    /// `option_order[shown] = original`: a permutation of `0..option_count`; the identity
    /// when options are not shuffled or the type shows no options.
    pub option_order: Vec<u8>,
}

/// Everything wrong with a paper's sections. Shortfalls are kept apart because their
/// wording depends on the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaperProblems {
    pub problems: Vec<FieldProblem>,
    pub shortfalls: Vec<Shortfall>,
}

impl PaperProblems {
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty() && self.shortfalls.is_empty()
    }

    /// All problems as form problems; a shortfall's detail is its line in `lang`.
    pub fn into_field_problems(self, lang: Lang) -> Vec<FieldProblem> {
        let shortfalls = self
            .shortfalls
            .iter()
            .map(|s| FieldProblem::with_detail("rules", Msg::ErrShortfall, s.describe(lang)));
        let mut out = self.problems;
        out.extend(shortfalls);
        out
    }
}

fn too_long(field: &str, text: &str, max: usize) -> Option<FieldProblem> {
    (text.chars().count() > max)
        .then(|| FieldProblem::with_detail(field, Msg::ErrTooLong, max.to_string()))
}

/// Checks an exam's settings on their own. That a pass mark in points does not exceed the
/// paper's total can only be checked with the plan (see [`PaperPlan::total_points`]).
pub fn validate_settings(s: &ExamSettings) -> Vec<FieldProblem> {
    let mut errs = Vec::new();
    let title = s.title.trim();
    if title.is_empty() {
        errs.push(FieldProblem::new("title", Msg::ErrRequired));
    }
    errs.extend(too_long("title", title, MAX_TITLE_CHARS));
    if !(1..=MAX_DURATION_MINUTES).contains(&s.duration_minutes) {
        errs.push(FieldProblem::new("duration_minutes", Msg::ErrDurationRange));
    }
    match s.pass_mark {
        PassMark::Percent(p) if !(1..=100).contains(&p) => {
            errs.push(FieldProblem::new("pass_mark", Msg::ErrPassPercentRange))
        }
        PassMark::Points(Points(0)) => {
            errs.push(FieldProblem::new("pass_mark", Msg::ErrPassPointsZero))
        }
        _ => {}
    }
    errs.extend(too_long(
        "instructions",
        s.instructions.trim(),
        MAX_INSTRUCTIONS_CHARS,
    ));
    if s.retake_count > MAX_RETAKES {
        errs.push(FieldProblem::new("retake_count", Msg::ErrRetakeCountRange));
    }
    if s.retake_min_wait_days > MAX_RETAKE_WAIT_DAYS {
        errs.push(FieldProblem::new(
            "retake_min_wait_days",
            Msg::ErrRetakeWaitRange,
        ));
    }
    if !(1..=MAX_CASE_DUE_DAYS).contains(&s.case_due_days) {
        errs.push(FieldProblem::new("case_due_days", Msg::ErrCaseDueRange));
    }
    if s.unit_escalation_bottom > MAX_UNIT_ESCALATION {
        errs.push(FieldProblem::new(
            "unit_escalation_bottom",
            Msg::ErrUnitEscalationRange,
        ));
    }
    if !(1..=MAX_UNIT_MIN_CANDIDATES).contains(&s.unit_escalation_min_candidates) {
        errs.push(FieldProblem::new(
            "unit_escalation_min_candidates",
            Msg::ErrUnitMinRange,
        ));
    }
    errs.extend(too_long(
        "interviewer_login",
        s.interviewer_login.trim(),
        64,
    ));
    errs
}

fn points_valid(p: Points) -> bool {
    p > Points(0) && p <= Points::MAX
}

/// "section 2, rule 3" in the paper's own terms (1-based), for a problem's detail.
fn rule_locator(sections: &[SectionSpec], s: usize, r: usize) -> String {
    let title = sections[s].title.trim();
    if title.is_empty() {
        format!("{} · {}", s + 1, r + 1)
    } else {
        format!("{title} · {}", r + 1)
    }
}

/// The allocation order of the rules (see the module comment). `depth` is the number of
/// categories from the root to the rule's category, found from the pool; a category no
/// pool question is in matches nothing, so its place in the order does not matter.
fn allocation_order(
    sections: &[SectionSpec],
    pool: &[PoolQuestion],
    eligible: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut depth: HashMap<CategoryId, usize> = HashMap::new();
    for q in pool {
        for (i, c) in q.category_path.iter().enumerate() {
            depth.entry(*c).or_insert(i + 1);
        }
    }
    let mut order: Vec<(usize, usize)> = sections
        .iter()
        .enumerate()
        .flat_map(|(s, sec)| (0..sec.rules.len()).map(move |r| (s, r)))
        .filter(|&(s, r)| eligible(s, r))
        .collect();
    // A stable sort keeps the paper's order among equally specific rules.
    order.sort_by_key(|&(s, r)| {
        let rule = &sections[s].rules[r];
        let d = rule
            .category
            .map(|c| depth.get(&c).copied().unwrap_or(usize::MAX))
            .unwrap_or(0);
        (
            std::cmp::Reverse(rule.difficulty.is_some()),
            std::cmp::Reverse(d),
        )
    });
    order
}

/// Checks a paper's sections against the pool it draws from and, if they can always be
/// met, returns the plan with its totals. `category_names` gives a category's path for
/// shortfall lines.
pub fn validate_sections(
    sections: &[SectionSpec],
    pool: &[PoolQuestion],
    category_names: &dyn Fn(CategoryId) -> String,
) -> Result<PaperPlan, PaperProblems> {
    let mut out = PaperProblems::default();
    let has_items = sections
        .iter()
        .any(|s| !s.fixed.is_empty() || !s.rules.is_empty());
    if !has_items {
        out.problems
            .push(FieldProblem::new("sections", Msg::ErrPaperEmpty));
        return Err(out);
    }

    let in_pool: HashSet<QuestionId> = pool.iter().map(|q| q.id).collect();
    let mut fixed: HashSet<QuestionId> = HashSet::new();
    let mut total = 0u64;
    let mut count = 0u64;
    for section in sections {
        out.problems.extend(too_long(
            "section",
            section.title.trim(),
            MAX_SECTION_TITLE_CHARS,
        ));
        for item in &section.fixed {
            let id = item.question_id.to_string();
            if !in_pool.contains(&item.question_id) {
                out.problems.push(FieldProblem::with_detail(
                    "fixed",
                    Msg::ErrFixedNotInPool,
                    id.clone(),
                ));
            }
            if !fixed.insert(item.question_id) {
                out.problems.push(FieldProblem::with_detail(
                    "fixed",
                    Msg::ErrFixedRepeated,
                    id,
                ));
            }
            if !points_valid(item.points) {
                out.problems.push(FieldProblem::with_detail(
                    "fixed",
                    Msg::ErrPointsInvalid,
                    item.question_id.to_string(),
                ));
            }
            total += u64::from(item.points.0);
            count += 1;
        }
    }

    let count_ok = |rule: &DrawRule| (1..=MAX_RULE_COUNT).contains(&rule.count);
    for (s, section) in sections.iter().enumerate() {
        for (r, rule) in section.rules.iter().enumerate() {
            let at = || rule_locator(sections, s, r);
            if !count_ok(rule) {
                out.problems.push(FieldProblem::with_detail(
                    "rules",
                    Msg::ErrRuleCountRange,
                    at(),
                ));
            }
            if rule.difficulty.is_some_and(|d| !(1..=5).contains(&d)) {
                out.problems.push(FieldProblem::with_detail(
                    "rules",
                    Msg::ErrDifficultyRange,
                    at(),
                ));
            }
            if !points_valid(rule.points_each) {
                out.problems.push(FieldProblem::with_detail(
                    "rules",
                    Msg::ErrPointsInvalid,
                    at(),
                ));
            }
            total += u64::from(rule.points_each.0) * u64::from(rule.count);
            count += u64::from(rule.count);
        }
    }

    // Rules with an impossible count are reported above and left out of the allocation,
    // so they neither get a shortfall of their own nor take from other rules.
    let order = allocation_order(sections, pool, |s, r| count_ok(&sections[s].rules[r]));
    // For each drawable question, the rules it matches by allocation position, ascending.
    let matching: Vec<Vec<usize>> = pool
        .iter()
        .filter(|q| !fixed.contains(&q.id))
        .map(|q| {
            order
                .iter()
                .enumerate()
                .filter(|(_, &(s, r))| q.matches(&sections[s].rules[r]))
                .map(|(i, _)| i)
                .collect::<Vec<usize>>()
        })
        .filter(|m| !m.is_empty())
        .collect();
    // shared[i][j] for j < i: questions rules i and j both match. Only pairs that share
    // something are stored, so the work grows with the overlap, not with rules².
    let mut size = vec![0u64; order.len()];
    let mut shared: Vec<HashMap<usize, u64>> = vec![HashMap::new(); order.len()];
    for m in &matching {
        for (k, &i) in m.iter().enumerate() {
            size[i] += 1;
            for &j in &m[..k] {
                *shared[i].entry(j).or_insert(0) += 1;
            }
        }
    }
    for (i, &(s, r)) in order.iter().enumerate() {
        let rule = &sections[s].rules[r];
        let taken: u64 = shared[i]
            .iter()
            .map(|(&j, &n)| {
                let (sj, rj) = order[j];
                n.min(u64::from(sections[sj].rules[rj].count))
            })
            .sum();
        let have = size[i].saturating_sub(taken);
        if have < u64::from(rule.count) {
            out.shortfalls.push(Shortfall {
                section: s,
                rule: r,
                category_path: rule.category.map(category_names).unwrap_or_default(),
                qtype: rule.qtype,
                difficulty: rule.difficulty,
                need: rule.count,
                have: have.min(u64::from(u32::MAX)) as u32,
            });
        }
    }
    // Report shortfalls in the paper's order, not the allocation order.
    out.shortfalls.sort_by_key(|f| (f.section, f.rule));

    if out.is_empty() {
        Ok(PaperPlan {
            sections: sections.to_vec(),
            rule_order: order,
            total_points: Points(total.min(u64::from(u32::MAX)) as u32),
            question_count: count.min(u64::from(u32::MAX)) as u32,
        })
    } else {
        Err(out)
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough to shuffle exam
/// questions. It is not a cryptographic generator: seeds are server-side only, and a
/// candidate who learnt one would learn only the order of their own paper.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix64(self.0)
    }

    /// Uniform in `0..n` for `n > 0`. Values below `2^64 mod n` are rejected so that no
    /// index is favoured, however large `n` is.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let reject_below = n.wrapping_neg() % n;
        loop {
            let x = self.next_u64();
            if x >= reject_below {
                return (x % n) as usize;
            }
        }
    }

    /// Fisher–Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// Keeps `k` items chosen uniformly, in random order (a partial Fisher–Yates).
    fn choose<T>(&mut self, items: &mut Vec<T>, k: usize) {
        let k = k.min(items.len());
        for i in 0..k {
            let j = i + self.below(items.len() - i);
            items.swap(i, j);
        }
        items.truncate(k);
    }
}

/// A seed for one candidate's paper in one sitting; `salt` tells apart several papers of
/// the same pair (e.g. a redraw). Every bit of the inputs affects the result, and swapping
/// sitting and user gives a different seed.
pub fn derive_seed(sitting: Uuid, user: Uuid, salt: u64) -> u64 {
    let (s, u) = (sitting.as_u128(), user.as_u128());
    [(s >> 64) as u64, s as u64, (u >> 64) as u64, u as u64]
        .into_iter()
        .fold(mix64(salt ^ GOLDEN_GAMMA), |h, w| {
            mix64(h.wrapping_add(GOLDEN_GAMMA) ^ w)
        })
}

/// A drawn item and where it came from, `None` for a fixed question.
#[derive(Debug, Clone)]
struct Sourced<'a> {
    section: usize,
    /// The rule that drew it, `None` for a fixed question; only the tests that check
    /// each rule is met read it.
    #[cfg_attr(not(test), allow(dead_code))]
    rule: Option<usize>,
    question: &'a PoolQuestion,
    points: Points,
}

/// The draw itself, keeping each item's rule for the tests.
fn draw_sourced<'a>(
    plan: &PaperPlan,
    pool: &'a [PoolQuestion],
    shuffle_questions: bool,
    rng: &mut SplitMix64,
) -> Vec<Sourced<'a>> {
    // Candidates are taken in ID order, so the paper depends on the seed and the pool's
    // content but not on the order the pool was read in.
    let mut sorted: Vec<&PoolQuestion> = pool.iter().collect();
    sorted.sort_by_key(|q| q.id);
    let by_id: HashMap<QuestionId, &PoolQuestion> = sorted.iter().map(|q| (q.id, *q)).collect();
    let mut used: HashSet<QuestionId> = plan
        .sections
        .iter()
        .flat_map(|s| s.fixed.iter().map(|f| f.question_id))
        .collect();

    let mut picks: HashMap<(usize, usize), Vec<&PoolQuestion>> = HashMap::new();
    for &(s, r) in &plan.rule_order {
        let rule = &plan.sections[s].rules[r];
        let mut candidates: Vec<&PoolQuestion> = sorted
            .iter()
            .copied()
            .filter(|q| !used.contains(&q.id) && q.matches(rule))
            .collect();
        // A validated plan always has enough; with any other pool, draw what there is.
        rng.choose(&mut candidates, rule.count as usize);
        used.extend(candidates.iter().map(|q| q.id));
        picks.insert((s, r), candidates);
    }

    let mut out = Vec::new();
    for (s, section) in plan.sections.iter().enumerate() {
        let fixed = section.fixed.iter().filter_map(|f: &FixedItem| {
            // Only a pool that differs from the validated one lacks a fixed question.
            by_id.get(&f.question_id).map(|q| Sourced {
                section: s,
                rule: None,
                question: q,
                points: f.points,
            })
        });
        let mut items: Vec<Sourced> = fixed.collect();
        for (r, rule) in section.rules.iter().enumerate() {
            for q in picks.remove(&(s, r)).unwrap_or_default() {
                items.push(Sourced {
                    section: s,
                    rule: Some(r),
                    question: q,
                    points: rule.points_each,
                });
            }
        }
        if shuffle_questions {
            rng.shuffle(&mut items);
        }
        out.extend(items);
    }
    out
}

/// Draws one paper: for each section its fixed questions and, for each rule, `count`
/// matching questions chosen at random, no question twice. With `shuffle_questions` the
/// questions of each section come in random order, otherwise fixed questions first in
/// their order, then each rule's questions in rule order. With `shuffle_options` the
/// options of choice questions are permuted. The same arguments give the same paper.
pub fn draw(
    plan: &PaperPlan,
    pool: &[PoolQuestion],
    shuffle_questions: bool,
    shuffle_options: bool,
    seed: u64,
) -> Vec<DrawnItem> {
    let mut rng = SplitMix64(seed);
    draw_sourced(plan, pool, shuffle_questions, &mut rng)
        .into_iter()
        .map(|item| {
            let q = item.question;
            let mut option_order: Vec<u8> = (0..q.option_count).collect();
            if shuffle_options && q.qtype.has_options() {
                rng.shuffle(&mut option_order);
            }
            DrawnItem {
                section: item.section as u32,
                question_id: q.id,
                version_id: q.version_id,
                points: item.points,
                option_order,
            }
        })
        .collect()
}

/// The score needed to pass. A percentage is of the total and rounds up to the
/// hundredth, so "60%" of 33.33 points is 20.00 and never less than 60%.
pub fn pass_threshold(pass: PassMark, total: Points) -> Points {
    match pass {
        PassMark::Points(p) => p,
        PassMark::Percent(pct) => {
            let t = (u64::from(total.0) * u64::from(pct)).div_ceil(100);
            Points(t.min(u64::from(u32::MAX)) as u32)
        }
    }
}

/// Whether a score reaches the threshold (reaching it exactly passes).
pub fn passes(score: Points, threshold: Points) -> bool {
    score >= threshold
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::papers::model::{MultiScoring, ResultVisibility};
    use proptest::prelude::*;

    const TYPES: [QuestionType; 3] = [
        QuestionType::Single,
        QuestionType::Multiple,
        QuestionType::TrueFalse,
    ];

    fn cat(n: u8) -> CategoryId {
        CategoryId(Uuid::from_u128(0xCA7_0000 + u128::from(n)))
    }

    fn qid(n: usize) -> QuestionId {
        QuestionId(Uuid::from_u128(n as u128 + 1))
    }

    /// The test bank's category tree: 0 and 1 at the root, 2 and 3 under 0, 4 under 2.
    fn path(leaf: Option<u8>) -> Vec<CategoryId> {
        let ids: &[u8] = match leaf {
            None => &[],
            Some(0) => &[0],
            Some(1) => &[1],
            Some(2) => &[0, 2],
            Some(3) => &[0, 3],
            _ => &[0, 2, 4],
        };
        ids.iter().map(|&n| cat(n)).collect()
    }

    fn names(c: CategoryId) -> String {
        format!("cat{}", c.0.as_u128() - 0xCA7_0000)
    }

    fn q(n: usize, qtype: QuestionType, leaf: Option<u8>, difficulty: u8) -> PoolQuestion {
        PoolQuestion {
            id: qid(n),
            version_id: VersionId(Uuid::from_u128(0xF000_0000 + n as u128)),
            category_path: path(leaf),
            qtype,
            difficulty,
            option_count: if qtype.has_options() { 4 } else { 0 },
        }
    }

    fn rule(
        category: Option<u8>,
        qtype: QuestionType,
        difficulty: Option<u8>,
        count: u32,
    ) -> DrawRule {
        DrawRule {
            category: category.map(cat),
            qtype,
            difficulty,
            count,
            points_each: Points(200),
        }
    }

    fn section(fixed: &[usize], rules: Vec<DrawRule>) -> SectionSpec {
        SectionSpec {
            title: "一、单选题".into(),
            fixed: fixed
                .iter()
                .map(|&n| FixedItem {
                    question_id: qid(n),
                    version_id: None,
                    points: Points(500),
                })
                .collect(),
            rules,
        }
    }

    fn reasons(problems: &[FieldProblem]) -> Vec<Msg> {
        problems.iter().map(|p| p.reason).collect()
    }

    fn settings() -> ExamSettings {
        ExamSettings {
            title: "2026 年度党纪法规知识测试".into(),
            ..ExamSettings::default()
        }
    }

    #[test]
    fn settings_within_the_limits_pass() {
        assert_eq!(validate_settings(&settings()), vec![]);
        let mut s = settings();
        s.duration_minutes = 1440;
        s.pass_mark = PassMark::Percent(100);
        s.retake_count = 10;
        s.retake_min_wait_days = 365;
        s.instructions = "须".repeat(5_000);
        s.title = "题".repeat(200);
        s.multi_scoring = MultiScoring::Partial;
        s.visibility = ResultVisibility::Never;
        assert_eq!(validate_settings(&s), vec![]);
    }

    #[test]
    fn each_setting_out_of_range_is_reported_on_its_own_field() {
        type Change = fn(&mut ExamSettings);
        let cases: Vec<(Change, &str, Msg)> = vec![
            (|s| s.title = "  ".into(), "title", Msg::ErrRequired),
            (|s| s.title = "题".repeat(201), "title", Msg::ErrTooLong),
            (
                |s| s.duration_minutes = 0,
                "duration_minutes",
                Msg::ErrDurationRange,
            ),
            (
                |s| s.duration_minutes = 1441,
                "duration_minutes",
                Msg::ErrDurationRange,
            ),
            (
                |s| s.pass_mark = PassMark::Percent(0),
                "pass_mark",
                Msg::ErrPassPercentRange,
            ),
            (
                |s| s.pass_mark = PassMark::Percent(101),
                "pass_mark",
                Msg::ErrPassPercentRange,
            ),
            (
                |s| s.pass_mark = PassMark::Points(Points(0)),
                "pass_mark",
                Msg::ErrPassPointsZero,
            ),
            (
                |s| s.instructions = "x".repeat(5_001),
                "instructions",
                Msg::ErrTooLong,
            ),
            (
                |s| s.retake_count = 11,
                "retake_count",
                Msg::ErrRetakeCountRange,
            ),
            (
                |s| s.retake_min_wait_days = 366,
                "retake_min_wait_days",
                Msg::ErrRetakeWaitRange,
            ),
        ];
        for (change, field, reason) in cases {
            let mut s = settings();
            change(&mut s);
            let problems = validate_settings(&s);
            assert_eq!(problems.len(), 1, "{field}: {problems:?}");
            assert_eq!(
                (problems[0].field.as_str(), problems[0].reason),
                (field, reason)
            );
        }
    }

    #[test]
    fn a_paper_without_questions_is_refused() {
        let pool = vec![q(0, QuestionType::Single, None, 3)];
        for sections in [vec![], vec![section(&[], vec![])]] {
            let err = validate_sections(&sections, &pool, &names).unwrap_err();
            assert_eq!(reasons(&err.problems), vec![Msg::ErrPaperEmpty]);
        }
    }

    #[test]
    fn fixed_questions_must_be_active_in_the_bank_and_appear_once() {
        let pool = vec![q(0, QuestionType::Single, None, 3)];
        let sections = vec![section(&[0, 7], vec![]), section(&[0], vec![])];
        let err = validate_sections(&sections, &pool, &names).unwrap_err();
        assert_eq!(
            reasons(&err.problems),
            vec![Msg::ErrFixedNotInPool, Msg::ErrFixedRepeated]
        );
        assert_eq!(err.problems[0].detail, Some(qid(7).to_string()));
    }

    #[test]
    fn a_rule_draws_between_one_and_five_hundred_questions() {
        let pool: Vec<_> = (0..600)
            .map(|n| q(n, QuestionType::Single, None, 3))
            .collect();
        for (count, ok) in [(0, false), (1, true), (500, true), (501, false)] {
            let sections = vec![section(
                &[],
                vec![rule(None, QuestionType::Single, None, count)],
            )];
            let result = validate_sections(&sections, &pool, &names);
            assert_eq!(result.is_ok(), ok, "count {count}");
            if let Err(e) = result {
                assert_eq!(reasons(&e.problems), vec![Msg::ErrRuleCountRange]);
                assert_eq!(e.shortfalls, vec![]);
            }
        }
    }

    #[test]
    fn a_shortfall_says_exactly_what_is_needed_and_what_the_bank_has() {
        let mut pool: Vec<_> = (0..7)
            .map(|n| q(n, QuestionType::Single, Some(2), 3))
            .collect();
        pool.push(q(7, QuestionType::Single, Some(2), 2));
        pool.push(q(8, QuestionType::Multiple, Some(2), 3));
        pool.push(q(9, QuestionType::Single, Some(1), 3));
        let sections = vec![
            section(&[], vec![]),
            section(&[], vec![rule(Some(2), QuestionType::Single, Some(3), 10)]),
        ];
        let err = validate_sections(&sections, &pool, &names).unwrap_err();
        assert_eq!(err.problems, vec![]);
        assert_eq!(
            err.shortfalls,
            vec![Shortfall {
                section: 1,
                rule: 0,
                category_path: "cat2".into(),
                qtype: QuestionType::Single,
                difficulty: Some(3),
                need: 10,
                have: 7,
            }]
        );
        let lines = err.into_field_problems(Lang::En);
        assert_eq!(lines[0].reason, Msg::ErrShortfall);
        assert_eq!(
            lines[0].detail.as_deref(),
            Some("cat2 / Single choice / difficulty 3: need 10, have 7")
        );
    }

    #[test]
    fn a_question_matching_two_rules_is_counted_for_the_more_specific_one_only() {
        // Four difficulty-3 questions and one difficulty-2 question in category 0.
        let mut pool: Vec<_> = (0..4)
            .map(|n| q(n, QuestionType::Single, Some(0), 3))
            .collect();
        pool.push(q(4, QuestionType::Single, Some(0), 2));
        // The broad rule comes first in the paper, but the narrow one is allocated first.
        let sections = vec![section(
            &[],
            vec![
                rule(Some(0), QuestionType::Single, None, 3),
                rule(Some(0), QuestionType::Single, Some(3), 3),
            ],
        )];
        let err = validate_sections(&sections, &pool, &names).unwrap_err();
        assert_eq!(err.shortfalls.len(), 1);
        assert_eq!(
            (
                err.shortfalls[0].rule,
                err.shortfalls[0].need,
                err.shortfalls[0].have
            ),
            (0, 3, 2)
        );

        let fits = vec![section(
            &[],
            vec![
                rule(Some(0), QuestionType::Single, None, 2),
                rule(Some(0), QuestionType::Single, Some(3), 3),
            ],
        )];
        let plan = validate_sections(&fits, &pool, &names).expect("five questions for five");
        assert_eq!(plan.rule_order, vec![(0, 1), (0, 0)]);
    }

    #[test]
    fn a_deeper_category_is_allocated_before_its_ancestors_and_any_category() {
        let pool: Vec<_> = (0..6)
            .map(|n| {
                q(
                    n,
                    QuestionType::Single,
                    if n < 3 { Some(4) } else { Some(3) },
                    3,
                )
            })
            .collect();
        let sections = vec![section(
            &[],
            vec![
                rule(None, QuestionType::Single, None, 1),
                rule(Some(0), QuestionType::Single, None, 2),
                rule(Some(4), QuestionType::Single, None, 3),
            ],
        )];
        let plan = validate_sections(&sections, &pool, &names).expect("exactly enough");
        assert_eq!(plan.rule_order, vec![(0, 2), (0, 1), (0, 0)]);
        let mut more = sections.clone();
        more[0].rules[0].count = 2;
        let err = validate_sections(&more, &pool, &names).unwrap_err();
        assert_eq!((err.shortfalls[0].rule, err.shortfalls[0].have), (0, 1));
        assert_eq!(err.shortfalls[0].category_path, "");
    }

    #[test]
    fn crossing_rules_are_validated_against_the_worst_draw() {
        // Category 2 lies under category 0. Two difficulty-3 questions in category 2 match
        // both rules; the difficulty rule goes first and may take both of them.
        let pool = vec![
            q(0, QuestionType::Single, Some(2), 3),
            q(1, QuestionType::Single, Some(2), 3),
            q(2, QuestionType::Single, Some(2), 1),
            q(3, QuestionType::Single, Some(3), 3),
        ];
        let paper = |by_difficulty: u32| {
            vec![section(
                &[],
                vec![
                    rule(Some(2), QuestionType::Single, None, 2),
                    rule(Some(0), QuestionType::Single, Some(3), by_difficulty),
                ],
            )]
        };
        let err = validate_sections(&paper(2), &pool, &names).unwrap_err();
        assert_eq!((err.shortfalls[0].rule, err.shortfalls[0].have), (0, 1));
        let plan = validate_sections(&paper(1), &pool, &names).expect("met by every draw");
        for seed in 0..200 {
            assert_eq!(draw(&plan, &pool, false, false, seed).len(), 3);
        }
    }

    #[test]
    fn fixed_questions_are_not_available_to_rules() {
        let pool: Vec<_> = (0..3)
            .map(|n| q(n, QuestionType::Single, None, 3))
            .collect();
        let sections = vec![section(
            &[1],
            vec![rule(None, QuestionType::Single, None, 3)],
        )];
        let err = validate_sections(&sections, &pool, &names).unwrap_err();
        assert_eq!((err.shortfalls[0].need, err.shortfalls[0].have), (3, 2));
    }

    #[test]
    fn the_plan_carries_the_total_points_and_question_count() {
        let pool: Vec<_> = (0..10)
            .map(|n| q(n, QuestionType::Single, None, 3))
            .collect();
        let sections = vec![
            section(&[0], vec![rule(None, QuestionType::Single, None, 4)]),
            section(&[1, 2], vec![]),
        ];
        let plan = validate_sections(&sections, &pool, &names).expect("valid");
        assert_eq!(plan.question_count, 7);
        assert_eq!(plan.total_points, Points(3 * 500 + 4 * 200));
    }

    #[test]
    fn without_shuffling_a_section_lists_fixed_questions_then_each_rule_in_order() {
        let mut pool: Vec<_> = (0..6)
            .map(|n| q(n, QuestionType::Single, None, 3))
            .collect();
        pool.extend((6..9).map(|n| q(n, QuestionType::TrueFalse, None, 3)));
        let sections = vec![
            section(&[4, 2], vec![rule(None, QuestionType::TrueFalse, None, 2)]),
            section(&[], vec![rule(None, QuestionType::Single, None, 2)]),
        ];
        let plan = validate_sections(&sections, &pool, &names).expect("valid");
        let items = draw(&plan, &pool, false, false, 42);
        assert_eq!(items.len(), 6);
        assert_eq!(
            (items[0].question_id, items[1].question_id),
            (qid(4), qid(2))
        );
        assert!(items[2..4]
            .iter()
            .all(|i| i.section == 0 && i.points == Points(200)));
        assert!(items[2..4].iter().all(|i| i.option_order.is_empty()));
        assert!(items[4..].iter().all(|i| i.section == 1));
        assert!(items.iter().all(|i| i
            .option_order
            .iter()
            .enumerate()
            .all(|(k, &o)| usize::from(o) == k)));
        assert_eq!(items[0].version_id, pool[4].version_id);
    }

    #[test]
    fn the_draw_does_not_depend_on_the_order_the_pool_was_read_in() {
        let pool: Vec<_> = (0..40)
            .map(|n| q(n, TYPES[n % 2], Some((n % 5) as u8), 3))
            .collect();
        let sections = vec![section(
            &[3],
            vec![
                rule(Some(0), QuestionType::Single, None, 5),
                rule(None, QuestionType::Multiple, None, 4),
            ],
        )];
        let plan = validate_sections(&sections, &pool, &names).expect("valid");
        let mut reversed = pool.clone();
        reversed.reverse();
        assert_eq!(
            draw(&plan, &pool, true, true, 7),
            draw(&plan, &reversed, true, true, 7)
        );
        assert_ne!(
            draw(&plan, &pool, true, true, 7),
            draw(&plan, &pool, true, true, 8)
        );
    }

    #[test]
    fn derived_seeds_are_deterministic_and_depend_on_every_input() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(derive_seed(a, b, 0), derive_seed(a, b, 0));
        let seeds = [
            derive_seed(a, b, 0),
            derive_seed(b, a, 0),
            derive_seed(a, b, 1),
            derive_seed(a, a, 0),
            derive_seed(Uuid::from_u128(1 << 64), b, 0),
        ];
        let distinct: HashSet<u64> = seeds.into_iter().collect();
        assert_eq!(distinct.len(), seeds.len());
    }

    #[test]
    fn a_percentage_pass_mark_rounds_up_to_the_hundredth() {
        assert_eq!(
            pass_threshold(PassMark::Percent(60), Points(3333)),
            Points(2000)
        );
        assert_eq!(
            pass_threshold(PassMark::Percent(60), Points(10_000)),
            Points(6000)
        );
        assert_eq!(
            pass_threshold(PassMark::Percent(100), Points(4321)),
            Points(4321)
        );
        assert_eq!(pass_threshold(PassMark::Percent(1), Points(1)), Points(1));
        assert_eq!(
            pass_threshold(PassMark::Points(Points(7250)), Points(10_000)),
            Points(7250)
        );
        assert!(passes(Points(6000), Points(6000)));
        assert!(!passes(Points(5999), Points(6000)));
    }

    // ---- Properties over random banks and papers ----

    /// Structural relations between rules in the test tree.
    fn cat_within(outer: Option<CategoryId>, inner: Option<CategoryId>) -> bool {
        match (outer, inner) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(o), Some(i)) => (0..5).any(|leaf| {
                let p = path(Some(leaf));
                p.last() == Some(&i) && p.contains(&o)
            }),
        }
    }

    fn rule_within(outer: &DrawRule, inner: &DrawRule) -> bool {
        outer.qtype == inner.qtype
            && cat_within(outer.category, inner.category)
            && (outer.difficulty.is_none() || outer.difficulty == inner.difficulty)
    }

    fn rules_disjoint(a: &DrawRule, b: &DrawRule) -> bool {
        a.qtype != b.qtype
            || matches!((a.difficulty, b.difficulty), (Some(x), Some(y)) if x != y)
            || (a.category.is_some()
                && b.category.is_some()
                && !cat_within(a.category, b.category)
                && !cat_within(b.category, a.category))
    }

    fn all_rules(sections: &[SectionSpec]) -> Vec<&DrawRule> {
        sections.iter().flat_map(|s| s.rules.iter()).collect()
    }

    /// Keeps only the rules that relate to every earlier kept rule as `keep` allows.
    fn filter_rules(sections: &mut [SectionSpec], keep: impl Fn(&DrawRule, &DrawRule) -> bool) {
        let mut kept: Vec<DrawRule> = Vec::new();
        for s in sections.iter_mut() {
            s.rules.retain(|r| {
                let ok = kept.iter().all(|k| keep(k, r));
                if ok {
                    kept.push(r.clone());
                }
                ok
            });
        }
    }

    /// Whether every rule can get `count` distinct matching non-fixed questions, by
    /// augmenting paths (Kuhn's algorithm) over one slot per question to draw.
    fn feasible(sections: &[SectionSpec], pool: &[PoolQuestion]) -> bool {
        let fixed: HashSet<QuestionId> = sections
            .iter()
            .flat_map(|s| s.fixed.iter().map(|f| f.question_id))
            .collect();
        let free: Vec<&PoolQuestion> = pool.iter().filter(|q| !fixed.contains(&q.id)).collect();
        let slots: Vec<&DrawRule> = all_rules(sections)
            .into_iter()
            .flat_map(|r| std::iter::repeat_n(r, r.count as usize))
            .collect();
        fn augment(
            slot: usize,
            slots: &[&DrawRule],
            free: &[&PoolQuestion],
            owner: &mut [Option<usize>],
            seen: &mut [bool],
        ) -> bool {
            for (qi, q) in free.iter().enumerate() {
                if seen[qi] || !q.matches(slots[slot]) {
                    continue;
                }
                seen[qi] = true;
                let prev = owner[qi];
                if prev.is_none_or(|p| augment(p, slots, free, owner, seen)) {
                    owner[qi] = Some(slot);
                    return true;
                }
            }
            false
        }
        let mut owner = vec![None; free.len()];
        (0..slots.len()).all(|slot| {
            let mut seen = vec![false; free.len()];
            augment(slot, &slots, &free, &mut owner, &mut seen)
        })
    }

    fn shortfalls(r: &Result<PaperPlan, PaperProblems>) -> Vec<Shortfall> {
        match r {
            Ok(_) => vec![],
            Err(e) => e.shortfalls.clone(),
        }
    }

    prop_compose! {
        fn arb_pool()(specs in proptest::collection::vec(
            (0usize..3, proptest::option::of(0u8..5), 1u8..=3, 2u8..=8), 1..40,
        )) -> Vec<PoolQuestion> {
            specs
                .into_iter()
                .enumerate()
                .map(|(n, (t, leaf, d, opts))| {
                    let mut question = q(n, TYPES[t], leaf, d);
                    if question.qtype.has_options() {
                        question.option_count = opts;
                    }
                    question
                })
                .collect()
        }
    }

    /// A rule built around one pool question (the anchor), so that it matches at least
    /// that question: the anchor's type, one of its categories or any, its difficulty or
    /// any. `level` 0 is any category, 1 the root of its path, 2 the next, and so on.
    fn anchored_rule(
        pool: &[PoolQuestion],
        (anchor, level, any_difficulty, count, points): (usize, usize, bool, u32, u32),
    ) -> DrawRule {
        let a = &pool[anchor % pool.len()];
        DrawRule {
            category: match level {
                0 => None,
                l => a
                    .category_path
                    .get(l - 1)
                    .or(a.category_path.last())
                    .copied(),
            },
            qtype: a.qtype,
            difficulty: (!any_difficulty).then_some(a.difficulty),
            count,
            points_each: Points(points),
        }
    }

    prop_compose! {
        /// A bank and a paper on it, with fixed questions drawn from the bank.
        fn arb_paper()(pool in arb_pool())(
            fixed in proptest::collection::vec(
                proptest::collection::vec(0..pool.len(), 0..3), 1..=2),
            rules in proptest::collection::vec(
                proptest::collection::vec((any::<usize>(), 0usize..4, any::<bool>(), 1u32..=4, 1u32..=500), 0..4),
                2,
            ),
            pool in Just(pool),
        ) -> (Vec<PoolQuestion>, Vec<SectionSpec>) {
            let mut seen = HashSet::new();
            let sections = fixed
                .iter()
                .zip(rules)
                .map(|(f, rules)| {
                    let rules = rules.into_iter().map(|r| anchored_rule(&pool, r)).collect();
                    let f: Vec<usize> = f
                        .iter()
                        .copied()
                        .filter(|&n| seen.insert(n))
                        .collect();
                    section(&f, rules)
                })
                .collect();
            (pool, sections)
        }
    }

    proptest! {
        // Cheap cases, and only about a third of random papers validate: run more.
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn every_draw_of_a_validated_paper_meets_each_rule_without_repeating_a_question(
            (pool, sections) in arb_paper(),
            seed in any::<u64>(),
            shuffle_questions in any::<bool>(),
        ) {
            let Ok(plan) = validate_sections(&sections, &pool, &names) else {
                return Ok(());
            };
            let items = draw_sourced(&plan, &pool, shuffle_questions, &mut SplitMix64(seed));
            let ids: HashSet<QuestionId> = items.iter().map(|i| i.question.id).collect();
            prop_assert_eq!(ids.len(), items.len());
            prop_assert_eq!(items.len() as u32, plan.question_count);
            let total: u32 = items.iter().map(|i| i.points.0).sum();
            prop_assert_eq!(Points(total), plan.total_points);
            prop_assert!(items.windows(2).all(|w| w[0].section <= w[1].section));
            for (s, sec) in sections.iter().enumerate() {
                for (r, rule) in sec.rules.iter().enumerate() {
                    let mine: Vec<_> = items
                        .iter()
                        .filter(|i| i.section == s && i.rule == Some(r))
                        .collect();
                    prop_assert_eq!(mine.len(), rule.count as usize);
                    prop_assert!(mine.iter().all(|i| i.question.matches(rule)));
                }
                let fixed: Vec<QuestionId> = items
                    .iter()
                    .filter(|i| i.section == s && i.rule.is_none())
                    .map(|i| i.question.id)
                    .collect();
                let expected: Vec<QuestionId> = sec.fixed.iter().map(|f| f.question_id).collect();
                if shuffle_questions {
                    prop_assert_eq!(fixed.len(), expected.len());
                } else {
                    prop_assert_eq!(fixed, expected);
                }
            }
        }

        #[test]
        fn option_orders_are_permutations_and_only_shuffled_when_asked(
            (pool, sections) in arb_paper(),
            seed in any::<u64>(),
            shuffle_options in any::<bool>(),
        ) {
            let Ok(plan) = validate_sections(&sections, &pool, &names) else {
                return Ok(());
            };
            for item in draw(&plan, &pool, true, shuffle_options, seed) {
                let q = pool.iter().find(|q| q.id == item.question_id).expect("from the pool");
                prop_assert_eq!(item.version_id, q.version_id);
                let mut sorted = item.option_order.clone();
                sorted.sort_unstable();
                let identity: Vec<u8> = (0..q.option_count).collect();
                prop_assert_eq!(&sorted, &identity);
                if !shuffle_options || !q.qtype.has_options() {
                    prop_assert_eq!(&item.option_order, &identity);
                }
            }
        }

        #[test]
        fn the_same_seed_gives_the_same_paper(
            (pool, sections) in arb_paper(),
            seed in any::<u64>(),
            flags in any::<(bool, bool)>(),
        ) {
            let Ok(plan) = validate_sections(&sections, &pool, &names) else {
                return Ok(());
            };
            prop_assert_eq!(
                draw(&plan, &pool, flags.0, flags.1, seed),
                draw(&plan, &pool, flags.0, flags.1, seed)
            );
        }

        #[test]
        fn with_disjoint_rules_validation_passes_iff_each_count_fits_its_matches(
            (pool, mut sections) in arb_paper(),
        ) {
            filter_rules(&mut sections, rules_disjoint);
            let fixed: HashSet<QuestionId> = sections
                .iter()
                .flat_map(|s| s.fixed.iter().map(|f| f.question_id))
                .collect();
            let fits = all_rules(&sections).into_iter().all(|r| {
                let matching = pool.iter().filter(|q| !fixed.contains(&q.id) && q.matches(r));
                matching.count() >= r.count as usize
            });
            let result = validate_sections(&sections, &pool, &names);
            prop_assert_eq!(shortfalls(&result).is_empty(), fits);
            let has_items = sections.iter().any(|s| !s.fixed.is_empty() || !s.rules.is_empty());
            prop_assert_eq!(result.is_ok(), fits && has_items);
        }

        #[test]
        fn with_nested_or_disjoint_rules_validation_passes_iff_an_allocation_exists(
            (pool, mut sections) in arb_paper(),
        ) {
            filter_rules(&mut sections, |a, b| {
                rules_disjoint(a, b) || rule_within(a, b) || rule_within(b, a)
            });
            let result = validate_sections(&sections, &pool, &names);
            prop_assert_eq!(shortfalls(&result).is_empty(), feasible(&sections, &pool));
        }

        #[test]
        fn a_passing_validation_always_has_an_allocation(
            (pool, sections) in arb_paper(),
        ) {
            if validate_sections(&sections, &pool, &names).is_ok() {
                prop_assert!(feasible(&sections, &pool));
            }
        }

        #[test]
        fn a_percentage_threshold_is_the_smallest_score_reaching_the_percentage(
            total in 0u32..=100_000, pct in 1u8..=100,
        ) {
            let t = pass_threshold(PassMark::Percent(pct), Points(total));
            prop_assert!(u64::from(t.0) * 100 >= u64::from(total) * u64::from(pct));
            prop_assert!(t.0 == 0 || u64::from(t.0 - 1) * 100 < u64::from(total) * u64::from(pct));
            prop_assert!(t <= Points(total));
        }
    }
}
