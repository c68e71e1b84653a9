//! A profile's status rules, compiled: regular expressions over the lowest
//! rows of a pane's screen that say the agent is waiting for input, working,
//! or idle. They are data (from the profile's YAML), never code, because every
//! agent changes its screen between versions and a user must be able to fix a
//! rule without a new grove.
//!
//! Only the lowest `rows` non-blank rows are searched: an agent's status line
//! and input box live at the bottom, and prose higher up that happens to
//! contain "esc to interrupt" must not make an idle agent look busy.

use regex::Regex;

use crate::config::StatusConfig;

/// What a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Screen,
    Title,
}

/// Which state a rule stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Waiting,
    Working,
    Idle,
}

impl RuleKind {
    pub fn key(self) -> &'static str {
        match self {
            RuleKind::Waiting => "waiting",
            RuleKind::Working => "working",
            RuleKind::Idle => "idle",
        }
    }
}

/// The first rule that matched, and the text it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub kind: RuleKind,
    pub source: Source,
    /// Index of the rule in its list (`working[1]`).
    pub index: usize,
    /// What the rule matched on screen, trimmed to a readable length.
    pub text: String,
}

impl RuleMatch {
    /// The reason a status carries: which rule, and what it saw.
    pub fn reason(&self) -> String {
        let (what, list) = match self.source {
            Source::Screen => ("screen shows", ""),
            Source::Title => ("title is", "title "),
        };
        format!(
            "{what} {:?} ({list}{} rule {})",
            self.text,
            self.kind.key(),
            self.index + 1
        )
    }
}

/// A rule that does not compile, for the config's error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRule {
    pub kind: RuleKind,
    pub source: Source,
    pub index: usize,
    pub message: String,
}

/// One profile's compiled rules.
#[derive(Debug, Clone, Default)]
pub struct StatusRules {
    rows: usize,
    screen: Lists,
    title: Lists,
}

/// One list of rules per state.
#[derive(Debug, Clone, Default)]
struct Lists {
    waiting: Vec<Regex>,
    working: Vec<Regex>,
    idle: Vec<Regex>,
}

impl Lists {
    fn compile(
        source: Source,
        waiting: &[String],
        working: &[String],
        idle: &[String],
    ) -> Result<Lists, BadRule> {
        let compile = |kind: RuleKind, patterns: &[String]| {
            patterns
                .iter()
                .enumerate()
                .map(|(index, pattern)| {
                    Regex::new(pattern).map_err(|error| BadRule {
                        kind,
                        source,
                        index,
                        message: error.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Lists {
            waiting: compile(RuleKind::Waiting, waiting)?,
            working: compile(RuleKind::Working, working)?,
            idle: compile(RuleKind::Idle, idle)?,
        })
    }

    fn of(&self, kind: RuleKind) -> &[Regex] {
        match kind {
            RuleKind::Waiting => &self.waiting,
            RuleKind::Working => &self.working,
            RuleKind::Idle => &self.idle,
        }
    }

    fn is_empty(&self) -> bool {
        self.waiting.is_empty() && self.working.is_empty() && self.idle.is_empty()
    }
}

/// The most characters of matched text a reason quotes.
const MAX_QUOTED: usize = 60;

/// The group of a rule whose text the reason quotes instead of the whole
/// match: a rule that must see a dialog's options under its question
/// quotes the question.
const QUOTE_GROUP: &str = "quote";

/// What a reason quotes of `found`: its `quote` group if the rule has one,
/// on one line (a question can wrap in a narrow pane), cut to
/// [`MAX_QUOTED`] characters.
fn quoted(rule: &Regex, found: regex::Match<'_>, haystack: &str) -> String {
    let part = match rule
        .capture_names()
        .flatten()
        .any(|name| name == QUOTE_GROUP)
    {
        true => rule
            .captures_at(haystack, found.start())
            .and_then(|groups| groups.name(QUOTE_GROUP))
            .map_or(found.as_str(), |group| group.as_str()),
        false => found.as_str(),
    };
    let words: Vec<&str> = part.split_whitespace().collect();
    words.join(" ").chars().take(MAX_QUOTED).collect()
}

impl StatusRules {
    pub fn compile(config: &StatusConfig) -> Result<StatusRules, BadRule> {
        let title = &config.title;
        Ok(StatusRules {
            rows: config.rows,
            screen: Lists::compile(
                Source::Screen,
                &config.waiting,
                &config.working,
                &config.idle,
            )?,
            title: Lists::compile(Source::Title, &title.waiting, &title.working, &title.idle)?,
        })
    }

    /// How many of the lowest non-blank rows the rules read.
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.screen.is_empty() && self.title.is_empty()
    }

    /// Whether a title rule says `kind` of `title`.
    pub fn title_says(&self, kind: RuleKind, title: &str) -> bool {
        self.title.of(kind).iter().any(|rule| rule.is_match(title))
    }

    /// Whether some rule can say "idle".
    pub fn knows_idle(&self) -> bool {
        !(self.screen.idle.is_empty() && self.title.idle.is_empty())
    }

    /// The first match in the order waiting, working, idle (the screen,
    /// then the title, for each): an approval dialog drawn over a busy agent
    /// is a question for the user, and a busy agent still shows its (idle)
    /// input box.
    pub fn matches(&self, tail: &str, title: &str) -> Option<RuleMatch> {
        [RuleKind::Waiting, RuleKind::Working, RuleKind::Idle]
            .into_iter()
            .flat_map(|kind| {
                [(Source::Screen, tail), (Source::Title, title)]
                    .map(|(source, text)| (kind, source, text))
            })
            .find_map(|(kind, source, text)| {
                let lists = match source {
                    Source::Screen => &self.screen,
                    Source::Title => &self.title,
                };
                lists.of(kind).iter().enumerate().find_map(|(index, rule)| {
                    let found = rule.find(text)?;
                    let text = quoted(rule, found, text);
                    Some(RuleMatch {
                        kind,
                        source,
                        index,
                        text,
                    })
                })
            })
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
