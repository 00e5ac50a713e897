//! GIFT, Moodle's plain-text question format: reading a file into drafts, following
//! Moodle's own importer (qformat_gift) where the documentation leaves things open.

use crate::error::FieldProblem;
use crate::i18n::Msg;
use crate::question_bank::model::{BlankPolicy, KeyForm, QuestionDraft, QuestionType};

use super::sheet::{DEFAULT_DIFFICULTY, DEFAULT_POINTS};
use super::text::{html_to_text, TextFormat};
use super::{literal_short_answer, parse_fraction, split_category, Locator, Parsed, RawItem};

/// No real question comes near this; a longer block is refused before it is taken apart.
const MAX_BLOCK_CHARS: usize = 200_000;
/// What Moodle puts where the answers sat inside the text ("missing word" questions).
pub(super) const GAP: &str = "_____";

pub(super) fn parse(text: &str) -> Result<Vec<RawItem>, Msg> {
    let mut items = Vec::new();
    let mut category = Vec::new();
    for block in blocks(text) {
        let mut lines = &block[..];
        if let Some(path) = lines
            .first()
            .and_then(|(_, l)| l.strip_prefix("$CATEGORY:"))
        {
            category = split_category(path);
            lines = &lines[1..];
        }
        let Some(&(line_no, _)) = lines.first() else {
            continue;
        };
        if items.len() >= super::MAX_ITEMS {
            return Err(Msg::ErrTooManyQuestions);
        }
        let joined: Vec<&str> = lines.iter().map(|(_, l)| *l).collect();
        items.push(RawItem {
            locator: Locator::Line(line_no),
            parsed: question(&joined.join("\n"), &category),
        });
    }
    Ok(items)
}

/// Questions are separated by blank lines; lines are trimmed and `//` comment lines
/// dropped, as Moodle does. Each line keeps its 1-based number.
fn blocks(text: &str) -> Vec<Vec<(u32, &str)>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else if !line.starts_with("//") {
            let n = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
            current.push((n, line));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One character of a question; `lit` marks one that came from an escape (`\{`), which
/// is never syntax.
#[derive(Clone, Copy)]
struct Ch {
    c: char,
    lit: bool,
}

fn unescape(text: &str) -> Vec<Ch> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let escaped = match (c, chars.peek()) {
            ('\\', Some(&n)) if matches!(n, '\\' | ':' | '#' | '=' | '{' | '}' | '~') => Some(n),
            ('\\', Some('n')) => Some('\n'),
            _ => None,
        };
        match escaped {
            Some(e) => {
                chars.next();
                out.push(Ch { c: e, lit: true });
            }
            None => out.push(Ch { c, lit: false }),
        }
    }
    out
}

fn is(ch: &Ch, c: char) -> bool {
    !ch.lit && ch.c == c
}

fn find(s: &[Ch], c: char) -> Option<usize> {
    s.iter().position(|ch| is(ch, c))
}

fn starts_with(s: &[Ch], pat: &str) -> bool {
    let mut it = s.iter();
    pat.chars().all(|p| it.next().is_some_and(|ch| is(ch, p)))
}

fn find_str(s: &[Ch], pat: &str) -> Option<usize> {
    (0..s.len()).find(|&i| starts_with(&s[i..], pat))
}

fn rfind_str(s: &[Ch], pat: &str) -> Option<usize> {
    (0..s.len()).rev().find(|&i| starts_with(&s[i..], pat))
}

fn trim(s: &[Ch]) -> &[Ch] {
    let start = s
        .iter()
        .position(|ch| !ch.c.is_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|ch| !ch.c.is_whitespace())
        .map_or(start, |e| e + 1);
    &s[start..end]
}

fn text_of(s: &[Ch]) -> String {
    s.iter().map(|ch| ch.c).collect()
}

