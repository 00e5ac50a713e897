//! Moodle XML: reading a `<quiz>` file into drafts. A DOCTYPE is refused outright, so no
//! entity can be declared, let alone expanded; only XML's five entities and character
//! references are decoded.

use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::FieldProblem;
use crate::i18n::Msg;
use crate::question_bank::model::{BlankPolicy, KeyForm, Points, QuestionDraft, QuestionType};

use super::gift::GAP;
use super::sheet::{DEFAULT_DIFFICULTY, DEFAULT_POINTS};
use super::text::TextFormat;
use super::{literal_short_answer, parse_fraction, split_category, Locator, Parsed, RawItem};

/// Elements one `<question>` may hold; a real one has a few dozen.
const MAX_QUESTION_ELEMENTS: usize = 5_000;
const MAX_DEPTH: usize = 32;
/// The tag that carries difficulty, which Moodle has no field for.
pub(super) const DIFFICULTY_TAG: &str = "difficulty:";
/// examhall's full-width/half-width rule for fill-in answers, which Moodle ignores.
pub(super) const FOLD_WIDTH_ELEMENT: &str = "examhall_foldwidth";

/// An element of one question, with its text (character data joined) and children.
#[derive(Default)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<El>,
}

impl El {
    fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text of `<name><text>…</text></name>`-style fields.
    fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)?.child("text").map(|t| t.text.as_str())
    }

    /// A formatted text field as plain text.
    fn formatted(&self, name: &str) -> String {
        self.child(name).map_or_else(String::new, |field| {
            let text = field.child("text").map_or("", |t| t.text.as_str());
            TextFormat::from_xml(field.attr("format")).to_plain(text)
        })
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
}

pub(super) fn parse(text: &str) -> Result<Vec<RawItem>, Msg> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut items = Vec::new();
    let mut category = Vec::new();
    let mut index: u32 = 0;
    let mut depth: usize = 0;
    let mut seen_root = false;
    loop {
        match reader.read_event().map_err(|_| Msg::ErrXmlInvalid)? {
            Event::DocType(_) => return Err(Msg::ErrXmlDoctype),
            Event::Start(start) => {
                let name = local_name(&start)?;
                depth += 1;
                if depth == 1 {
                    if seen_root || name != "quiz" {
                        return Err(Msg::ErrXmlInvalid);
                    }
                    seen_root = true;
                } else if depth == 2 && name == "question" {
                    index = index.saturating_add(1);
                    let el = read_element(&mut reader, &start)?;
                    depth -= 1;
                    if let Some(parsed) = question(&el, &mut category) {
                        if items.len() >= super::MAX_ITEMS {
                            return Err(Msg::ErrTooManyQuestions);
                        }
                        items.push(RawItem {
                            locator: Locator::Question(index),
                            parsed,
                        });
                    }
                } else if depth > MAX_DEPTH {
                    return Err(Msg::ErrXmlInvalid);
                }
            }
            Event::End(_) => depth = depth.checked_sub(1).ok_or(Msg::ErrXmlInvalid)?,
            Event::Text(t)
                if depth == 0
                    && !t
                        .decode()
                        .map_err(|_| Msg::ErrXmlInvalid)?
                        .trim()
                        .is_empty() =>
            {
                return Err(Msg::ErrXmlInvalid);
            }
            Event::CData(_) | Event::GeneralRef(_) if depth == 0 => {
                return Err(Msg::ErrXmlInvalid);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root || depth != 0 {
        return Err(Msg::ErrXmlInvalid);
    }
    Ok(items)
}

fn local_name(start: &BytesStart<'_>) -> Result<String, Msg> {
    std::str::from_utf8(start.local_name().as_ref())
        .map(str::to_owned)
        .map_err(|_| Msg::ErrXmlInvalid)
}

fn element(reader: &Reader<&[u8]>, start: &BytesStart<'_>) -> Result<El, Msg> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|_| Msg::ErrXmlInvalid)?;
        let key = std::str::from_utf8(attr.key.local_name().as_ref())
            .map_err(|_| Msg::ErrXmlInvalid)?
            .to_owned();
        let value = attr
            .decode_and_unescape_value(reader.decoder())
            .map_err(|_| Msg::ErrXmlInvalid)?;
        attrs.push((key, value.into_owned()));
    }
    Ok(El {
        name: local_name(start)?,
        attrs,
        ..El::default()
    })
}

/// Reads the element that `start` opened, through its end tag, into a tree.
fn read_element(reader: &mut Reader<&[u8]>, start: &BytesStart<'_>) -> Result<El, Msg> {
    let mut stack = vec![element(reader, start)?];
    let mut count = 1;
    loop {
        let event = reader.read_event().map_err(|_| Msg::ErrXmlInvalid)?;
        let top = stack.last_mut().ok_or(Msg::ErrXmlInvalid)?;
        match event {
            Event::DocType(_) => return Err(Msg::ErrXmlDoctype),
            Event::Start(s) => {
                count += 1;
                if count > MAX_QUESTION_ELEMENTS {
                    return Err(Msg::ErrFileTooLarge);
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(Msg::ErrXmlInvalid);
                }
                let child = element(reader, &s)?;
                stack.push(child);
            }
            Event::End(_) => {
                let done = stack.pop().ok_or(Msg::ErrXmlInvalid)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Ok(done),
                }
            }
            Event::Text(t) => {
                top.text
                    .push_str(&t.xml10_content().map_err(|_| Msg::ErrXmlInvalid)?);
            }
            Event::CData(c) => {
                top.text
                    .push_str(&c.xml10_content().map_err(|_| Msg::ErrXmlInvalid)?);
            }
            Event::GeneralRef(r) => match r.resolve_char_ref().map_err(|_| Msg::ErrXmlInvalid)? {
                Some(c) => top.text.push(c),
                None => {
                    let name = r.decode().map_err(|_| Msg::ErrXmlInvalid)?;
                    let known = resolve_xml_entity(&name).ok_or(Msg::ErrXmlInvalid)?;
                    top.text.push_str(known);
                }
            },
            Event::Eof => return Err(Msg::ErrXmlInvalid),
            _ => {}
        }
    }
}

