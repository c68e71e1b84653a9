//! `{{name}}` templates for prompts, owned paths and done files. The names
//! are a closed set, so a misspelt one is an error at load time rather than
//! a prompt that says `{{iten}}` to two hundred agents.

/// The values a template may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vars {
    pub item: String,
    pub index: usize,
    pub slug: String,
    pub contract: String,
    pub owns: String,
    pub job: String,
}

impl Vars {
    /// Values for checking a template before any item exists.
    pub fn sample() -> Vars {
        Vars {
            item: "src/example.rs".to_owned(),
            index: 1,
            slug: "src-example-rs".to_owned(),
            contract: String::new(),
            owns: String::new(),
            job: "job".to_owned(),
        }
    }

    fn get(&self, name: &str) -> Option<String> {
        match name {
            "item" => Some(self.item.clone()),
            "index" => Some(self.index.to_string()),
            "slug" => Some(self.slug.clone()),
            "contract" => Some(self.contract.clone()),
            "owns" => Some(self.owns.clone()),
            "job" => Some(self.job.clone()),
            _ => None,
        }
    }
}

/// What is wrong with a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "{{{{{name}}}}} is not a template variable; use item, index, slug, contract, owns or job"
    )]
    Unknown { name: String },
    #[error("a `{{{{` is never closed with `}}}}`")]
    Unclosed,
}

pub fn render(template: &str, vars: &Vars) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
        let name = after[..end].trim();
        let value = vars.get(name).ok_or_else(|| TemplateError::Unknown {
            name: name.to_owned(),
        })?;
        out.push_str(&value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_replaced_and_mistakes_named() {
        let vars = Vars::sample();
        assert_eq!(
            render("Fix {{item}} ({{ index }}, {{slug}}) in {{job}}", &vars).unwrap(),
            "Fix src/example.rs (1, src-example-rs) in job"
        );
        assert_eq!(render("no vars", &vars).unwrap(), "no vars");
        assert_eq!(
            render("{{iten}}", &vars).unwrap_err().to_string(),
            "{{iten}} is not a template variable; use item, index, slug, contract, owns or job"
        );
        assert_eq!(
            render("{{item", &vars).unwrap_err().to_string(),
            "a `{{` is never closed with `}}`"
        );
    }
}
