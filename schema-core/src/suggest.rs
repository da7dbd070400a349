//! "Did you mean …?" for misspelt keys: the derive's attribute keys, the
//! migration-file header keys and the CLI's configuration keys share it.

/// The candidate `input` most likely stands for: the closest one by
/// [`edit_distance`] if it is close enough to be a typo (up to a third of
/// the longer word), else the first that starts with `input` (3+
/// characters: `ref` → `references`), else the first that contains it (4+
/// characters: `labels` → `branch_labels`).
pub fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let by_distance = candidates
        .iter()
        .map(|c| (edit_distance(input, c), *c))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, c)| *d <= (input.len().max(c.len()) / 3).max(1))
        .map(|(_, c)| c);
    let find = |min_len: usize, matches: fn(&str, &str) -> bool| {
        (input.len() >= min_len)
            .then(|| candidates.iter().find(|c| matches(c, input)).copied())
            .flatten()
    };
    by_distance
        .or_else(|| find(3, |c, input| c.starts_with(input)))
        .or_else(|| find(4, |c, input| c.contains(input)))
}

/// Edit distance between two short strings, counting insertions, deletions,
/// substitutions and swaps of adjacent characters (`tabel` → `table` is 1).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // d[i][j]: distance between a[..i] and b[..j].
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

    #[test]
    fn typos_prefixes_and_parts() {
        let keys = ["revision", "down_revision", "branch_labels", "message"];
        assert_eq!(did_you_mean("down_revison", &keys), Some("down_revision"));
        assert_eq!(did_you_mean("mesage", &keys), Some("message"));
        assert_eq!(did_you_mean("branch", &keys), Some("branch_labels"));
        assert_eq!(did_you_mean("labels", &keys), Some("branch_labels"));
        assert_eq!(did_you_mean("lab", &keys), None);
        assert_eq!(did_you_mean("zzz", &keys), None);
        assert_eq!(did_you_mean("Message", &keys), Some("message"));
    }
}
