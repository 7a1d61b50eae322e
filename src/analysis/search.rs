//! Search by any name a person uses: one ranked search over occupations, credentials and
//! courses, by title, lay title (`aliases`, English and Spanish), description and code.
//!
//! # The index
//!
//! One in-memory tantivy index per snapshot ([`SearchIndex::build`]), one document per
//! occupation, credential and course. Its words are read by three analyzers of our own, each
//! splitting on anything that is not a letter or digit, lower-casing and folding accents
//! (`Introducción` -> `introduccion`): `cm_en` stems in English (`nursing` -> `nurs`), `cm_es`
//! in Spanish (before folding, since the stemmer knows accented endings), `cm_fold` keeps the
//! word whole, for typo matching and for words typed without their accents. A record's codes (SOC, CIP, SCED, local numbers) are indexed whole, with
//! their dashes, dots and spaces removed, so `29-1141` and `291141` are one code.
//!
//! # A query
//!
//! Every word of the query, in each analyzer, may match a title (boost 3), an alias (2.5) or a
//! description (1); a word of three letters or more may also start a title or alias word
//! (`nurs`, `weld`), and one of four or more match a title or alias word within one edit (two
//! from eight letters, a swap of two letters counting as one), at lower boosts;
//! the whole query, as a code, matches a code (boost 10). The best-scoring candidates (BM25)
//! are then placed in tiers, best first:
//!
//! | tier | the hit's ... | `matched` |
//! |---|---|---|
//! | 6 | code is the query | `code` |
//! | 5 | title has exactly the query's words (in any one analyzer) | `title` |
//! | 4 | an alias has exactly the query's words | `alias` |
//! | 3 | title has every word of the query | `title` |
//! | 2 | an alias has every word of the query | `alias` |
//! | 1 | title, alias or description has some word of the query, or a word it starts or is near | the first of those that does |
//!
//! Within a tier a hit with a route in the catalog comes first, then occupations before
//! credentials before courses, then BM25. `score` is `100 * tier + 20 * has_route + kind
//! bonus + min(BM25, 19)`, so it orders hits and says their tier.

use crate::analysis::gaps::Reachability;
use crate::graph::{CatalogGraph, CourseIx, CredentialIx, Item, OccupationIx};
use std::collections::BTreeSet;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{AsciiFoldingFilter, Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

/// The kinds of record a search finds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Occupation,
    Credential,
    Course,
}

impl HitKind {
    pub const ALL: [HitKind; 3] = [HitKind::Occupation, HitKind::Credential, HitKind::Course];

    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Occupation => "occupation",
            HitKind::Credential => "credential",
            HitKind::Course => "course",
        }
    }

    pub fn parse(s: &str) -> Option<HitKind> {
        HitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn bonus(self) -> f32 {
        match self {
            HitKind::Occupation => 3.0,
            HitKind::Credential => 2.0,
            HitKind::Course => 1.0,
        }
    }
}

/// Which of a hit's words matched the query best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Matched {
    Title,
    Alias,
    Description,
    Code,
}

/// One record found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub kind: HitKind,
    /// Its index among the graph's records of its kind.
    pub ix: u32,
    pub score: f32,
    pub matched: Matched,
    pub has_route: bool,
}

impl Hit {
    /// The hit as a graph item (`None` for an occupation).
    pub fn item(&self) -> Option<Item> {
        match self.kind {
            HitKind::Occupation => None,
            HitKind::Credential => Some(Item::Credential(CredentialIx(self.ix))),
            HitKind::Course => Some(Item::Course(CourseIx(self.ix))),
        }
    }
}

/// What to search for.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub text: String,
    /// The kinds to find (all when empty).
    pub kinds: Vec<HitKind>,
    /// Only records the catalog has a route to.
    pub routes_only: bool,
    pub limit: usize,
}