/// Splits off a leading `[html]`, `[moodle]`, `[plain]` or `[markdown]`.
fn format_of(s: &[Ch], default: TextFormat) -> (TextFormat, &[Ch]) {
    let s = trim(s);
    if s.first().is_some_and(|ch| is(ch, '[')) {
        if let Some(end) = find(s, ']') {
            let format = match text_of(&s[1..end]).as_str() {
                "html" => Some(TextFormat::Html),
                "moodle" | "plain" | "markdown" => Some(TextFormat::Plain),
                _ => None,
            };
            if let Some(f) = format {
                return (f, trim(&s[end + 1..]));
            }
        }
    }
    (default, s)
}

/// Text in its format as plain text. Moodle's own format is taken as written: GIFT files
/// are typed by hand, and "a < b" there means what it says.
fn render(s: &[Ch], default: TextFormat) -> (TextFormat, String) {
    let (format, body) = format_of(s, default);
    let text = text_of(body);
    let text = match format {
        TextFormat::Html => html_to_text(&text, false),
        TextFormat::Auto | TextFormat::Plain => text.trim().to_owned(),
    };
    (format, text)
}

fn question(text: &str, category: &[String]) -> Parsed {
    if text.chars().count() > MAX_BLOCK_CHARS {
        return Parsed::Invalid(vec![FieldProblem::with_detail(
            "stem",
            Msg::ErrTooLong,
            MAX_BLOCK_CHARS.to_string(),
        )]);
    }
    let chars = unescape(text);
    let body = strip_title(trim(&chars));
    let (open, close) = (find(body, '{'), find(body, '}'));
    let (open, close) = match (open, close) {
        (None, None) => return Parsed::skipped(Msg::SkipDescription),
        (Some(o), Some(c)) if o < c => (o, c),
        _ => {
            return Parsed::Invalid(vec![FieldProblem::new("answer", Msg::ErrGiftBraces)]);
        }
    };
    let stem_chars = stem_without_answers(body, open, close);
    let mut answers = trim(&body[open + 1..close]);
    let mut feedback: &[Ch] = &[];
    if let Some(at) = rfind_str(answers, "####") {
        feedback = &answers[at + 4..];
        answers = trim(&answers[..at]);
    }
    let (format, stem) = render(&stem_chars, TextFormat::Plain);
    let (_, explanation) = render(feedback, format);
    let draft = |qtype, options, key| QuestionDraft {
        qtype,
        stem: stem.clone(),
        options,
        key,
        explanation: explanation.clone(),
        category: category.to_vec(),
        difficulty: DEFAULT_DIFFICULTY,
        tags: Vec::new(),
        points: DEFAULT_POINTS,
        image: None,
    };
    if answers.is_empty() {
        return Parsed::skipped(Msg::SkipEssay);
    }
    if answers.first().is_some_and(|ch| is(ch, '#')) {
        return Parsed::skipped(Msg::SkipNumerical);
    }
    if find(answers, '~').is_some() {
        let (qtype, options, key) = choice(answers, format);
        return Parsed::Draft(draft(qtype, options, KeyForm::Choice(key)), Vec::new());
    }
    if find(answers, '=').is_some() && find_str(answers, "->").is_some() {
        return Parsed::skipped(Msg::SkipMatching);
    }
    if let Some(truth) = true_false(answers) {
        return Parsed::Draft(
            draft(
                QuestionType::TrueFalse,
                Vec::new(),
                KeyForm::TrueFalse(truth),
            ),
            Vec::new(),
        );
    }
    match short_answers(answers) {
        Some(accepted) => {
            let key = KeyForm::Blanks {
                answers: vec![accepted],
                // Moodle's short answers ignore case unless told otherwise, and GIFT
                // cannot tell it otherwise.
                policy: BlankPolicy {
                    fold_width: false,
                    case_insensitive: true,
                },
            };
            Parsed::Draft(draft(QuestionType::FillBlank, Vec::new(), key), Vec::new())
        }
        None => Parsed::skipped(Msg::SkipWildcard),
    }
}

