//! Comparing two versions of a question: a stable line rendering of a version and a
//! line diff (longest common subsequence) between two renderings. Pure; used by the
//! server to build the comparison and by the UI to show it.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg};

use super::domain::{format_answer, option_letter};
use super::model::{KeyForm, QuestionDraft};

/// Above this many cells (old lines × new lines, after the common head and tail are
/// taken off) the diff stops looking for common lines in the middle and shows it as
/// removed then added. Question versions are a few dozen lines; the cap only guards the
/// server against pathological input.
pub const MAX_DIFF_CELLS: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DiffKind {
    Same,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub text: String,
}

/// `label` + first line, then the remaining lines indented so that a change in one line
/// of a long stem shows as that one line.
fn multiline(out: &mut Vec<String>, label: &str, text: &str, none: &str) {
    let text = text.trim();
    if text.is_empty() {
        out.push(format!("{label}{none}"));
        return;
    }
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push(format!("{label}{}", line.trim_end()));
        } else {
            out.push(format!("    {}", line.trim_end()));
        }
    }
}

/// A version of a question as lines, in a fixed order: type, stem, options (A–H),
/// answer, fill-in matching, explanation, category, difficulty, tags, points, image.
/// Every line starts with its field's label, so equal text in two fields never matches.
pub fn draft_lines(d: &QuestionDraft, lang: Lang) -> Vec<String> {
    let t = |m: Msg| m.text(lang);
    let none = t(Msg::DiffNone);
    let mut out = Vec::new();
    out.push(format!("{}{}", t(Msg::DiffType), t(d.qtype.label())));
    multiline(&mut out, t(Msg::DiffStem), &d.stem, none);
    for (i, o) in d.options.iter().enumerate() {
        let label = t(Msg::DiffOption).replace("{letter}", &option_letter(i).to_string());
        multiline(&mut out, &label, o, none);
    }
    let answer = match &d.key {
        KeyForm::TrueFalse(true) => t(Msg::DiffTrue).to_owned(),
        KeyForm::TrueFalse(false) => t(Msg::DiffFalse).to_owned(),
        key => format_answer(key),
    };
    multiline(&mut out, t(Msg::DiffAnswer), &answer, none);
    if let KeyForm::Blanks { policy, .. } = &d.key {
        let mut rules = Vec::new();
        if policy.fold_width {
            rules.push(t(Msg::DiffFoldWidth));
        }
        if policy.case_insensitive {
            rules.push(t(Msg::DiffCaseInsensitive));
        }
        if rules.is_empty() {
            rules.push(t(Msg::DiffExactMatch));
        }
        out.push(format!(
            "{}{}",
            t(Msg::DiffBlankRule),
            rules.join(t(Msg::DiffListSep))
        ));
    }
    multiline(&mut out, t(Msg::DiffExplanation), &d.explanation, none);
    let category = if d.category.is_empty() {
        t(Msg::DiffUncategorised).to_owned()
    } else {
        d.category.join(" / ")
    };
    out.push(format!("{}{category}", t(Msg::DiffCategory)));
    out.push(format!("{}{}", t(Msg::DiffDifficulty), d.difficulty));
    let tags = if d.tags.is_empty() {
        none.to_owned()
    } else {
        d.tags.join(t(Msg::DiffListSep))
    };
    out.push(format!("{}{tags}", t(Msg::DiffTags)));
    out.push(format!("{}{}", t(Msg::DiffPoints), d.points));
    let image = d
        .image
        .map(|i| i.to_string())
        .unwrap_or_else(|| none.to_owned());
    out.push(format!("{}{image}", t(Msg::DiffImage)));
    out
}

fn push(out: &mut Vec<DiffLine>, kind: DiffKind, lines: &[String]) {
    out.extend(lines.iter().map(|l| DiffLine {
        kind,
        text: l.clone(),
    }));
}

