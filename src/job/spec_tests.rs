use super::*;

fn write(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("job.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_smallest_file_gets_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "name: headers\nagent: claude\nitems: { glob: \"src/**/*.rs\" }\n\
         prompt: \"Add a header comment to {{item}}\"\nconcurrency: 3\n",
    );
    let spec = JobSpec::load(&path).unwrap();
    assert_eq!(spec.concurrency, 3);
    assert_eq!(spec.owns, ["{{item}}"]);
    assert_eq!(spec.done_when(), DoneWhen::Idle);
    assert_eq!(spec.timeout(), Duration::from_secs(1800));
    assert_eq!(
        spec.items.source(),
        Some(ItemSource::Glob("src/**/*.rs".into()))
    );
}

#[test]
fn errors_point_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "name: a\nitems: { list: [x] }\nprompt: p\nconcurrency: 0\n",
            ":4: concurrency: must be at least 1",
        ),
        (
            "name: a\nitems: { list: [x] }\nprompt: \"do {{iten}}\"\n",
            ":3: prompt: {{iten}} is not a template variable",
        ),
        (
            "name: a\nitems: { list: [] }\nprompt: p\n",
            ":2: items: the list is empty",
        ),
        (
            "name: \"a b\"\nitems: { list: [x] }\nprompt: p\n",
            ":1: name: \"a b\" cannot name a job",
        ),
        (
            "name: a\nitems: { list: [x] }\nprompt: p\ncontract: [\"../x\"]\n",
            ":4: contract: \"../x\" must be a path inside",
        ),
        (
            "name: a\nitems: { list: [x] }\nprompt: p\ntimeout: soon\n",
            ":4: timeout: \"soon\" is not a duration",
        ),
        (
            "name: a\nitems: { lst: [x] }\nprompt: p\n",
            ":2:10: items.lst: unknown key",
        ),
        (
            "name: a\nitems: { list: [x], glob: y }\nprompt: p\n",
            ":2: items: give exactly one of",
        ),
        (
            "name: a\nitems: { list: [x] }\nprompt: p\ndone: never\n",
            ":4: done: \"never\" is not a way",
        ),
        (
            "name: a\nprompt: p\nconcurency: 2\n",
            ":3:1: concurency: unknown key",
        ),
        (
            "name: a\nitems: [x, y]\nprompt: p\n",
            ":2:8: items: invalid type: sequence, expected a mapping; write { list: [a, b] }",
        ),
    ];
    for (text, expected) in cases {
        let path = write(dir.path(), text);
        let error = JobSpec::load(&path).unwrap_err().to_string();
        let shown = error.replace(&path.display().to_string(), "");
        assert!(shown.starts_with(expected), "{text:?}: {error}");
    }
}

#[test]
fn items_come_from_globs_lists_and_commands() {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "src/a.rs",
        "src/b/c.rs",
        "src/d.txt",
        ".git/x.rs",
        "src/.hidden.rs",
    ] {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "x").unwrap();
    }
    let spec = |items: ItemSource| JobSpec {
        name: "j".into(),
        agent: None,
        items: match items {
            ItemSource::Glob(glob) => Items {
                glob: Some(glob),
                ..Items::default()
            },
            ItemSource::List(list) => Items {
                list: Some(list),
                ..Items::default()
            },
            ItemSource::Command(command) => Items {
                command: Some(command),
                ..Items::default()
            },
        },
        prompt: "Fix {{item}} ({{index}}/{{slug}}), keep {{contract}}".into(),
        concurrency: 1,
        owns: default_owns(),
        contract: vec!["src/api.rs".into()],
        check: None,
        timeout: default_timeout(),
        retries: 1,
        backoff: default_backoff(),
        done: Done::default(),
        base: None,
    };
    let glob = spec(ItemSource::Glob("**/*.rs".into()));
    let items = glob.items(dir.path()).unwrap();
    let values: Vec<&str> = items.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(values, ["src/a.rs", "src/b/c.rs"]);
    assert_eq!(items[1].slug, "src-b-c-rs");
    assert_eq!(
        glob.prompt_for(&items[1]),
        "Fix src/b/c.rs (2/src-b-c-rs), keep src/api.rs"
    );
    assert_eq!(glob.owned(&items[0]), ["src/a.rs"]);
    let list = spec(ItemSource::List(vec![
        "b".into(),
        "a".into(),
        "b".into(),
        " ".into(),
    ]));
    let values: Vec<String> = list
        .items(dir.path())
        .unwrap()
        .into_iter()
        .map(|i| i.value)
        .collect();
    assert_eq!(values, ["b", "a"]);
    let command = spec(ItemSource::Command("printf 'one\\n\\ntwo\\n'".into()));
    assert_eq!(command.items(dir.path()).unwrap().len(), 2);
    let failing = spec(ItemSource::Command("echo nope >&2; exit 3".into()));
    let error = failing.items(dir.path()).unwrap_err().to_string();
    assert!(
        error.contains("failed") && error.contains("nope"),
        "{error}"
    );
    let empty = spec(ItemSource::Glob("*.none".into()));
    assert!(
        empty
            .items(dir.path())
            .unwrap_err()
            .to_string()
            .contains("expand to nothing")
    );
}

#[test]
fn durations() {
    assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
    assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
    assert_eq!(parse_duration("45"), Some(Duration::from_secs(45)));
    assert_eq!(parse_duration("5x"), None);
    assert_eq!(parse_duration("m"), None);
    assert_eq!(parse_duration("10"), Some(Duration::from_secs(10)));
}
