//! Languages of the pages: Fluent message catalogs (`src/locales/*.ftl`, embedded) and
//! the choice of language from `?lang=` or `Accept-Language` (matched by fluent-langneg).
//!
//! Every label and plain-language sentence of the pages is a Fluent message; a message
//! missing from a catalog falls back to English (and is logged once per key at debug level),
//! so a page never shows a raw key. Fluent's bidi isolation marks are turned off: the pages
//! are left-to-right and the marks would land in copied text.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_langneg::NegotiationStrategy;
use std::sync::OnceLock;
use unic_langid::{LanguageIdentifier, langid};

/// A language the pages speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language we speak that best matches a language tag (`es-MX` is Spanish, `en-GB`
    /// English), by fluent-langneg's matching.
    pub fn parse(code: &str) -> Option<Lang> {
        let tag: LanguageIdentifier = code.trim().parse().ok()?;
        Lang::best(&[tag])
    }

    /// `?lang=` wins; then the first language of `Accept-Language` (by q-value) that we speak;
    /// then English.
    pub fn negotiate(query: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(l) = query.and_then(Lang::parse) {
            return l;
        }
        Lang::best(&by_quality(accept_language.unwrap_or(""))).unwrap_or(Lang::En)
    }

    /// The first of `requested` (most preferred first) that one of our languages serves.
    fn best(requested: &[LanguageIdentifier]) -> Option<Lang> {
        let available = Lang::ALL.map(Lang::langid);
        let found = fluent_langneg::negotiate_languages(requested, &available, None, NegotiationStrategy::Lookup);
        let id = found.first()?;
        Lang::ALL.into_iter().find(|l| l.langid() == **id)
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Lang::En => langid!("en-US"),
            Lang::Es => langid!("es"),
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("locales/en.ftl"),
            Lang::Es => include_str!("locales/es.ftl"),
        }
    }
}

/// The language tags of an `Accept-Language` value, most preferred first: by q-value, then in
/// the order given, without those refused (`q=0`) and those that do not parse.
/// (`fluent_langneg::parse_accepted_languages` keeps the order given and ignores q-values.)
fn by_quality(header: &str) -> Vec<LanguageIdentifier> {
    let mut tags: Vec<(f32, usize, LanguageIdentifier)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut fields = part.split(';');
            let tag = fields.next()?.trim().parse().ok()?;
            let q = fields
                .find_map(|f| f.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().map(|(_, _, tag)| tag).collect()
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| {
        Lang::ALL.map(|l| {
            let res = FluentResource::try_new(l.source().to_owned())
                .unwrap_or_else(|(_, errors)| panic!("catalog {} does not parse: {errors:?}", l.code()));
            let mut b = FluentBundle::new_concurrent(vec![l.langid()]);
            b.set_use_isolating(false);
            b.add_resource(res)
                .unwrap_or_else(|errors| panic!("catalog {} has duplicate messages: {errors:?}", l.code()));
            b
        })
    });
    &all[lang as usize]
}

/// The message `key` in `lang` with `args`; English when `lang` lacks it; the key itself when
/// neither has it (a test checks that every key the templates, the pages and the pictures name
/// literally is in both catalogs, and that every key they build from a prefix has one there).
pub fn tr(lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        fargs.set(*k, v.clone());
    }
    for l in [lang, Lang::En] {
        let b = bundle(l);
        if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
            let mut errors = vec![];
            let s = b.format_pattern(pattern, Some(&fargs), &mut errors);
            if !errors.is_empty() {
                tracing::debug!(key, lang = l.code(), ?errors, "message formatting");
            }
            return s.into_owned();
        }
        tracing::debug!(key, lang = l.code(), "message missing");
    }
    key.to_owned()
}

