//! Templates the program renders: the front page, place and article pages, digests and
//! the subscription pages.
//!
//! Owns: loading templates from the configured folder, falling back to the copies
//! compiled into the binary, and checking that every template parses. Must not touch:
//! what goes into a template (the stages build their own contexts).

use std::path::{Path, PathBuf};

use minijinja::Environment;

use crate::model::shown_path;

/// Every template the program knows, with its built-in text. A file of the same name in
/// the configured templates folder replaces the built-in copy.
pub const BUILTIN: &[(&str, &str)] = &[
    ("index.html", include_str!("../templates/index.html")),
    ("article.html", include_str!("../templates/article.html")),
    ("place.html", include_str!("../templates/place.html")),
    ("teasers.html", include_str!("../templates/teasers.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("digest.html", include_str!("../templates/digest.html")),
    ("digest.txt", include_str!("../templates/digest.txt")),
    (
        "digest-subject.txt",
        include_str!("../templates/digest-subject.txt"),
    ),
    (
        "subscribe.html",
        include_str!("../templates/subscribe.html"),
    ),
    ("confirm.html", include_str!("../templates/confirm.html")),
    ("confirm.txt", include_str!("../templates/confirm.txt")),
    (
        "confirm-subject.txt",
        include_str!("../templates/confirm-subject.txt"),
    ),
];

/// A loaded set of templates.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    dir: Option<PathBuf>,
}

impl Templates {
    /// Loads the templates: the folder's copy of each when it exists, else the built-in one.
    /// Fails with the file name and line of the first template that does not parse.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<Self> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        for (name, builtin) in BUILTIN {
            let user = dir.map(|d| d.join(name)).filter(|p| p.is_file());
            let source = match &user {
                Some(p) => std::fs::read_to_string(p)
                    .map_err(|e| anyhow::anyhow!("cannot read template {}: {e}", shown_path(p)))?,
                None => (*builtin).to_string(),
            };
            let shown = user
                .as_ref()
                .map(|p| shown_path(p))
                .unwrap_or_else(|| format!("built-in {name}"));
            env.add_template_owned(name.to_string(), source)
                .map_err(|e| anyhow::anyhow!("template {shown}: {e:#}"))?;
        }
        Ok(Self {
            env,
            dir: dir.map(Path::to_path_buf),
        })
    }

    /// Renders one template with a serialisable context.
    pub fn render<S: serde::Serialize>(&self, name: &str, ctx: S) -> anyhow::Result<String> {
        let t = self
            .env
            .get_template(name)
            .map_err(|e| anyhow::anyhow!("template {name}: {e}"))?;
        t.render(minijinja::value::Serde(ctx))
            .map_err(|e| anyhow::anyhow!("template {name}: {e:#}"))
    }

    /// The folder user templates are read from, if one is configured.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}
