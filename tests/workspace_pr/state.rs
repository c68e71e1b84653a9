//! `pr_state`: gh's JSON read into the lifecycle and the checks word.

use super::*;

#[test]
fn pr_state_reads_the_lifecycle_and_the_checks() {
    let t = TestRepo::new();
    with_remote(&t);
    let ws = workspace_with(&t, "auth", &["Add login"]);
    let fake = FakeGh::install(t.dir.path());
    let gh = fake.gh();
    let state = |json: &str| {
        fake.view(Some(json));
        workspace::pr_state(&gh, &ws.path, "grove/auth")
            .unwrap()
            .unwrap()
    };
    let view = |state: &str, draft: bool, rollup: &str| {
        format!(
            r#"{{"isDraft":{draft},"number":12,"state":"{state}","statusCheckRollup":{rollup},"url":"https://github.com/owner/repo/pull/12"}}"#
        )
    };
    // The shapes gh prints: check runs and commit statuses side by side.
    let passed = r#"{"__typename":"CheckRun","completedAt":"2026-01-01T00:00:00Z","conclusion":"SUCCESS","detailsUrl":"https://x","name":"build","startedAt":"2026-01-01T00:00:00Z","status":"COMPLETED","workflowName":"CI"}"#;
    let running = r#"{"__typename":"CheckRun","completedAt":"0001-01-01T00:00:00Z","conclusion":"","detailsUrl":"https://x","name":"test","startedAt":"2026-01-01T00:00:00Z","status":"IN_PROGRESS","workflowName":"CI"}"#;
    let failed =
        r#"{"__typename":"CheckRun","conclusion":"FAILURE","name":"lint","status":"COMPLETED"}"#;
    let status_ok = r#"{"__typename":"StatusContext","context":"ci/legacy","startedAt":"2026-01-01T00:00:00Z","state":"SUCCESS","targetUrl":"https://x"}"#;
    let status_pending =
        r#"{"__typename":"StatusContext","context":"ci/legacy","state":"PENDING"}"#;

    let open = state(&view("OPEN", false, &format!("[{passed},{status_ok}]")));
    assert_eq!(
        open,
        PrState {
            number: 12,
            url: "https://github.com/owner/repo/pull/12".to_owned(),
            state: PrLifecycle::Open,
            checks: Checks::Passing,
        }
    );
    let cases = [
        (view("OPEN", true, "[]"), PrLifecycle::Draft, Checks::None),
        (
            view("MERGED", false, &format!("[{passed}]")),
            PrLifecycle::Merged,
            Checks::Passing,
        ),
        (
            view("CLOSED", false, &format!("[{failed}]")),
            PrLifecycle::Closed,
            Checks::Failing,
        ),
        (
            view("OPEN", false, &format!("[{passed},{running}]")),
            PrLifecycle::Open,
            Checks::Pending,
        ),
        (
            view("OPEN", false, &format!("[{passed},{status_pending}]")),
            PrLifecycle::Open,
            Checks::Pending,
        ),
        (
            view("OPEN", false, &format!("[{running},{failed}]")),
            PrLifecycle::Open,
            Checks::Failing,
        ),
    ];
    for (json, lifecycle, checks) in cases {
        let got = state(&json);
        assert_eq!((got.state, got.checks), (lifecycle, checks), "{json}");
    }
    let asked = strings(&[
        "pr",
        "view",
        "grove/auth",
        "--json",
        "number,url,state,isDraft,statusCheckRollup",
    ]);
    assert!(fake.calls().iter().all(|call| call == &asked));

    fake.view(None);
    assert_eq!(
        workspace::pr_state(&gh, &ws.path, "grove/auth").unwrap(),
        None
    );
    fake.view(Some("{\"number\": \"twelve\"}"));
    let err = workspace::pr_state(&gh, &ws.path, "grove/auth").unwrap_err();
    assert!(matches!(err, PrError::GhOutput { .. }), "{err:?}");
}
