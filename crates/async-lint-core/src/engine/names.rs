//! "Did you mean": the known rule name closest to a misspelt one.

use super::pseudo::PSEUDO_RULES;
use crate::rules;

/// The rule name closest to `name` (edit distance, `_` read as `-`), when it is close enough
/// to be a typo of it.
pub fn closest_rule(name: &str) -> Option<&'static str> {
    let wanted = name.to_ascii_lowercase().replace('_', "-");
    rules::RULES
        .iter()
        .map(|r| r.meta())
        .chain(PSEUDO_RULES.iter().copied())
        .map(|m| m.name)
        .map(|known| (distance(&wanted, known), known))
        .filter(|(d, known)| *d <= (known.len() / 3).max(2))
        .min()
        .map(|(_, known)| known)
}

/// `; did you mean `x`?` for a misspelt rule name, or nothing.
pub fn did_you_mean(name: &str) -> String {
    closest_rule(name)
        .map(|r| format!("; did you mean `{r}`?"))
        .unwrap_or_default()
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_the_rule() {
        assert_eq!(closest_rule("blocking_in_async"), Some("blocking-in-async"));
        assert_eq!(closest_rule("blockng-in-async"), Some("blocking-in-async"));
        assert_eq!(closest_rule("something-else-entirely"), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
