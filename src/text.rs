//! The one text toolkit for every output (console, `status`, `journal`, plan Markdown,
//! reports): untrusted text (resource names, incident titles, ARM error messages) made safe —
//! terminal escape sequences, control characters and bidirectional overrides never reach a
//! screen, a file or a pipe — and JSON that escapes what serde would emit raw (C1 controls,
//! bidi overrides, line separators).

use std::borrow::Cow;
use std::io;

use serde::Serialize;

/// Text from Azure without escape sequences or control characters; whitespace controls
/// (`\t`, `\n`, `\r`) become one space so words stay apart. Borrows when nothing changes.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\t' | '\n' | '\r' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `sanitize`, on one line: runs of whitespace become one space, no leading or trailing space
/// (for tables and single-line output).
pub fn one_line(text: &str) -> String {
    sanitize(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// JSON, pretty-printed, with every character a terminal or an editor could misread escaped
/// as `\uXXXX` (C1 controls such as U+009B, bidi overrides such as U+202E, U+2028/U+2029).
pub fn to_json_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    let formatter = SafeFormatter(serde_json::ser::PrettyFormatter::new());
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    if value.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A JSON formatter that escapes the characters `json_escaped` names.
struct SafeFormatter<F>(F);

/// Whether JSON output escapes a character that serde would write raw.
fn json_escaped(c: char) -> bool {
    ('\u{7f}'..='\u{9f}').contains(&c) || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if json_escaped(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Whether a character must not be drawn as is.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Bidirectional overrides and isolates, which reorder what follows them (Trojan Source).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Skips the rest of an escape sequence after ESC: CSI (`ESC [ ... final`), OSC (`ESC ] ...
/// BEL|ST`) or a two-character escape.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
        Some(']') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                    break;
                }
            }
        }
        Some(c) if !c.is_control() => {
            chars.next();
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{one_line, sanitize, to_json_pretty};

    #[test]
    fn json_escapes_what_a_terminal_would_obey() {
        let v =
            serde_json::json!({"name": "a\u{9b}2Jb\u{202e}c\u{2028}d\u{1b}e", "ok": "Région ✔"});
        let text = to_json_pretty(&v);
        assert!(
            text.contains(r#""a\u009b2Jb\u202ec\u2028d\u001be""#),
            "{text}"
        );
        assert!(text.contains("Région ✔"), "{text}");
        assert!(
            !text
                .chars()
                .any(|c| ('\u{7f}'..='\u{9f}').contains(&c) || c == '\u{202e}')
        );
        // Still JSON, and the same value.
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn one_line_collapses_whitespace_and_strips_residue() {
        assert_eq!(one_line("  a\n\tb  \x1b[2J c\u{202e}d "), "a b cd");
        assert_eq!(one_line("x\x1b]0;pwned\x07y"), "xy");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(
            sanitize("mlw-contoso-eastus"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_sequences_are_removed() {
        assert_eq!(sanitize("\x1b[31mred\x1b[0m name"), "red name");
        assert_eq!(sanitize("a\x1b]0;pwned\x07b"), "ab");
        assert_eq!(sanitize("a\x1b]8;;http://x\x1b\\b"), "ab");
        assert_eq!(sanitize("x\x1bcy"), "xy");
    }

    #[test]
    fn control_characters_are_removed_or_spaced() {
        assert_eq!(sanitize("line1\r\nline2"), "line1 line2");
        assert_eq!(sanitize("a\tb"), "a b");
        assert_eq!(sanitize("bell\u{7}!"), "bell!");
        assert_eq!(sanitize("nul\0del\u{7f}c1\u{9b}"), "nuldelc1");
        assert_eq!(sanitize("abc\u{202e}fed"), "abcfed");
    }

    #[test]
    fn non_ascii_text_is_kept() {
        assert_eq!(sanitize("Région Est — ✔ 東日本"), "Région Est — ✔ 東日本");
    }
}
