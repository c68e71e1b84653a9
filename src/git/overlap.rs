//! Which workspaces touch the same files. Two agents editing one path will
//! meet in a merge conflict sooner or later, so the sidebar warns as soon as
//! their changed-path sets intersect, committed or not. Pure: the paths come
//! from each workspace's [`GitState::changed_paths`](super::state::GitState).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// For each workspace, the other workspaces (sorted) that changed at least one
/// of the same paths. Every workspace given is a key, with an empty list when
/// it overlaps with nobody; a name given twice has its paths combined.
pub fn overlaps(changed: &[(String, &[PathBuf])]) -> BTreeMap<String, Vec<String>> {
    let mut touched_by: BTreeMap<&Path, BTreeSet<&str>> = BTreeMap::new();
    for (workspace, paths) in changed {
        for path in paths.iter() {
            touched_by
                .entry(path.as_path())
                .or_default()
                .insert(workspace.as_str());
        }
    }
    let mut others: BTreeMap<&str, BTreeSet<&str>> = changed
        .iter()
        .map(|(workspace, _)| (workspace.as_str(), BTreeSet::new()))
        .collect();
    for names in touched_by.values().filter(|names| names.len() > 1) {
        for &name in names {
            let entry = others.entry(name).or_default();
            entry.extend(names.iter().copied().filter(|&other| other != name));
        }
    }
    others
        .into_iter()
        .map(|(name, set)| {
            (
                name.to_owned(),
                set.into_iter().map(str::to_owned).collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names.iter().map(PathBuf::from).collect()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn workspaces_sharing_a_path_see_each_other() {
        let auth = paths(&["src/auth.rs", "src/lib.rs"]);
        let billing = paths(&["src/billing.rs", "src/lib.rs"]);
        let docs = paths(&["README.md"]);
        let result = overlaps(&[
            ("auth".to_owned(), &auth),
            ("billing".to_owned(), &billing),
            ("docs".to_owned(), &docs),
        ]);
        assert_eq!(result["auth"], names(&["billing"]));
        assert_eq!(result["billing"], names(&["auth"]));
        assert_eq!(result["docs"], names(&[]));
        assert_eq!(result.len(), 3);
    }

    #[test]
    fn three_way_overlap_lists_both_others_once() {
        let a = paths(&["x", "y"]);
        let b = paths(&["x", "y"]);
        let c = paths(&["y"]);
        let result = overlaps(&[
            ("c".to_owned(), &c),
            ("a".to_owned(), &a),
            ("b".to_owned(), &b),
        ]);
        assert_eq!(result["a"], names(&["b", "c"]));
        assert_eq!(result["b"], names(&["a", "c"]));
        assert_eq!(result["c"], names(&["a", "b"]));
    }

    #[test]
    fn similar_paths_and_empty_sets_do_not_overlap() {
        let a = paths(&["src/lib.rs"]);
        let b = paths(&["src/lib.rs.orig", "src"]);
        let empty = paths(&[]);
        let result = overlaps(&[
            ("a".to_owned(), &a),
            ("b".to_owned(), &b),
            ("fresh".to_owned(), &empty),
        ]);
        assert!(result.values().all(Vec::is_empty), "{result:?}");
        assert!(overlaps(&[]).is_empty());
    }

    #[test]
    fn a_name_given_twice_does_not_overlap_itself() {
        let a = paths(&["x"]);
        let again = paths(&["x", "y"]);
        let result = overlaps(&[("a".to_owned(), &a), ("a".to_owned(), &again)]);
        assert_eq!(result["a"], names(&[]));
    }
}
