//! Demo authoring data: a Chinese question bank over three categories and every type, one
//! exam drawn by rules, two sittings in the coming days with the demo candidates assigned.
//! Built through the same services the UI uses, so it obeys every rule they enforce.

use app::accounts::model::UnitId;
use app::error::AppError;
use app::i18n::Lang;
use app::papers::model::{DrawRule, ExamId, ExamSettings, PassMark};
use app::papers::service::{self as papers, SectionEdit};
use app::question_bank::model::{
    BankId, BlankPolicy, CategoryId, KeyForm, Points, QuestionDraft, QuestionStatus, QuestionType,
};
use app::question_bank::service as bank;
use app::server::{AppState, Authed};
use app::sittings::model::{SittingMode, SittingSpec};
use app::sittings::service::{self as sittings, Selector};
use app::time::Timestamp;

const CATEGORIES: [&str; 3] = [
    "习近平新时代中国特色社会主义思想",
    "党章党规",
    "重要讲话精神",
];

/// Topics the generated questions are about, per category.
const TOPICS: [[&str; 4]; 3] = [
    ["“两个确立”", "新发展理念", "全过程人民民主", "中国式现代化"],
    [
        "民主集中制",
        "党的纪律处分条例",
        "廉洁自律准则",
        "党员权利保障条例",
    ],
    [
        "党的二十大报告",
        "全面从严治党",
        "高质量发展",
        "总体国家安全观",
    ],
];

fn draft(i: usize) -> QuestionDraft {
    let c = i % 3;
    let topic = TOPICS[c][(i / 3) % 4];
    let n = i + 1;
    // Types cycle independently of categories so every category has every type.
    let (qtype, stem, options, key) = match (i / 3) % 6 {
        0 | 1 => (
            QuestionType::Single,
            format!("（第{n}题）下列关于{topic}的表述，正确的是（  ）。"),
            vec![
                format!("{topic}是新时代党和国家事业发展的重要遵循"),
                format!("{topic}只适用于个别地区"),
                format!("{topic}与基层工作无关"),
                format!("{topic}已经不再需要坚持"),
            ],
            KeyForm::Choice(vec![0]),
        ),
        2 => (
            QuestionType::Multiple,
            format!("（第{n}题）学习贯彻{topic}，应当做到（  ）。"),
            vec![
                "学深悟透，把握核心要义".to_owned(),
                "联系实际，推动工作落实".to_owned(),
                "只学文件，不抓落实".to_owned(),
                "以上率下，带头示范".to_owned(),
            ],
            KeyForm::Choice(vec![0, 1, 3]),
        ),
        3 | 4 => (
            QuestionType::TrueFalse,
            format!("（第{n}题）领导干部应当把{topic}的要求落实到日常工作中。"),
            Vec::new(),
            KeyForm::TrueFalse(i % 12 != 4),
        ),
        _ => (
            QuestionType::FillBlank,
            format!("（第{n}题）党的根本组织原则是（    ），{topic}必须坚持这一原则。"),
            Vec::new(),
            KeyForm::Blanks {
                answers: vec![vec!["民主集中制".to_owned()]],
                policy: BlankPolicy {
                    fold_width: true,
                    case_insensitive: true,
                },
            },
        ),
    };
    QuestionDraft {
        qtype,
        stem,
        options,
        key,
        explanation: format!("本题考查对{topic}的理解。"),
        category: vec![CATEGORIES[c].to_owned()],
        difficulty: (i % 5 + 1) as u8,
        tags: vec!["示例".to_owned()],
        points: Points(200),
        image: None,
    }
}

/// 9:00 in Asia/Shanghai, `days` days after `now`.
pub(crate) fn morning_cst(now: Timestamp, days: i64) -> Timestamp {
    const DAY: i64 = 24 * 3600 * 1000;
    const CST: i64 = 8 * 3600 * 1000;
    let local_midnight = (now.0 + CST).div_euclid(DAY) * DAY;
    Timestamp(local_midnight + days * DAY + 9 * 3600 * 1000 - CST)
}

