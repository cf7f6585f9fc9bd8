//! Unknown keys as located issues: serde's `deny_unknown_fields` stops at the first one, so
//! each is settled in the parsed file (read as the key it is a typo of, or taken out) and
//! parsing goes on, until every unknown key is named beside every other problem.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{Checker, ConfigIssue, RawConfig};

/// Deserializes the raw configuration; an unknown key is an issue (with a suggestion when a
/// known key is close), not the end of parsing: it is taken out — or read as the key it
/// suggests, when that key is missing — and parsing goes on, so one run names every problem.
/// None when the text cannot be read as a configuration at all (the TOML syntax, a wrong type,
/// a missing key: that issue is recorded too).
pub(super) fn deserialize(text: &str, ck: &mut Checker<'_>) -> Option<RawConfig> {
    let located = |ck: &mut Checker<'_>, e: &toml::de::Error| match e.span() {
        Some(span) => ck.at(span, e.message().trim()),
        None => ck.issues.push(ConfigIssue {
            line: None,
            column: None,
            message: e.message().trim().to_string(),
        }),
    };
    let mut table = match toml::de::DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            located(ck, &e);
            return None;
        }
    };
    // Each round settles one unknown key; a file has fewer keys than bytes.
    for _ in 0..=text.len() {
        let de = toml::de::Deserializer::from(table.clone());
        let e = match RawConfig::deserialize(de) {
            Ok(raw) => return Some(raw),
            Err(e) => e,
        };
        let settled = e
            .span()
            .zip(UnknownKey::parse(e.message()))
            .and_then(|(span, unknown)| {
                let message = settle_key_at(table.get_mut(), &span, &unknown, &mut Vec::new())?;
                Some((span, message))
            });
        let Some((span, message)) = settled else {
            located(ck, &e);
            return None;
        };
        ck.at(span, message);
    }
    None
}

/// serde's "unknown field `x`, expected one of `a`, `b`": the key and the keys it allows.
struct UnknownKey {
    key: String,
    expected: Vec<String>,
}

impl UnknownKey {
    fn parse(message: &str) -> Option<UnknownKey> {
        let rest = message.trim().strip_prefix("unknown field `")?;
        let (key, rest) = rest.split_once('`')?;
        let expected = rest
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        Some(UnknownKey {
            key: key.to_string(),
            expected,
        })
    }

    /// The allowed key it is a typo of, if one is close.
    fn suggestion(&self) -> Option<&str> {
        let lower = self.key.to_lowercase();
        self.expected
            .iter()
            .map(|k| (typo_distance(k, &lower), k))
            .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1))
            .min_by_key(|(d, _)| *d)
            .map(|(_, k)| k.as_str())
    }

    /// "unknown key 'rpo_minute' in [deployment] (did you mean 'rpo_minutes'?)".
    fn message(&self, table: &str) -> String {
        let place = if table.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in {table}")
        };
        match self.suggestion() {
            Some(k) => format!("unknown key '{}' {place} (did you mean '{k}'?)", self.key),
            None if self.expected.is_empty() => {
                format!("unknown key '{}' {place}: it takes no keys", self.key)
            }
            None => format!(
                "unknown key '{}' {place}; expected one of: {}",
                self.key,
                self.expected.join(", ")
            ),
        }
    }
}

/// Edits between two keys, a swap of neighbours counting as one ("muose" is one from "mouse").
fn typo_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Finds the unknown key whose name starts at `span` (at any depth of the parsed file) and
/// settles it: read as the key it is a typo of when that key is missing from its table (so the
/// rest is still checked, and no "missing key" hides it), else taken out. Returns the issue's
/// message, naming the table it is in.
fn settle_key_at(
    table: &mut toml::de::DeTable<'_>,
    span: &Range<usize>,
    unknown: &UnknownKey,
    path: &mut Vec<String>,
) -> Option<String> {
    let found = table.keys().find(|k| k.span().start == span.start).cloned();
    if let Some(k) = found {
        let value = table.remove(&k)?;
        if let Some(meant) = unknown.suggestion()
            && table.get(meant).is_none()
        {
            table.insert(
                Spanned::new(k.span(), std::borrow::Cow::Owned(meant.to_string())),
                value,
            );
        }
        // Which entry of an array of tables, by the name or id it gives itself.
        let in_array = path.last().is_some_and(|p| p == "[]");
        let named = ["name", "id"]
            .into_iter()
            .filter(|_| in_array)
            .find_map(|key| {
                let v = table.get(key)?.get_ref().as_str()?;
                Some(format!(" ({key} = \"{v}\")"))
            });
        let header = format!("{}{}", table_header(path), named.unwrap_or_default());
        return Some(unknown.message(&header));
    }
    for (k, v) in table.iter_mut() {
        path.push(k.get_ref().to_string());
        let found = match v.get_mut() {
            toml::de::DeValue::Table(t) => settle_key_at(t, span, unknown, path),
            toml::de::DeValue::Array(items) => items.iter_mut().find_map(|item| {
                path.push("[]".into());
                let found = match item.get_mut() {
                    toml::de::DeValue::Table(t) => settle_key_at(t, span, unknown, path),
                    _ => None,
                };
                path.pop();
                found
            }),
            _ => None,
        };
        path.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

/// A table's path as its TOML header: `[deployment]`, `[[components]]`, `[[runbook.steps]]`.
fn table_header(path: &[String]) -> String {
    if path.is_empty() {
        return String::new();
    }
    let in_array = path.last().is_some_and(|p| p == "[]");
    let name: Vec<&str> = path
        .iter()
        .filter(|p| *p != "[]")
        .map(String::as_str)
        .collect();
    if in_array {
        format!("[[{}]]", name.join("."))
    } else {
        format!("[{}]", name.join("."))
    }
}
