//! Untrusted text (resource names, incident titles, ARM error messages) made safe to draw:
//! terminal escape sequences, control characters and bidi overrides never reach the screen.

use std::borrow::Cow;

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
    use super::sanitize;

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