// ---- questions ----

/// A draft or a skip for one `<question>`; None for a category switch.
fn question(el: &El, category: &mut Vec<String>) -> Option<Parsed> {
    let qtype = el.attr("type").unwrap_or("").trim();
    let parsed = match qtype {
        "category" => {
            if let Some(path) = el.text_of("category") {
                *category = split_category(path);
            }
            return None;
        }
        "multichoice" => multichoice(el),
        "truefalse" => true_false(el),
        "shortanswer" => short_answer(el),
        "multianswer" => cloze(el),
        "essay" => Parsed::skipped(Msg::SkipEssay),
        "match" | "ddmatch" | "randomsamatch" => Parsed::skipped(Msg::SkipMatching),
        "numerical" | "calculated" | "calculatedsimple" | "calculatedmulti" => {
            Parsed::skipped(Msg::SkipNumerical)
        }
        "description" => Parsed::skipped(Msg::SkipDescription),
        other => Parsed::Skipped {
            reason: Msg::SkipUnsupportedType,
            detail: Some(other.chars().take(40).collect()),
        },
    };
    Some(match parsed {
        Parsed::Draft(mut draft, mut problems) => {
            draft.category = category.clone();
            common(el, &mut draft, &mut problems);
            Parsed::Draft(draft, problems)
        }
        other => other,
    })
}

/// Stem, explanation, points, tags and difficulty, which every type has alike.
fn common(el: &El, draft: &mut QuestionDraft, problems: &mut Vec<FieldProblem>) {
    draft.explanation = el.formatted("generalfeedback");
    if let Some(grade) = el.value("defaultgrade") {
        match parse_grade(grade) {
            Some(p) => draft.points = p,
            None => problems.push(FieldProblem::with_detail(
                "points",
                Msg::ErrPointsInvalid,
                grade.chars().take(20).collect::<String>(),
            )),
        }
    }
    let tags = el.child("tags").into_iter().flat_map(|t| t.all("tag"));
    for tag in tags {
        let text = tag.child("text").map_or("", |t| t.text.trim());
        let level = text
            .strip_prefix(DIFFICULTY_TAG)
            .and_then(|d| d.trim().parse::<u8>().ok());
        match level {
            Some(d) => draft.difficulty = d,
            None => draft.tags.push(text.to_owned()),
        }
    }
}

/// Moodle writes grades with seven decimals ("2.5000000"); up to two are kept, more
/// are not a grade examhall can hold.
fn parse_grade(s: &str) -> Option<Points> {
    let s = s.trim();
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    };
    Points::parse(if s.is_empty() { "0" } else { s })
}

/// A draft of what the type-specific parts say; `common` fills in the rest.
fn draft(qtype: QuestionType, stem: String, options: Vec<String>, key: KeyForm) -> Parsed {
    Parsed::Draft(
        QuestionDraft {
            qtype,
            stem,
            options,
            key,
            explanation: String::new(),
            category: Vec::new(),
            difficulty: DEFAULT_DIFFICULTY,
            tags: Vec::new(),
            points: DEFAULT_POINTS,
            image: None,
        },
        Vec::new(),
    )
}