/// A line diff from `old` to `new`. Invariants: the `Same` and `Removed` lines in order
/// are `old`, the `Same` and `Added` lines in order are `new`, and within a change the
/// removed lines come before the added ones. The common lines are a longest common
/// subsequence, except in a middle larger than [`MAX_DIFF_CELLS`], which is shown as
/// wholly removed then added.
pub fn diff_lines(old: &[String], new: &[String]) -> Vec<DiffLine> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);

    let mut out = Vec::with_capacity(old.len() + new.len());
    push(&mut out, DiffKind::Same, &old[..head]);
    if a.is_empty() || b.is_empty() || a.len().saturating_mul(b.len()) > MAX_DIFF_CELLS {
        push(&mut out, DiffKind::Removed, a);
        push(&mut out, DiffKind::Added, b);
    } else {
        middle(&mut out, a, b);
    }
    push(&mut out, DiffKind::Same, &old[old.len() - tail..]);
    out
}

/// The classic LCS table, filled from the end so the walk goes forwards.
/// `lcs[i][j]` = length of an LCS of `a[i..]` and `b[j..]`.
fn middle(out: &mut Vec<DiffLine>, a: &[String], b: &[String]) {
    let (n, m) = (a.len(), b.len());
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    // Removed and added lines of the current change, flushed (removed first) at the next
    // common line.
    let (mut removed, mut added): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let flush = |out: &mut Vec<DiffLine>, removed: &mut Vec<String>, added: &mut Vec<String>| {
        push(out, DiffKind::Removed, removed);
        push(out, DiffKind::Added, added);
        removed.clear();
        added.clear();
    };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            flush(out, &mut removed, &mut added);
            push(out, DiffKind::Same, std::slice::from_ref(&a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j]) {
            added.push(b[j].clone());
            j += 1;
        } else {
            removed.push(a[i].clone());
            i += 1;
        }
    }
    flush(out, &mut removed, &mut added);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question_bank::model::{BlankPolicy, Points, QuestionType};
    use proptest::prelude::*;

    fn draft() -> QuestionDraft {
        QuestionDraft {
            qtype: QuestionType::Single,
            stem: "党的最高领导机关是？\n（单选）".into(),
            options: vec![
                "全国代表大会和它所产生的中央委员会".into(),
                "中央纪律检查委员会".into(),
            ],
            key: KeyForm::Choice(vec![0]),
            explanation: String::new(),
            category: vec!["党章党规".into(), "党章".into()],
            difficulty: 3,
            tags: vec!["党章".into(), "组织制度".into()],
            points: Points(250),
            image: None,
        }
    }

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn side(d: &[DiffLine], skip: DiffKind) -> Vec<String> {
        d.iter()
            .filter(|l| l.kind != skip)
            .map(|l| l.text.clone())
            .collect()
    }

    #[test]
    fn a_version_renders_every_field_on_labelled_lines() {
        assert_eq!(
            draft_lines(&draft(), Lang::ZhCn),
            lines(&[
                "题型：单选题",
                "题干：党的最高领导机关是？",
                "    （单选）",
                "选项 A：全国代表大会和它所产生的中央委员会",
                "选项 B：中央纪律检查委员会",
                "答案：A",
                "解析：（无）",
                "分类：党章党规 / 党章",
                "难度：3",
                "标签：党章、组织制度",
                "分值：2.5",
                "图片：（无）",
            ])
        );
    }

    #[test]
    fn true_false_and_fill_in_answers_render_in_the_readers_language() {
        let mut d = draft();
        d.qtype = QuestionType::TrueFalse;
        d.options.clear();
        d.key = KeyForm::TrueFalse(false);
        assert!(draft_lines(&d, Lang::En).contains(&"Answer: False".to_owned()));
        d.qtype = QuestionType::FillBlank;
        d.key = KeyForm::Blanks {
            answers: vec![
                vec!["民主集中制".into()],
                vec!["党员".into(), "党的成员".into()],
            ],
            policy: BlankPolicy {
                fold_width: true,
                case_insensitive: true,
            },
        };
        let en = draft_lines(&d, Lang::En);
        assert!(en.contains(&"Answer: 民主集中制|党员/党的成员".to_owned()));
        assert!(en.contains(
            &"Blank matching: full- and half-width forms count as equal, letter case ignored"
                .to_owned()
        ));
    }

    #[test]
    fn changing_one_option_shows_one_removed_and_one_added_line() {
        let old = draft_lines(&draft(), Lang::ZhCn);
        let mut d = draft();
        d.options[1] = "中央军事委员会".into();
        let new = draft_lines(&d, Lang::ZhCn);
        let changed: Vec<_> = diff_lines(&old, &new)
            .into_iter()
            .filter(|l| l.kind != DiffKind::Same)
            .collect();
        assert_eq!(
            changed,
            vec![
                DiffLine {
                    kind: DiffKind::Removed,
                    text: "选项 B：中央纪律检查委员会".into()
                },
                DiffLine {
                    kind: DiffKind::Added,
                    text: "选项 B：中央军事委员会".into()
                },
            ]
        );
    }

    #[test]
    fn the_diff_keeps_a_longest_common_subsequence() {
        let d = diff_lines(&lines(&["a", "b", "c", "d"]), &lines(&["b", "x", "d", "e"]));
        let kinds: Vec<_> = d.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (DiffKind::Removed, "a"),
                (DiffKind::Same, "b"),
                (DiffKind::Removed, "c"),
                (DiffKind::Added, "x"),
                (DiffKind::Same, "d"),
                (DiffKind::Added, "e"),
            ]
        );
    }

    #[test]
    fn a_huge_middle_is_shown_as_removed_then_added() {
        let old: Vec<String> = (0..2_001).map(|i| format!("o{i}")).collect();
        let mut new: Vec<String> = (0..2_001).map(|i| format!("n{i}")).collect();
        new[1000] = "o1000".into();
        let d = diff_lines(&old, &new);
        assert_eq!(d.iter().filter(|l| l.kind == DiffKind::Same).count(), 0);
        assert_eq!(side(&d, DiffKind::Added), old);
        assert_eq!(side(&d, DiffKind::Removed), new);
    }

    /// Length of a longest common subsequence, for checking the diff keeps one.
    fn lcs_len(a: &[String], b: &[String]) -> usize {
        let mut row = vec![0usize; b.len() + 1];
        for x in a {
            let mut prev = 0;
            for (j, y) in b.iter().enumerate() {
                let keep = row[j + 1];
                row[j + 1] = if x == y {
                    prev + 1
                } else {
                    row[j + 1].max(row[j])
                };
                prev = keep;
            }
        }
        row[b.len()]
    }

    proptest! {
        #[test]
        fn the_diff_reconstructs_both_sides_with_a_longest_common_part(
            old in proptest::collection::vec("[abc]", 0..30),
            new in proptest::collection::vec("[abc]", 0..30),
        ) {
            let d = diff_lines(&old, &new);
            prop_assert_eq!(side(&d, DiffKind::Added), old.clone());
            prop_assert_eq!(side(&d, DiffKind::Removed), new.clone());
            let same = d.iter().filter(|l| l.kind == DiffKind::Same).count();
            prop_assert_eq!(same, lcs_len(&old, &new));
        }

        #[test]
        fn within_a_change_removed_lines_come_first(
            old in proptest::collection::vec("[ab]", 0..20),
            new in proptest::collection::vec("[ab]", 0..20),
        ) {
            let d = diff_lines(&old, &new);
            for w in d.windows(2) {
                prop_assert!(!(w[0].kind == DiffKind::Added && w[1].kind == DiffKind::Removed));
            }
        }

        #[test]
        fn a_version_compared_with_itself_has_no_changes(stem in "\\PC{0,40}", tags in proptest::collection::vec("\\PC{1,5}", 0..4)) {
            let mut d = draft();
            d.stem = stem;
            d.tags = tags;
            let l = draft_lines(&d, Lang::En);
            prop_assert!(diff_lines(&l, &l).iter().all(|x| x.kind == DiffKind::Same));
        }
    }
}
