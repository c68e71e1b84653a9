//! Merging layers: mappings merge key by key, everything else replaces.
//!
//! This is what lets a user add an agent profile without repeating the
//! built-in ones, or override `agents.shell.env` alone, while a list such as
//! `workspace.copy` is replaced as a whole (appending would leave no way to
//! remove a built-in entry). Every write is recorded in the [`Provenance`] map.

use serde_yaml::{Mapping, Value};

use super::source::{Provenance, Source, key_text};

/// Merges one layer's written keys over the result of the layers before it.
pub(crate) fn merge_layer(
    base: &mut Mapping,
    layer: Mapping,
    source: &Source,
    provenance: &mut Provenance,
) {
    merge_mapping(base, layer, &mut Vec::new(), source, provenance);
}

fn merge_mapping(
    base: &mut Mapping,
    overlay: Mapping,
    path: &mut Vec<String>,
    source: &Source,
    provenance: &mut Provenance,
) {
    for (key, value) in overlay {
        path.push(key_text(&key));
        match (base.get_mut(&key), value) {
            // The mapping keeps the layer that created it; only the keys
            // this layer writes change hands.
            (Some(Value::Mapping(inner)), Value::Mapping(value)) => {
                merge_mapping(inner, value, path, source, provenance);
            }
            (_, value) => {
                provenance.replace(path, &value, source);
                base.insert(key, value);
            }
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn yaml(text: &str) -> Mapping {
        serde_yaml::from_str(text).unwrap()
    }

    fn user() -> Source {
        Source::User(PathBuf::from("/u.yaml"))
    }

    #[test]
    fn mappings_merge_and_other_values_replace() {
        let mut base =
            yaml("agents: {shell: {command: [sh], env: {A: '1'}}}\ncopy: [.env, .envrc]");
        let mut provenance = Provenance::default();
        let layer = yaml("agents: {shell: {env: {B: '2'}}, lab: {command: [lab]}}\ncopy: [x]");
        merge_layer(&mut base, layer, &user(), &mut provenance);
        assert_eq!(
            base,
            yaml(
                "agents: {shell: {command: [sh], env: {A: '1', B: '2'}}, lab: {command: [lab]}}\n\
                 copy: [x]"
            )
        );
        assert_eq!(
            provenance.source_of(&["agents", "shell", "command"]),
            &Source::Builtin
        );
        assert_eq!(
            provenance.source_of(&["agents", "shell", "env", "A"]),
            &Source::Builtin
        );
        assert_eq!(
            provenance.source_of(&["agents", "shell", "env", "B"]),
            &user()
        );
        assert_eq!(provenance.source_of(&["agents", "lab", "env"]), &user());
        assert_eq!(provenance.source_of(&["copy"]), &user());
    }

    #[test]
    fn a_mapping_replacing_a_scalar_takes_its_place() {
        let mut base = yaml("root: null");
        let mut provenance = Provenance::default();
        merge_layer(&mut base, yaml("root: {a: 1}"), &user(), &mut provenance);
        assert_eq!(base, yaml("root: {a: 1}"));
        assert_eq!(provenance.source_of(&["root", "a"]), &user());
    }
}