fn fraction(answer: &El) -> f64 {
    answer
        .attr("fraction")
        .and_then(parse_fraction)
        .unwrap_or(0.0)
}

fn is_true(value: Option<&str>) -> bool {
    matches!(value, Some("true" | "1"))
}

/// Single choice keys the best answer (Moodle allows partial credit on others); multiple
/// response keys every answer worth something.
fn multichoice(el: &El) -> Parsed {
    let single = el.value("single").is_none_or(|v| is_true(Some(v)));
    let answers: Vec<&El> = el.all("answer").collect();
    let options = answers
        .iter()
        .map(|a| {
            let text = a.child("text").map_or("", |t| t.text.as_str());
            TextFormat::from_xml(a.attr("format")).to_plain(text)
        })
        .collect();
    let fractions: Vec<f64> = answers.iter().map(|a| fraction(a)).collect();
    let best = fractions.iter().copied().fold(0.0_f64, f64::max);
    let correct: Vec<usize> = (0..fractions.len())
        .filter(|&i| fractions[i] > 0.0 && (!single || fractions[i] >= best))
        .collect();
    let qtype = if single || correct.len() == 1 {
        QuestionType::Single
    } else {
        QuestionType::Multiple
    };
    draft(
        qtype,
        el.formatted("questiontext"),
        options,
        KeyForm::Choice(correct),
    )
}

fn true_false(el: &El) -> Parsed {
    let stem = el.formatted("questiontext");
    let right = el
        .all("answer")
        .filter(|a| fraction(a) > 0.0)
        .max_by(|a, b| fraction(a).total_cmp(&fraction(b)))
        .and_then(|a| a.child("text"))
        .and_then(|t| crate::question_bank::domain::parse_truth(&t.text));
    let parsed = draft(
        QuestionType::TrueFalse,
        stem,
        Vec::new(),
        KeyForm::TrueFalse(right.unwrap_or(false)),
    );
    match (parsed, right) {
        (Parsed::Draft(d, _), None) => {
            Parsed::Draft(d, vec![FieldProblem::new("answer", Msg::ErrAnswerTruth)])
        }
        (parsed, _) => parsed,
    }
}

fn fold_width(el: &El) -> bool {
    is_true(el.value(FOLD_WIDTH_ELEMENT))
}

fn short_answer(el: &El) -> Parsed {
    let mut accepted = Vec::new();
    for answer in el.all("answer").filter(|a| fraction(a) > 0.0) {
        let text = answer.child("text").map_or("", |t| t.text.trim());
        match literal_short_answer(text) {
            Some(a) => accepted.push(a),
            None => return Parsed::skipped(Msg::SkipWildcard),
        }
    }
    let key = KeyForm::Blanks {
        answers: vec![accepted],
        policy: BlankPolicy {
            fold_width: fold_width(el),
            case_insensitive: !is_true(el.value("usecase")),
        },
    };
    draft(
        QuestionType::FillBlank,
        el.formatted("questiontext"),
        Vec::new(),
        key,
    )
}

/// Cloze ("embedded answers") questions whose gaps are all short answers are fill-in
/// questions; any other gap (numbers, menus) has no examhall equivalent.
fn cloze(el: &El) -> Parsed {
    let text = el.formatted("questiontext");
    let unsupported = || Parsed::Skipped {
        reason: Msg::SkipUnsupportedType,
        detail: Some("multianswer".into()),
    };
    let Some(parts) = cloze_parts(&text) else {
        return unsupported();
    };
    let mut stem = String::new();
    let mut answers = Vec::new();
    let mut case_sensitive = false;
    for part in &parts {
        match part {
            ClozePart::Text(t) => stem.push_str(t),
            ClozePart::Gap {
                accepted,
                case_sensitive: c,
            } => {
                stem.push_str(GAP);
                case_sensitive |= *c;
                let mut literal = Vec::new();
                for a in accepted {
                    match literal_short_answer(a) {
                        Some(a) => literal.push(a),
                        None => return Parsed::skipped(Msg::SkipWildcard),
                    }
                }
                answers.push(literal);
            }
        }
    }
    if answers.is_empty() {
        return unsupported();
    }
    let stem = match gaps_on_last_line(&parts) {
        Some(before) => before,
        None => stem,
    };
    let key = KeyForm::Blanks {
        answers,
        policy: BlankPolicy {
            fold_width: fold_width(el),
            case_insensitive: !case_sensitive,
        },
    };
    draft(QuestionType::FillBlank, stem, Vec::new(), key)
}

enum ClozePart {
    Text(String),
    Gap {
        accepted: Vec<String>,
        case_sensitive: bool,
    },
}