/// The best hits and how many records matched in all.
#[derive(Debug, Clone, Default)]
pub struct SearchResult {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// Size and build time of an index.
#[derive(Debug, Clone, Copy)]
pub struct IndexStats {
    pub documents: usize,
    /// Bytes of the index's segment files (held in memory).
    pub bytes: usize,
    pub build: std::time::Duration,
}

struct Fields {
    key: Field,
    kind: Field,
    routed: Field,
    code: Field,
    /// Title, alias and description, each in the `cm_en`, `cm_es` and `cm_fold` analyzers.
    title: [Field; 3],
    alias: [Field; 3],
    desc: [Field; 2],
}

const ANALYZERS: [&str; 3] = ["cm_en", "cm_es", "cm_fold"];
const CANDIDATES: usize = 100;
/// The shortest word matched with typos.
const FUZZY_MIN: usize = 4;
/// The shortest word matched as the start of a longer one (`nurs` -> `nursing`).
const PREFIX_MIN: usize = 3;

/// The search index of one snapshot (see the module docs).
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    analyzers: [TextAnalyzer; 3],
    stats: IndexStats,
}

fn analyzer(stem: Option<Language>) -> TextAnalyzer {
    // The stemmers know the accented endings (`-ería`), so accents fold after stemming.
    let b = TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser);
    match stem {
        Some(l) => b.filter(Stemmer::new(l)).filter(AsciiFoldingFilter).build(),
        None => b.filter(AsciiFoldingFilter).build(),
    }
}

/// A code as the index holds it: lower case, without dashes, dots or spaces.
pub fn code_key(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '-' | '.' | ' ' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn key_of(kind: HitKind, ix: u32) -> u64 {
    ((kind as u64) << 32) | u64::from(ix)
}

fn kind_of_key(key: u64) -> (HitKind, u32) {
    (HitKind::ALL[(key >> 32) as usize], key as u32)
}

/// The words a record is found by.
struct Words<'a> {
    titles: Vec<&'a str>,
    aliases: Vec<&'a str>,
    descriptions: Vec<&'a str>,
    codes: Vec<&'a str>,
}

fn words(g: &CatalogGraph, kind: HitKind, ix: u32) -> Words<'_> {
    fn es(i: &crate::domain::I18n) -> (Option<&str>, &[String], Option<&str>) {
        let t = i.es.as_ref();
        (i.es_title(), i.es_aliases(), t.and_then(|t| t.description.as_deref()))
    }
    let (title, aliases, i18n, desc, codes): (&str, &[String], _, Option<&str>, Vec<&str>) = match kind {
        HitKind::Occupation => {
            let o = g.occupation(OccupationIx(ix));
            let mut codes = vec![o.soc.as_str()];
            codes.extend(o.onet_codes.iter().map(String::as_str));
            (&o.title, &o.aliases, &o.i18n, None, codes)
        }
        HitKind::Credential => {
            let c = g.credential(CredentialIx(ix));
            let codes = [c.codes.cip.as_deref(), c.codes.local.as_deref()];
            (
                &c.title,
                &c.aliases,
                &c.i18n,
                None,
                codes.into_iter().flatten().collect(),
            )
        }
        HitKind::Course => {
            let c = g.course(CourseIx(ix));
            let codes = [
                c.codes.cip.as_deref(),
                c.codes.sced.as_deref(),
                c.codes.local.as_deref(),
            ];
            (
                &c.title,
                &c.aliases,
                &c.i18n,
                c.description.as_deref(),
                codes.into_iter().flatten().collect(),
            )
        }
    };
    let (es_title, es_aliases, es_desc) = es(i18n);
    Words {
        titles: std::iter::once(title).chain(es_title).collect(),
        aliases: aliases.iter().chain(es_aliases).map(String::as_str).collect(),
        descriptions: desc.into_iter().chain(es_desc).collect(),
        codes,
    }
}

fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut s = a.token_stream(text);
    s.process(&mut |t| out.push(t.text.clone()));
    out
}

