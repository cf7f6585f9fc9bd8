//! "Did you mean …?": the closest of a few known names to a misspelt one, shared by the
//! configuration (region names) and the console's `:` command line.

/// Levenshtein distance, for suggestions on short names.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate nearest to `word` within `max` edits (the first of equals), if any.
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(c, word), c))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_within_the_limit() {
        assert_eq!(edit_distance("refersh", "refresh"), 2);
        assert_eq!(
            closest("refersh", ["q", "refresh", "sort"], 2),
            Some("refresh")
        );
        assert_eq!(closest("frobnicate", ["q", "refresh", "sort"], 2), None);
    }
}