/// Splits Cloze text into text and short-answer gaps (`{1:SHORTANSWER:=a~=b}`); None if
/// a gap is of another kind.
fn cloze_parts(text: &str) -> Option<Vec<ClozePart>> {
    let mut parts = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match cloze_gap(after) {
            Brace::Gap(gap, len) => {
                plain.push_str(&rest[..open]);
                parts.push(ClozePart::Text(std::mem::take(&mut plain)));
                parts.push(gap?);
                rest = &after[len..];
            }
            Brace::Text => {
                plain.push_str(&rest[..=open]);
                rest = after;
            }
            // No "}" closes it, so none closes a later one either.
            Brace::Unclosed => break,
        }
    }
    plain.push_str(rest);
    parts.push(ClozePart::Text(plain));
    Some(parts)
}

/// What a "{" in Cloze text opens.
enum Brace {
    /// A gap (None if it is not a short answer) and the length it took through "}".
    Gap(Option<ClozePart>, usize),
    /// Nothing: the "{" is just text.
    Text,
    /// A gap that no "}" closes.
    Unclosed,
}

/// Reads a gap from just after its "{": a weight, a type, then answers up to "}".
fn cloze_gap(s: &str) -> Brace {
    let head_len = s.bytes().take(40).take_while(|b| *b != b'}').count();
    let head = &s.as_bytes()[..head_len];
    let Some(weight_end) = head.iter().position(|&b| b == b':') else {
        return Brace::Text;
    };
    let Some(type_len) = head[weight_end + 1..].iter().position(|&b| b == b':') else {
        return Brace::Text;
    };
    let kind = &head[weight_end + 1..weight_end + 1 + type_len];
    if !head[..weight_end].iter().all(u8::is_ascii_digit)
        || kind.is_empty()
        || !kind.iter().all(|&b| b.is_ascii_uppercase() || b == b'_')
    {
        return Brace::Text;
    }
    // Only ASCII so far, so these are character boundaries.
    let body_start = weight_end + 1 + type_len + 1;
    let Some(body_len) = unescaped_close(&s[body_start..]) else {
        return Brace::Unclosed;
    };
    let body = &s[body_start..body_start + body_len];
    let total = body_start + body_len + 1;
    let case_sensitive = match kind {
        b"SHORTANSWER" | b"SA" | b"MW" => false,
        b"SHORTANSWER_C" | b"SAC" | b"MWC" => true,
        _ => return Brace::Gap(None, total),
    };
    let accepted = split_unescaped(body, '~')
        .into_iter()
        .filter_map(|answer| {
            let answer = answer.trim();
            let (weight, rest) = match answer.strip_prefix('=') {
                Some(rest) => (100.0, rest),
                None => cloze_weight(answer).unwrap_or((0.0, answer)),
            };
            let text = split_unescaped(rest, '#').into_iter().next().unwrap_or("");
            (weight > 0.0).then(|| unescape_cloze(text.trim()))
        })
        .collect();
    Brace::Gap(
        Some(ClozePart::Gap {
            accepted,
            case_sensitive,
        }),
        total,
    )
}

fn cloze_weight(s: &str) -> Option<(f64, &str)> {
    let rest = s.strip_prefix('%')?;
    let end = rest.find('%')?;
    Some((parse_fraction(&rest[..end])?, &rest[end + 1..]))
}

/// Byte offset of the first "}" not escaped by a backslash.
fn unescaped_close(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '}' => return Some(i),
            _ => {}
        }
    }
    None
}

fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == sep => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Removes Cloze's escapes; `\*` stays, as the short answer's literal star.
fn unescape_cloze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&n)) if matches!(n, '}' | '{' | '~' | '#' | '/' | '"' | '\\') => {
                out.push(n);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// examhall writes a multi-blank question as its stem followed by a line of gaps; such a
/// question reads back as just its stem.
fn gaps_on_last_line(parts: &[ClozePart]) -> Option<String> {
    let (last, before) = parts.split_last()?;
    let ClozePart::Text(tail) = last else {
        return None;
    };
    if !tail.trim().is_empty() {
        return None;
    }
    let mut stem = String::new();
    let mut gaps_started = false;
    for part in before {
        match part {
            ClozePart::Gap { .. } => gaps_started = true,
            ClozePart::Text(t) if gaps_started => {
                if !t.trim().is_empty() || t.contains('\n') {
                    return None;
                }
            }
            ClozePart::Text(t) => {
                let (head, line) = t.rsplit_once('\n')?;
                if !line.trim().is_empty() {
                    return None;
                }
                stem.push_str(head);
            }
        }
    }
    let stem = stem.trim().to_owned();
    (!stem.is_empty()).then_some(stem)
}
