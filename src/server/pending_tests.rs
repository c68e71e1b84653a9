use std::time::Duration;

use tokio::time::Instant;

use super::*;
use crate::agent::Seen;

const IDLE: State = State::Idle { seen: Seen::Unseen };

fn agent(state: State, quiet_for: Option<Duration>, paste: PasteMode, now: Instant) -> AgentNow {
    AgentNow {
        state,
        last_output: quiet_for.map(|q| now - q),
        idle_since: None,
        paste,
    }
}

fn deadline_of(prompt: &PendingPrompt) -> Instant {
    match prompt.stage {
        PromptStage::Paste { deadline, .. } => deadline,
        PromptStage::Enter { .. } | PromptStage::Taken { .. } => panic!("not waiting to paste"),
    }
}

#[test]
fn an_agent_that_is_not_idle_gets_its_prompt_at_the_deadline() {
    let now = Instant::now();
    let deadline = now + Duration::from_secs(30);
    for state in [
        State::Starting,
        State::Working,
        State::WaitingForInput,
        State::Exited {
            code: Some(0),
            seen: Seen::Seen,
        },
    ] {
        let quiet = Some(Duration::from_secs(60));
        let at = paste_at(
            deadline,
            agent(state, quiet, PasteMode::Bracketed, now),
            now,
        );
        assert_eq!(at, deadline, "{state:?}");
    }
}

#[test]
fn an_idle_agent_gets_it_once_its_screen_is_still_and_it_reads_pastes() {
    let now = Instant::now();
    let deadline = now + Duration::from_secs(30);
    let ms = Duration::from_millis;
    // Still drawing: wait until it has been still for the settle time.
    let drawing = agent(IDLE, Some(ms(100)), PasteMode::Bracketed, now);
    assert_eq!(paste_at(deadline, drawing, now), now + ms(200));
    // Still, and it asked for bracketed paste: now (or before).
    let still = agent(IDLE, Some(PROMPT_SETTLE), PasteMode::Bracketed, now);
    assert!(paste_at(deadline, still, now) <= now);
    // Never printed: nothing is drawing.
    let silent = agent(IDLE, None, PasteMode::Plain, now);
    assert_eq!(paste_at(deadline, silent, now), now);
    // It has not asked for bracketed paste yet (Gemini's "Ready" title
    // comes first): it gets the grace time to ask.
    let asking = agent(IDLE, Some(ms(500)), PasteMode::Plain, now);
    assert_eq!(
        paste_at(deadline, asking, now),
        now - ms(500) + PROMPT_PASTE_GRACE
    );
    // A program that never asks (a REPL) gets it as keys after that.
    let plain = agent(IDLE, Some(PROMPT_PASTE_GRACE), PasteMode::Plain, now);
    assert!(paste_at(deadline, plain, now) <= now);
    // One that keeps drawing while idle gets it a grace time after it
    // went idle.
    let animating = AgentNow {
        idle_since: Some(now - ms(1900)),
        ..drawing
    };
    assert_eq!(paste_at(deadline, animating, now), now + ms(100));
    // Never after the deadline.
    assert_eq!(paste_at(now + ms(50), drawing, now), now + ms(50));
}

#[test]
fn send_waits_for_a_starting_or_idle_agent_and_not_for_a_busy_one() {
    let now = Instant::now();
    let text = || "fix it".to_owned();
    let send = |state| deadline_of(&PendingPrompt::now(text(), SendEnter::Press, state, now));
    assert_eq!(send(State::Starting), now + PROMPT_MAX_WAIT);
    assert_eq!(send(IDLE), now + PROMPT_PASTE_GRACE);
    // A busy agent queues what it is sent; a question is answered now.
    assert_eq!(send(State::Working), now);
    assert_eq!(send(State::WaitingForInput), now);
    let new = PendingPrompt::when_ready(text(), now);
    assert_eq!(deadline_of(&new), now + PROMPT_MAX_WAIT);
    // Both are looked at on the session's next turn.
    assert_eq!(new.due(), now);
}

#[test]
fn a_waiter_hears_when_its_prompt_is_typed_or_dropped() {
    let now = Instant::now();
    let waiting = |name: &str| {
        let (reply, answer) = oneshot::channel();
        let mut prompt = PendingPrompt::when_ready("fix it".to_owned(), now);
        prompt.waiter = Some(PromptWaiter::Command {
            name: name.to_owned(),
            reply,
        });
        (prompt, answer)
    };
    let (mut prompt, mut answer) = waiting("auth");
    assert_eq!(prompt.typed(), None);
    assert_eq!(
        answer.try_recv().unwrap(),
        Response::Sent {
            name: "auth".to_owned()
        }
    );
    drop(prompt);

    let (prompt, mut answer) = waiting("api");
    drop(prompt);
    // A dashboard is handed back, to clear its "typing…" line.
    let mut prompt = PendingPrompt::when_ready("fix it".to_owned(), now);
    prompt.waiter = Some(PromptWaiter::Dashboard {
        client: ClientId(7),
    });
    assert_eq!(prompt.typed(), Some(ClientId(7)));
    assert_eq!(
        answer.try_recv().unwrap(),
        Response::Failed {
            message: "api's agent stopped before the prompt was typed".to_owned(),
            kind: FailureKind::Failure,
        }
    );
}