impl SearchIndex {
    /// Indexes every occupation, credential and course of `g`; `reach` says which have a route.
    /// Time O(words of the catalog), on the cores the machine has.
    pub fn build(g: &CatalogGraph, reach: &Reachability) -> tantivy::Result<SearchIndex> {
        let started = std::time::Instant::now();
        let mut sb = Schema::builder();
        let text = |name: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(name)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let fields = Fields {
            key: sb.add_u64_field("key", FAST),
            kind: sb.add_u64_field("kind", INDEXED),
            routed: sb.add_u64_field("routed", INDEXED),
            code: sb.add_text_field("code", STRING),
            title: ANALYZERS.map(|a| sb.add_text_field(&format!("title_{a}"), text(a))),
            alias: ANALYZERS.map(|a| sb.add_text_field(&format!("alias_{a}"), text(a))),
            desc: [ANALYZERS[0], ANALYZERS[1]].map(|a| sb.add_text_field(&format!("desc_{a}"), text(a))),
        };
        let index = Index::create_in_ram(sb.build());
        let analyzers = [
            analyzer(Some(Language::English)),
            analyzer(Some(Language::Spanish)),
            analyzer(None),
        ];
        for (name, a) in ANALYZERS.iter().zip(&analyzers) {
            index.tokenizers().register(name, a.clone());
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(threads, (threads * 64) << 20)?;
        let mut documents = 0;
        for kind in HitKind::ALL {
            let n = match kind {
                HitKind::Occupation => g.n_occupations(),
                HitKind::Credential => g.n_credentials(),
                HitKind::Course => g.n_courses(),
            };
            for ix in 0..n as u32 {
                let routed = match kind {
                    HitKind::Occupation => reach.by_entry.iter().any(|r| r.occupation(g, OccupationIx(ix))),
                    HitKind::Credential => reach.any_item(Item::Credential(CredentialIx(ix))),
                    HitKind::Course => reach.any_item(Item::Course(CourseIx(ix))),
                };
                let w = words(g, kind, ix);
                let mut doc = TantivyDocument::new();
                doc.add_u64(fields.key, key_of(kind, ix));
                doc.add_u64(fields.kind, kind as u64);
                doc.add_u64(fields.routed, u64::from(routed));
                for c in &w.codes {
                    doc.add_text(fields.code, code_key(c));
                }
                for f in fields.title {
                    for t in &w.titles {
                        doc.add_text(f, t);
                    }
                }
                for f in fields.alias {
                    for t in &w.aliases {
                        doc.add_text(f, t);
                    }
                }
                for f in fields.desc {
                    for t in &w.descriptions {
                        doc.add_text(f, t);
                    }
                }
                writer.add_document(doc)?;
                documents += 1;
            }
        }
        writer.commit()?;
        drop(writer);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let bytes = reader.searcher().space_usage()?.total().get_bytes() as usize;
        Ok(SearchIndex {
            reader,
            fields,
            analyzers,
            stats: IndexStats {
                documents,
                bytes,
                build: started.elapsed(),
            },
        })
    }

    pub fn stats(&self) -> IndexStats {
        self.stats
    }

    /// The query's words in each analyzer.
    fn query_tokens(&self, text: &str) -> [Vec<String>; 3] {
        let mut a = self.analyzers.clone();
        [0, 1, 2].map(|i| tokens(&mut a[i], text))
    }

    fn query(&self, q: &SearchQuery, toks: &[Vec<String>; 3]) -> Box<dyn Query> {
        let f = &self.fields;
        let term = |field: Field, t: &str, boost: f32| -> (Occur, Box<dyn Query>) {
            let q = TermQuery::new(Term::from_field_text(field, t), IndexRecordOption::WithFreqs);
            (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
        };
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (a, words) in toks.iter().enumerate().take(2) {
            for t in words {
                should.push(term(f.title[a], t, 3.0));
                should.push(term(f.alias[a], t, 2.5));
                should.push(term(f.desc[a], t, 1.0));
            }
        }
        for t in &toks[2] {
            let n = t.chars().count();
            for (field, boost) in [(f.title[2], 1.0), (f.alias[2], 0.8)] {
                let term = Term::from_field_text(field, t);
                if n >= PREFIX_MIN {
                    let prefix = FuzzyTermQuery::new_prefix(term.clone(), 0, false);
                    should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(prefix), boost * 0.6))));
                }
                if n >= FUZZY_MIN {
                    let fz = FuzzyTermQuery::new(term, if n >= 8 { 2 } else { 1 }, true);
                    should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fz), boost))));
                }
            }
        }
        let code = code_key(&q.text);
        if !code.is_empty() {
            should.push(term(f.code, &code, 10.0));
        }
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(BooleanQuery::new(should)))];
        if !q.kinds.is_empty() && q.kinds.len() < HitKind::ALL.len() {
            let kinds = q
                .kinds
                .iter()
                .map(|&k| -> (Occur, Box<dyn Query>) {
                    let t = Term::from_field_u64(f.kind, k as u64);
                    (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::Basic)))
                })
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(kinds))));
        }
        if q.routes_only {
            let t = Term::from_field_u64(f.routed, 1);
            must.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic))));
        }
        Box::new(BooleanQuery::new(must))
    }

    /// The best `q.limit` hits of `q` on `g` (the graph the index was built from), and how
    /// many records match. Time: one BM25 top-k search plus O(candidates · words) to rank.
    pub fn search(&self, g: &CatalogGraph, reach: &Reachability, q: &SearchQuery) -> tantivy::Result<SearchResult> {
        let toks = self.query_tokens(&q.text);
        if toks.iter().all(Vec::is_empty) || q.limit == 0 {
            return Ok(SearchResult::default());
        }
        let query = self.query(q, &toks);
        let searcher = self.reader.searcher();
        let k = CANDIDATES.max(q.limit * 2);
        let (top, total) = searcher.search(&query, &(TopDocs::with_limit(k).order_by_score(), Count))?;
        let mut hits = Vec::with_capacity(top.len());
        let mut a = self.analyzers.clone();
        let query_sets: [BTreeSet<String>; 3] = toks.clone().map(|v| v.into_iter().collect());
        let code = code_key(&q.text);
        for (bm25, addr) in top {
            let keys = searcher.segment_reader(addr.segment_ord).fast_fields().u64("key")?;
            let Some(key) = keys.first(addr.doc_id) else { continue };
            let (kind, ix) = kind_of_key(key);
            let has_route = match kind {
                HitKind::Occupation => reach.by_entry.iter().any(|r| r.occupation(g, OccupationIx(ix))),
                HitKind::Credential => reach.any_item(Item::Credential(CredentialIx(ix))),
                HitKind::Course => reach.any_item(Item::Course(CourseIx(ix))),
            };
            let w = words(g, kind, ix);
            let (tier, matched) = tier(&mut a, &query_sets, &code, &w);
            let score = 100.0 * tier as f32 + if has_route { 20.0 } else { 0.0 } + kind.bonus() + bm25.min(19.0);
            hits.push(Hit {
                kind,
                ix,
                score: (score * 1000.0).round() / 1000.0,
                matched,
                has_route,
            });
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.kind.cmp(&b.kind))
                .then(a.ix.cmp(&b.ix))
        });
        hits.truncate(q.limit);
        Ok(SearchResult { hits, total })
    }
}