/// Whether both catalogs define `key` (for tests).
pub fn has_message(lang: Lang, key: &str) -> bool {
    bundle(lang).has_message(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_wins_then_accept_language_by_quality() {
        assert_eq!(Lang::negotiate(Some("es"), Some("en")), Lang::Es);
        assert_eq!(Lang::negotiate(Some("xx"), Some("es-MX,en;q=0.5")), Lang::Es);
        assert_eq!(Lang::negotiate(None, Some("fr, en;q=0.4, es;q=0.8")), Lang::Es);
        assert_eq!(Lang::negotiate(None, Some("es;q=0, en")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::En);
    }

    #[test]
    fn both_catalogs_define_the_same_messages() {
        let keys = |src: &str| -> std::collections::BTreeSet<String> {
            src.lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap().trim().to_owned())
                .collect()
        };
        let (en, es) = (keys(Lang::En.source()), keys(Lang::Es.source()));
        assert!(en.len() > 50, "the English catalog has the pages' messages");
        let missing: Vec<_> = en.symmetric_difference(&es).collect();
        assert!(missing.is_empty(), "messages in one catalog only: {missing:?}");
    }

    /// The keys named in `text` after each of `calls` (`t(`, `tr(lang, `...): literal ones
    /// (`t("home-title")`), and prefixes of built ones (`t("entry-" ~ e)`, `format!("svg-who-{}")`).
    fn keys_named(text: &str, calls: &[&str]) -> (Vec<String>, Vec<String>) {
        let (mut literal, mut prefixes) = (Vec::new(), Vec::new());
        for call in calls {
            for (at, _) in text.match_indices(call) {
                if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = text[at + call.len()..].trim_start();
                let rest = rest.strip_prefix("&format!(").unwrap_or(rest);
                let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                    continue;
                };
                let Some(end) = rest[1..].find(quote) else {
                    continue;
                };
                let key = &rest[1..1 + end];
                if let Some((prefix, _)) = key.split_once('{') {
                    prefixes.push(prefix.to_owned());
                } else if rest[1 + end + 1..].trim_start().starts_with('~') {
                    prefixes.push(key.to_owned());
                } else if !key.is_empty() {
                    literal.push(key.to_owned());
                }
            }
        }
        (literal, prefixes)
    }

    #[test]
    fn every_key_the_templates_and_pages_use_is_in_both_catalogs() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut sources = Vec::new();
        for (dir, ext, calls) in [
            ("web/templates", "html", &["t("][..]),
            ("web", "rs", &["tr(lang, ", "tr("][..]),
            ("render", "rs", &["tr(lang, ", "tr("][..]),
        ] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = entry.unwrap().path();
                if p.extension().is_some_and(|e| e == ext) {
                    sources.push((p.clone(), std::fs::read_to_string(&p).unwrap(), calls));
                }
            }
        }
        let mut literal_count = 0;
        let mut problems = Vec::new();
        for (path, text, calls) in &sources {
            let (literal, prefixes) = keys_named(text, calls);
            literal_count += literal.len();
            for lang in Lang::ALL {
                for key in &literal {
                    if !has_message(lang, key) {
                        problems.push(format!("{}: `{key}` is not in {}.ftl", path.display(), lang.code()));
                    }
                }
                let keys: Vec<&str> = lang
                    .source()
                    .lines()
                    .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim()))
                    .collect();
                for prefix in &prefixes {
                    if !keys.iter().any(|k| k.starts_with(prefix.as_str())) {
                        problems.push(format!(
                            "{}: no key of {}.ftl starts with `{prefix}`",
                            path.display(),
                            lang.code()
                        ));
                    }
                }
            }
        }
        assert!(
            literal_count > 100,
            "the templates name their messages: {literal_count}"
        );
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn keys_are_read_from_templates_and_code() {
        let (literal, prefixes) = keys_named(
            "{{ t(\"home-title\") }} {{ t('search-label') }} {{ t(\"entry-\" ~ e) }} at(\"no\")",
            &["t("],
        );
        assert_eq!(literal, ["home-title", "search-label"]);
        assert_eq!(prefixes, ["entry-"]);
        let (literal, prefixes) = keys_named(
            "tr(lang, \"svg-skip-done\", &[]); tr(lang, &format!(\"svg-who-{}\", e), &[])",
            &["tr(lang, "],
        );
        assert_eq!(literal, ["svg-skip-done"]);
        assert_eq!(prefixes, ["svg-who-"]);
    }

    #[test]
    fn sentences_take_arguments_in_each_language() {
        let args = [
            ("title", FluentValue::from("Practical Nursing I")),
            ("hours", FluentValue::from(90)),
        ];
        assert_eq!(
            tr(Lang::En, "step-take-postsecondary", &args),
            "Take Practical Nursing I at a college (90 hours)"
        );
        assert_eq!(
            tr(Lang::Es, "step-take-postsecondary", &args),
            "Tome Practical Nursing I en una universidad o colegio comunitario (90 horas)"
        );
    }
}