#[test]
fn after_enter_a_command_waits_for_an_idle_agent_to_take_the_prompt_up() {
    let now = Instant::now();
    let command = || {
        let (reply, answer) = oneshot::channel();
        let mut prompt = PendingPrompt::when_ready("fix it".to_owned(), now);
        prompt.waiter = Some(PromptWaiter::Command {
            name: "auth".to_owned(),
            reply,
        });
        (prompt, answer)
    };
    // Idle (or starting) when Enter went in: it waits on.
    for state in [IDLE, State::Starting] {
        let (mut prompt, mut answer) = command();
        assert!(!entered(&mut prompt, state, now, Behind::Nothing));
        assert_eq!(
            prompt.stage,
            PromptStage::Taken {
                deadline: now + PROMPT_TAKEN
            }
        );
        assert!(answer.try_recv().is_err(), "not answered yet");
        // The agent quits on it: it was typed all the same.
        drop(prompt);
        assert!(matches!(answer.try_recv(), Ok(Response::Sent { .. })));
    }
    // Busy or asking: it has the prompt.
    for state in [State::Working, State::WaitingForInput] {
        let (mut prompt, _answer) = command();
        assert!(entered(&mut prompt, state, now, Behind::Nothing));
    }
    // A dashboard is not kept waiting.
    let dashboard = || {
        let mut prompt = PendingPrompt::when_ready("fix it".to_owned(), now);
        prompt.waiter = Some(PromptWaiter::Dashboard {
            client: ClientId(3),
        });
        prompt
    };
    assert!(entered(&mut dashboard(), IDLE, now, Behind::Nothing));
    // Unless prompts wait behind it: the agent still shows the idle screen
    // it was typed into, and the next must wait for the turn, not go in
    // before the agent has even begun it.
    let mut prompt = dashboard();
    assert!(!entered(&mut prompt, IDLE, now, Behind::Queued));
    assert_eq!(
        prompt.stage,
        PromptStage::Taken {
            deadline: now + PROMPT_TAKEN
        }
    );
    assert!(entered(
        &mut dashboard(),
        State::Working,
        now,
        Behind::Queued
    ));
}

#[test]
fn prompts_queue_and_go_in_one_at_a_time() {
    let now = Instant::now();
    let later = now + Duration::from_secs(1);
    let mut queue = PromptQueue::new(None);
    assert_eq!(queue.due(), None);
    let mut answers = Vec::new();
    for n in 0..MAX_QUEUED_PROMPTS {
        let (reply, answer) = oneshot::channel();
        let prompt = queue
            .push(PendingPrompt::now(
                format!("p{n}"),
                SendEnter::Press,
                State::Working,
                now,
            ))
            .unwrap();
        prompt.waiter = Some(PromptWaiter::Command {
            name: "auth".to_owned(),
            reply,
        });
        answers.push(answer);
    }
    let extra = PendingPrompt::now("one too many".to_owned(), SendEnter::Press, IDLE, now);
    assert!(queue.push(extra).is_none(), "the queue is bounded");
    assert_eq!(queue.behind_first(), Behind::Queued);
    // The first goes in; the next is looked at on the next turn.
    assert_eq!(queue.finish_first(later), None);
    assert_eq!(
        answers[0].try_recv().unwrap(),
        Response::Sent {
            name: "auth".to_owned()
        }
    );
    assert_eq!(
        queue.first_mut().map(|p| p.text.clone()),
        Some("p1".to_owned())
    );
    assert_eq!(queue.due(), Some(later));
    // It waited behind the first: it waits for the agent to be ready again.
    let next = queue.first_mut().map(|p| p.stage);
    assert!(
        matches!(next, Some(PromptStage::Paste { deadline, .. }) if deadline == later + PROMPT_MAX_WAIT),
        "{next:?}"
    );
    // The agent stops: every one still waiting hears it.
    queue.clear();
    assert!(queue.is_empty());
    for answer in &mut answers[1..] {
        assert!(matches!(answer.try_recv(), Ok(Response::Failed { .. })));
    }
}

#[test]
fn a_task_waits_out_a_question_and_a_reply_answers_it() {
    let now = Instant::now();
    let text = || "fix it".to_owned();
    let later = now + Duration::from_secs(40);
    let task = PendingPrompt::when_ready(text(), now);
    assert_eq!(task.asking, WhileAsking::Hold);
    // Past its deadline with the agent asking: a fresh wait from now, so
    // it is not typed into the question.
    let deadline = deadline_of(&task);
    let moved = deadline_in(deadline, State::WaitingForInput, task.asking, later);
    assert!(
        moved > later,
        "a held task must not be due while the agent asks"
    );
    // Any other state keeps the deadline.
    for state in [
        State::Starting,
        State::Working,
        IDLE,
        State::Exited {
            code: None,
            seen: Seen::Unseen,
        },
    ] {
        assert_eq!(deadline_in(deadline, state, task.asking, later), deadline);
    }
    // `grove send` to an asking agent is the user's answer: at once.
    let reply = PendingPrompt::now(text(), SendEnter::Press, State::WaitingForInput, now);
    assert_eq!(reply.asking, WhileAsking::Type);
    let due = deadline_in(
        deadline_of(&reply),
        State::WaitingForInput,
        reply.asking,
        now,
    );
    assert_eq!(due, now);
    // Sent to a busy agent that then asks: held like a task.
    let queued = PendingPrompt::now(text(), SendEnter::Press, State::Working, now);
    assert_eq!(queued.asking, WhileAsking::Hold);
}