/// `b` starts with the query word `a`, or is within one edit of it, or two for words of eight
/// letters or more (the prefix and fuzzy queries' rules, a swap of neighbours counting as one
/// edit).
fn near(a: &str, b: &str) -> bool {
    if a.chars().count() >= PREFIX_MIN && b.starts_with(a) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let max = if a.len() >= 8 { 2 } else { 1 };
    if a.len() < FUZZY_MIN || a.len().abs_diff(b.len()) > max {
        return false;
    }
    osa_distance(&a, &b) <= max
}

/// Optimal string alignment distance (Levenshtein plus swaps of neighbours).
fn osa_distance(a: &[char], b: &[char]) -> usize {
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 {
                j
            } else if j == 0 {
                i
            } else {
                let sub = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + sub);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * w + b.len()]
}

/// The tier and the matched field of a candidate (see the module docs).
fn tier(a: &mut [TextAnalyzer; 3], q: &[BTreeSet<String>; 3], code: &str, w: &Words<'_>) -> (u8, Matched) {
    if !code.is_empty() && w.codes.iter().any(|c| code_key(c) == code) {
        return (6, Matched::Code);
    }
    // For each text, its word sets in English and Spanish stems.
    let mut sets = |texts: &[&str]| -> Vec<[BTreeSet<String>; 3]> {
        texts
            .iter()
            .map(|t| [0, 1, 2].map(|i| tokens(&mut a[i], t).into_iter().collect::<BTreeSet<_>>()))
            .collect()
    };
    let titles = sets(&w.titles);
    let aliases = sets(&w.aliases);
    let descriptions = sets(&w.descriptions);
    let exact = |s: &[[BTreeSet<String>; 3]]| s.iter().any(|l| (0..3).any(|i| !q[i].is_empty() && l[i] == q[i]));
    let all = |s: &[[BTreeSet<String>; 3]]| {
        s.iter()
            .any(|l| (0..3).any(|i| !q[i].is_empty() && q[i].is_subset(&l[i])))
    };
    let some = |s: &[[BTreeSet<String>; 3]]| s.iter().any(|l| (0..3).any(|i| !q[i].is_disjoint(&l[i])));
    if exact(&titles) {
        return (5, Matched::Title);
    }
    if exact(&aliases) {
        return (4, Matched::Alias);
    }
    if all(&titles) {
        return (3, Matched::Title);
    }
    if all(&aliases) {
        return (2, Matched::Alias);
    }
    if some(&titles) {
        return (1, Matched::Title);
    }
    if some(&aliases) {
        return (1, Matched::Alias);
    }
    if some(&descriptions) {
        return (1, Matched::Description);
    }
    let near_any = |texts: &[&str], a: &mut TextAnalyzer| {
        texts
            .iter()
            .any(|t| tokens(a, t).iter().any(|w| q[2].iter().any(|x| near(x, w))))
    };
    if near_any(&w.aliases, &mut a[2]) && !near_any(&w.titles, &mut a[2]) {
        return (1, Matched::Alias);
    }
    (1, Matched::Title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_lose_their_punctuation() {
        assert_eq!(code_key("29-1141"), "291141");
        assert_eq!(code_key("51.3902"), "513902");
        assert_eq!(code_key("NUR 101"), "nur101");
    }

    #[test]
    fn typo_distance_is_one_edit_or_two_for_long_words() {
        assert!(near("nurss", "nurse"));
        assert!(near("wleder", "welder"));
        assert!(!near("nur", "nut"));
        assert!(near("electrcian", "electrician"));
        assert!(!near("plumber", "welder"));
        assert!(near("nurs", "nursing") && !near("nu", "nursing"));
    }

    #[test]
    fn analyzers_stem_and_fold() {
        let mut en = analyzer(Some(Language::English));
        let mut es = analyzer(Some(Language::Spanish));
        assert_eq!(
            tokens(&mut en, "Nursing Assistants"),
            tokens(&mut en, "nurse assistant")
        );
        assert_eq!(tokens(&mut es, "Introducción"), tokens(&mut es, "introduccion"));
        assert_eq!(tokens(&mut es, "Enfermeras"), tokens(&mut es, "enfermera"));
    }
}
