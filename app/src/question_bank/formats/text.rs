//! Plain text out of the formatted text Moodle files carry (HTML, auto-format, plain).

/// How a piece of Moodle text is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextFormat {
    Html,
    /// Moodle's auto-format: HTML is allowed and line breaks are kept.
    Auto,
    /// Plain text and Markdown are taken as written: Markdown reads well as it is.
    Plain,
}

impl TextFormat {
    /// A Moodle XML `format` attribute; unknown names are treated as HTML, Moodle's own
    /// default.
    pub(super) fn from_xml(name: Option<&str>) -> TextFormat {
        match name.map(str::trim) {
            Some("moodle_auto_format") => TextFormat::Auto,
            Some("plain_text" | "markdown") => TextFormat::Plain,
            _ => TextFormat::Html,
        }
    }

    pub(super) fn to_plain(self, text: &str) -> String {
        match self {
            TextFormat::Html => html_to_text(text, false),
            TextFormat::Auto => html_to_text(text, true),
            TextFormat::Plain => text.trim().to_owned(),
        }
    }
}

/// Renders HTML as the text a reader sees: tags dropped, entities decoded, white space
/// collapsed, and line breaks where `<br>` and block elements put them.
pub(super) fn html_to_text(html: &str, keep_newlines: bool) -> String {
    let mut out = Out::default();
    let mut rest = html;
    // Once a "<" has no ">" after it, none later has either; looking again for each
    // would take quadratic time on hostile text.
    let mut tags_possible = true;
    while let Some(c) = rest.chars().next() {
        if c == '<' && tags_possible {
            match tag(rest, &mut out) {
                Tag::Consumed(after) => {
                    rest = after;
                    continue;
                }
                Tag::Unclosed => tags_possible = false,
                Tag::Text => {}
            }
        }
        if c == '&' {
            if let Some((decoded, after)) = entity(rest) {
                out.push(decoded);
                rest = after;
                continue;
            }
        }
        match c {
            '\n' if keep_newlines => out.line_break(),
            c if c.is_ascii_whitespace() => out.space = true,
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out.s.trim().to_owned()
}

#[derive(Default)]
struct Out {
    s: String,
    /// White space was seen since the last character.
    space: bool,
    /// A block element began or ended since the last character.
    block: bool,
}

impl Out {
    fn push(&mut self, c: char) {
        let at_line_start = self.s.is_empty() || self.s.ends_with('\n');
        if self.block && !at_line_start {
            self.trim_end();
            self.s.push('\n');
        } else if self.space && !at_line_start {
            self.s.push(' ');
        }
        self.s.push(c);
        self.space = false;
        self.block = false;
    }

    fn line_break(&mut self) {
        self.trim_end();
        self.s.push('\n');
        self.space = false;
        self.block = false;
    }

    fn trim_end(&mut self) {
        let kept = self.s.trim_end_matches(' ').len();
        self.s.truncate(kept);
    }
}

const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
];

enum Tag<'a> {
    Consumed(&'a str),
    /// The "<" is just text, as in "a < b".
    Text,
    /// Nothing after the "<" closes a tag.
    Unclosed,
}

/// Consumes a tag, comment or declaration at the start of `s` and applies its effect.
fn tag<'a>(s: &'a str, out: &mut Out) -> Tag<'a> {
    if let Some(body) = s.strip_prefix("<!--") {
        return Tag::Consumed(body.find("-->").map_or("", |end| &body[end + 3..]));
    }
    let Some(next) = s[1..].chars().next() else {
        return Tag::Unclosed;
    };
    if !(next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?')) {
        return Tag::Text;
    }
    let Some(end) = s.find('>') else {
        return Tag::Unclosed;
    };
    let inner = &s[1..end];
    let after = &s[end + 1..];
    let closing = inner.starts_with('/');
    let name: String = inner
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    match name.as_str() {
        "br" => out.line_break(),
        "td" | "th" => out.space = true,
        "script" | "style" if !closing => return Tag::Consumed(skip_element(after, &name)),
        n if BLOCK_TAGS.contains(&n) => out.block = true,
        _ => {}
    }
    Tag::Consumed(after)
}

/// Skips the content of an element whose text is not shown, up to its end tag.
fn skip_element<'a>(s: &'a str, name: &str) -> &'a str {
    let mut from = 0;
    while let Some(i) = s[from..].find("</") {
        let at = from + i;
        let candidate = s[at + 2..].get(..name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            return s[at..].find('>').map_or("", |end| &s[at + end + 1..]);
        }
        from = at + 2;
    }
    ""
}

/// Decodes a character reference or a common named entity at the start of `s`.
fn entity(s: &str) -> Option<(char, &str)> {
    // Entity names are short; looking no further keeps hostile "&&&…" text linear.
    let end = s
        .char_indices()
        .take(34)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i)?;
    let name = &s[1..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        char::from_u32(code).filter(|&c| c != '\0')?
    } else {
        named_entity(name)?
    };
    Some((c, &s[end + 1..]))
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        // A non-breaking space is a space the reader sees; it is never collapsed.
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "laquo" => '«',
        "raquo" => '»',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "middot" => '·',
        "bull" => '•',
        "times" => '×',
        "divide" => '÷',
        "plusmn" => '±',
        "deg" => '°',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "sect" => '§',
        "para" => '¶',
        "yen" => '¥',
        "euro" => '€',
        "pound" => '£',
        "cent" => '¢',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "rarr" => '→',
        "larr" => '←',
        "radic" => '√',
        "check" => '✓',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_line_breaks_become_lines_and_tags_disappear() {
        assert_eq!(
            html_to_text("<p>Testing <b>Iota</b>\n   Question</p><p>Two</p>", false),
            "Testing Iota Question\nTwo"
        );
        assert_eq!(
            html_to_text("<a href=\"x\">Listen:</a><br /><br />What language?", false),
            "Listen:\n\nWhat language?"
        );
    }

    #[test]
    fn entities_are_decoded_and_a_lone_angle_bracket_is_text() {
        assert_eq!(
            html_to_text(
                "a &lt; b &amp;&amp; c&nbsp;&nbsp;d &#20013;&#x6587; &bogus; < e",
                false
            ),
            "a < b && c  d 中文 &bogus; < e"
        );
    }

    #[test]
    fn scripts_styles_and_comments_are_not_text() {
        assert_eq!(
            html_to_text(
                "x<script>alert(1)</script><style>p{}</style><!-- note -->y",
                false
            ),
            "xy"
        );
    }

    #[test]
    fn auto_format_keeps_the_line_breaks_typed() {
        assert_eq!(
            html_to_text("one\ntwo <i>three</i>", true),
            "one\ntwo three"
        );
    }

    #[test]
    fn unterminated_markup_never_panics() {
        for s in [
            "<",
            "<a",
            "<!--",
            "&",
            "&#",
            "&#x;",
            "&#99999999;",
            "<script>",
            "<p",
        ] {
            let _ = html_to_text(s, false);
        }
    }
}
