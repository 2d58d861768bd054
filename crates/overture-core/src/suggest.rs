//! "Did you mean" suggestions for misspelled keys, steps, labels and names.

/// Longer names get no suggestion.
const MAX_LEN: usize = 64;

/// The candidate closest to `given`, if one is close enough to be a likely misspelling.
pub fn did_you_mean<'a, I>(given: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    // Names are short; a long one is no typo, and comparing it would cost time and memory.
    if given.chars().count() > MAX_LEN {
        return None;
    }
    let given_lower = given.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| candidate.chars().count() <= MAX_LEN)
        .filter_map(|candidate| {
            let distance = edit_distance(&given_lower, &candidate.to_lowercase());
            let len = candidate.chars().count().max(given.chars().count());
            let close = distance <= (len / 3).max(1);
            // `visit` for `visit_profile`, `like` for `like_recent_post`.
            let shortened = given.chars().count() >= 3 && candidate.starts_with(&given_lower);
            // `visitt` for `visit_profile`: most of what was typed starts the candidate.
            let shared = given_lower
                .chars()
                .zip(candidate.chars())
                .take_while(|(a, b)| a == b)
                .count();
            let same_start = shared >= 4 && shared + 2 >= given.chars().count();
            (close || shortened || same_start).then_some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Edit distance in characters, counting a swap of two neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: distance between the first i characters of `a` and the first j of `b`.
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: [&str; 4] = ["visit_profile", "invite", "wait", "wait_for_acceptance"];

    fn check(given: &str, expected: Option<&str>) {
        assert_eq!(did_you_mean(given, STEPS), expected, "for {given:?}");
    }

    #[test]
    fn suggests_near_misses() {
        check("visit", Some("visit_profile"));
        check("invte", Some("invite"));
        check("Invite", Some("invite"));
        check("wiat", Some("wait"));
        check("wait_for_accept", Some("wait_for_acceptance"));
        check("wait_acceptance", Some("wait_for_acceptance"));
        check("visitt", Some("visit_profile"));
        check("follow", None);
        check("", None);
        check("x", None);
        check(&"visit".repeat(100), None);
    }

    #[test]
    fn distance_counts_characters() {
        assert_eq!(edit_distance("grüße", "grüsse"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("wiat", "wait"), 1);
    }
}