/// Drops a leading `::title::`; a title without its closing `::` loses only the opening.
fn strip_title(s: &[Ch]) -> &[Ch] {
    if !starts_with(s, "::") {
        return s;
    }
    let rest = &s[2..];
    match find_str(rest, "::") {
        Some(end) => trim(&rest[end + 2..]),
        None => rest,
    }
}

/// The question text is what surrounds the answers; answers inside the text leave a gap.
fn stem_without_answers(body: &[Ch], open: usize, close: usize) -> Vec<Ch> {
    let mut stem = body[..open].to_vec();
    let after = trim(&body[close + 1..]);
    if !after.is_empty() {
        stem.extend(GAP.chars().map(|c| Ch { c, lit: true }));
        stem.extend_from_slice(&body[close + 1..]);
    }
    stem
}

/// A weight such as `%50%` or `%-33.3333%` at the start; the weight and the rest.
fn weight(s: &[Ch]) -> Option<(f64, &[Ch])> {
    if !s.first().is_some_and(|ch| is(ch, '%')) {
        return None;
    }
    let end = s.iter().skip(1).take(16).position(|ch| is(ch, '%'))? + 1;
    let w = parse_fraction(&text_of(&s[1..end]))?;
    Some((w, &s[end + 1..]))
}

/// Text before the first unescaped `#`; what follows is feedback, which examhall has no
/// place for.
fn without_feedback(s: &[Ch]) -> &[Ch] {
    trim(find(s, '#').map_or(s, |at| &s[..at]))
}

/// Splits answers at each unescaped marker, keeping the marker; text before the first
/// marker is an answer without one.
fn split_marked<'a>(s: &'a [Ch], markers: &[char]) -> Vec<(Option<char>, &'a [Ch])> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut marker = None;
    for (i, ch) in s.iter().enumerate() {
        if !ch.lit && markers.contains(&ch.c) {
            out.push((marker, &s[start..i]));
            marker = Some(ch.c);
            start = i + 1;
        }
    }
    out.push((marker, &s[start..]));
    out.into_iter()
        .filter(|(m, part)| m.is_some() || !trim(part).is_empty())
        .collect()
}

/// Multiple choice: `=` marks the right answer (single choice); otherwise every answer
/// with a positive weight is right, one right answer making it single choice.
fn choice(s: &[Ch], format: TextFormat) -> (QuestionType, Vec<String>, Vec<usize>) {
    let mut options = Vec::new();
    let mut weights = Vec::new();
    let mut single = false;
    for (marker, part) in split_marked(s, &['~', '=']) {
        let part = trim(part);
        let (w, rest) = match marker {
            Some('=') => {
                single = true;
                (100.0, part)
            }
            _ => weight(part).unwrap_or((0.0, part)),
        };
        options.push(render(without_feedback(rest), format).1);
        weights.push(w);
    }
    let best = weights.iter().copied().fold(0.0_f64, f64::max);
    let correct: Vec<usize> = (0..weights.len())
        .filter(|&i| weights[i] > 0.0 && (!single || weights[i] >= best))
        .collect();
    let qtype = if single || correct.len() == 1 {
        QuestionType::Single
    } else {
        QuestionType::Multiple
    };
    (qtype, options, correct)
}

fn true_false(s: &[Ch]) -> Option<bool> {
    match text_of(without_feedback(s)).to_ascii_uppercase().as_str() {
        "T" | "TRUE" => Some(true),
        "F" | "FALSE" => Some(false),
        _ => None,
    }
}

/// The accepted answers (positive weight) of a short-answer question; None when one of
/// them relies on the `*` wildcard.
fn short_answers(s: &[Ch]) -> Option<Vec<String>> {
    let mut accepted = Vec::new();
    for (_, part) in split_marked(s, &['=']) {
        let part = trim(part);
        let (w, rest) = weight(part).unwrap_or((100.0, part));
        if w <= 0.0 {
            continue;
        }
        let (_, body) = format_of(without_feedback(rest), TextFormat::Plain);
        accepted.push(literal_short_answer(text_of(body).trim())?);
    }
    Some(accepted)
}
