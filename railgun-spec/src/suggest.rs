//! "Did you mean": the known name closest to a misspelt one.

/// The candidate closest to `word` by edit distance, when it is close
/// enough to be what was meant: at most one edit in a short name, two in a
/// longer one (`respone` → `response`, `partners` → `partner`).
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let allowed = if word.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .into_iter()
        .filter(|candidate| *candidate != word)
        .map(|candidate| (distance(word, candidate), candidate))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate)
}

/// ` (did you mean `x`?)` for the closest candidate, or nothing.
pub fn hint<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>, quote: char) -> String {
    closest(word, candidates).map(|c| format!("; did you mean {quote}{c}{quote}?")).unwrap_or_default()
}

/// Levenshtein distance, counting characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown
/// variant"), with a hint for the closest of the expected names.
pub fn serde_message(message: &str) -> String {
    for what in ["unknown field `", "unknown variant `"] {
        let Some(rest) = message.strip_prefix(what) else { continue };
        let Some((word, expected)) = rest.split_once('`') else { continue };
        let names = expected.split('`').skip(1).step_by(2);
        let hint = hint(word, names, '`');
        if !hint.is_empty() {
            return format!("{what}{word}`{hint} ({})", expected.trim_start_matches(", ").trim());
        }
    }
    message.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested_and_far_ones_are_not() {
        assert_eq!(closest("respone", ["response", "params", "doc"]), Some("response"));
        assert_eq!(closest("partners", ["client", "partner"]), Some("partner"));
        assert_eq!(closest("acts", ["action", "act", "path"]), Some("act"));
        assert_eq!(closest("shop", ["client", "partner"]), None);
        assert_eq!(closest("doc", ["doc"]), None, "the word itself is no suggestion");
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn serde_messages_get_a_hint() {
        assert_eq!(
            serde_message("unknown field `acts`, expected one of `action`, `act`, `path`"),
            "unknown field `acts`; did you mean `act`? (expected one of `action`, `act`, `path`)"
        );
        assert_eq!(
            serde_message("unknown variant `rest_jsn`, expected `action_form` or `rest_json`"),
            "unknown variant `rest_jsn`; did you mean `rest_json`? (expected `action_form` or `rest_json`)"
        );
        let far = "unknown field `zzz`, expected one of `action`, `act`";
        assert_eq!(serde_message(far), far);
    }
}