pub async fn load(
    state: &AppState,
    admin: &Authed,
    first: &[UnitId],
    second: &[UnitId],
) -> Result<(), AppError> {
    let addr = "demo";
    let bank_id: BankId =
        bank::create_bank(state, admin, addr, "干部应知应会题库（示例）", None).await?;
    for i in 0..132 {
        bank::create_question(
            state,
            admin,
            addr,
            bank_id,
            draft(i),
            QuestionStatus::Active,
        )
        .await?;
    }
    let categories = bank::list_categories(state, admin, bank_id).await?;
    let category = |name: &str| -> Option<CategoryId> {
        categories.iter().find(|k| k.name == name).map(|k| k.id)
    };
    let exam = build_exam(
        state,
        admin,
        bank_id,
        "2026年度干部党内法规知识测试",
        &category,
    )
    .await?;
    let now = state.clock.now();
    // A practice sitting that opens half a minute after the first start and lasts until
    // the first scheduled sitting, so every demo candidate can take the exam right away.
    let practice = SittingSpec {
        name: "模拟练习场次".to_owned(),
        window_start: now.plus_secs(30),
        window_end: morning_cst(now, 1),
        mode: SittingMode::Flexible,
        capacity: 100,
        location: "线上".to_owned(),
        is_retake: false,
    };
    let id = sittings::create_sitting(state, admin, addr, exam, practice).await?;
    for unit in first.iter().chain(second.iter()) {
        let selector = Selector::Unit {
            unit: *unit,
            with_sub_units: true,
        };
        sittings::assign(state, admin, addr, id, selector).await?;
    }
    for (days, name, units) in [(1, "第1场", first), (2, "第2场", second)] {
        let start = morning_cst(now, days);
        let spec = SittingSpec {
            name: name.to_owned(),
            window_start: start,
            window_end: start.plus_secs(3 * 3600),
            mode: SittingMode::Flexible,
            capacity: 100,
            location: "市委党校机房".to_owned(),
            is_retake: false,
        };
        let id = sittings::create_sitting(state, admin, addr, exam, spec).await?;
        for unit in units {
            let selector = Selector::Unit {
                unit: *unit,
                with_sub_units: true,
            };
            sittings::assign(state, admin, addr, id, selector).await?;
        }
    }
    let logins: Vec<&str> = crate::seed::DEMO_CANDIDATES.iter().map(|c| c.0).collect();
    crate::seed_history::load(state, admin, bank_id, &category, &logins).await
}

/// An exam over the demo bank: four sections drawing two to four questions of each
/// category per type, 60 minutes, pass at 60 %.
pub(crate) async fn build_exam(
    state: &AppState,
    admin: &Authed,
    bank_id: BankId,
    title: &str,
    category: &dyn Fn(&str) -> Option<CategoryId>,
) -> Result<ExamId, AppError> {
    let addr = "demo";
    let exam = papers::create_exam(state, admin, addr, bank_id, title).await?;
    papers::save_settings(
        state,
        admin,
        addr,
        Lang::ZhCn,
        exam,
        ExamSettings {
            title: title.to_owned(),
            instructions: "本次测试为闭卷机考，限时60分钟。请独立作答，不得查阅资料。".to_owned(),
            duration_minutes: 60,
            pass_mark: PassMark::Percent(60),
            ..ExamSettings::default()
        },
    )
    .await?;
    let sections = [
        ("一、单项选择题", QuestionType::Single, 2usize),
        ("二、多项选择题", QuestionType::Multiple, 1),
        ("三、判断题", QuestionType::TrueFalse, 2),
        ("四、填空题", QuestionType::FillBlank, 1),
    ];
    for (s, (title, qtype, per_category)) in sections.into_iter().enumerate() {
        papers::edit_sections(
            state,
            admin,
            addr,
            Lang::ZhCn,
            exam,
            SectionEdit::AddSection(title.to_owned()),
        )
        .await?;
        for name in CATEGORIES {
            let rule = DrawRule {
                category: category(name),
                qtype,
                difficulty: None,
                count: per_category as u32 * 2,
                points_each: Points(if qtype == QuestionType::Multiple {
                    400
                } else {
                    200
                }),
            };
            papers::edit_sections(
                state,
                admin,
                addr,
                Lang::ZhCn,
                exam,
                SectionEdit::AddRule(s, rule),
            )
            .await?;
        }
    }
    Ok(exam)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_questions_are_all_valid_and_distinct() {
        let mut keys = std::collections::HashSet::new();
        for i in 0..132 {
            let v = app::question_bank::domain::validate(draft(i)).expect("valid demo question");
            assert!(keys.insert(v.dup_key), "question {i} repeats another");
        }
    }

    #[test]
    fn demo_sittings_start_at_nine_in_the_morning_shanghai_time() {
        // 2026-11-28 23:30 in Shanghai is 15:30 UTC.
        let now = Timestamp(1_795_879_800_000);
        let start = morning_cst(now, 1);
        assert_eq!(
            (start.0 + 8 * 3600 * 1000) % (24 * 3600 * 1000),
            9 * 3600 * 1000
        );
        assert!(start > now);
    }
}
