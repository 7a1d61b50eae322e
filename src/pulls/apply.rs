//! Derives the next dataset from the current one and a pull: the ownership rules of the
//! [module docs](super). Pure: no I/O.
//!
//! Time O(records + links) with hash lookups; the current dataset is cloned once.

use crate::domain::*;
use crate::sources::{Pulled, SourceKind, Warnings, cip_code, provenance_url};
use std::collections::{HashMap, HashSet};

/// Whether `p` says the record or figure came from this source (and URL, for kinds keyed by URL).
/// URLs are compared as provenance keeps them (scheme, host, path), so records written before
/// provenance dropped the query still belong to their source.
pub fn owned_by(p: &Option<Provenance>, kind: SourceKind, url: &str) -> bool {
    p.as_ref().is_some_and(|p| {
        p.source == kind.as_str()
            && (!kind.keyed_by_url()
                || p.url.as_deref().is_some_and(|u| {
                    let url = provenance_url(url);
                    u == url || provenance_url(u) == url
                }))
    })
}

/// The next dataset: `current` minus what this source put there before, plus `pulled`.
/// Problems that can be repaired by dropping a link are dropped and reported in `warnings`.
pub fn apply(current: &Bundle, kind: SourceKind, url: &str, pulled: Pulled, warnings: &mut Warnings) -> Bundle {
    let mine = |p: &Option<Provenance>| owned_by(p, kind, url);
    let mut next = current.clone();

    // 1. Remove the records this source owns, remembering them to carry enrichments over.
    let mut old_occupations = take_by(&mut next.occupations, |o| mine(&o.provenance), |o| o.soc.clone());
    let removed_competencies: HashSet<CompetencyId> = next
        .competencies
        .iter()
        .filter(|c| mine(&c.provenance))
        .map(|c| c.id.clone())
        .collect();
    next.competencies.retain(|c| !mine(&c.provenance));
    let old_courses = take_by(&mut next.courses, |c| mine(&c.provenance), |c| c.id.clone());
    next.credentials.retain(|c| !mine(&c.provenance));
    next.articulations.retain(|a| !mine(&a.provenance));
    next.pathways.retain(|p| !mine(&p.provenance));

    // 2. Remove this source's enrichments from the records that stay.
    // (`bls_api` pulls name their states: each state's figures are replaced in step 4, and the
    // states a pull does not name keep theirs.)
    let per_region = kind == SourceKind::BlsApi;
    for o in &mut next.occupations {
        o.demand.retain(|d| per_region || !mine(&d.provenance));
        o.wages.retain(|w| per_region || !mine(&w.provenance));
        o.programs.retain(|p| !mine(&p.provenance));
        let before: Vec<ClusterLink> = o.clusters.iter().filter(|c| mine(&c.provenance)).cloned().collect();
        o.clusters.retain(|c| !mine(&c.provenance));
        if let Some(cl) = &o.cluster
            && before.iter().any(|b| &b.cluster == cl)
        {
            o.cluster = None;
            o.subcluster = None;
        }
    }
    if kind == SourceKind::Sced {
        for c in &mut next.courses {
            c.sced_title = None;
        }
    }

    // 3. Add the owned records; ids taken by records from elsewhere are left alone.
    let Pulled {
        mut owned, mut enrich, ..
    } = pulled;
    // A projections row whose code matches no catalog occupation (BLS's aggregated codes) is
    // kept as an occupation this source owns; its figures go on it in step 4.
    if kind == SourceKind::BlsProjections {
        let known: HashSet<&str> = next.occupations.iter().map(|o| o.soc.as_str()).collect();
        let prov = enrich.demand.first().and_then(|(_, d)| d.provenance.clone());
        for (soc, title) in std::mem::take(&mut enrich.occupations) {
            if known.contains(soc.as_str()) || owned.occupations.iter().any(|o| o.soc.as_str() == soc) {
                continue;
            }
            owned.occupations.push(Occupation {
                soc: SocCode(soc),
                title,
                provenance: prov.clone(),
                ..Default::default()
            });
        }
    }
    let taken: HashSet<String> = next.competencies.iter().map(|c| c.id.0.clone()).collect();
    for c in owned.competencies {
        if taken.contains(c.id.as_str()) {
            kept_existing(warnings, format!("competency {}", c.id));
        } else {
            next.competencies.push(c);
        }
    }
    let mut occ_ix: HashMap<SocCode, usize> = next
        .occupations
        .iter()
        .enumerate()
        .map(|(i, o)| (o.soc.clone(), i))
        .collect();
    for mut o in owned.occupations {
        if let Some(&i) = occ_ix.get(&o.soc) {
            if kind == SourceKind::OnetDb
                && next.occupations[i]
                    .provenance
                    .as_ref()
                    .is_some_and(|p| p.source == SourceKind::BlsProjections.as_str())
            {
                // A projections row kept before O*NET was pulled: the O*NET record takes its
                // place and keeps what was put on it.
                let old = std::mem::take(&mut next.occupations[i]);
                o.demand = old.demand;
                o.wages = old.wages;
                o.programs = old.programs;
                o.clusters = old.clusters;
                o.cluster = o.cluster.or(old.cluster);
                o.subcluster = o.subcluster.or(old.subcluster);
                o.entry_credentials = old.entry_credentials;
                merge_aliases(&mut o.aliases, old.aliases);
                o.i18n = old.i18n;
                next.occupations[i] = o;
                continue;
            }
            let existing = &mut next.occupations[i];
            kept_existing(warnings, format!("occupation {} (enriched)", o.soc));
            for c in o.competencies {
                if !existing.competencies.contains(&c) {
                    existing.competencies.push(c);
                }
            }
            if existing.job_zone.is_none() {
                existing.job_zone = o.job_zone;
            }
            if existing.onet_codes.is_empty() {
                existing.onet_codes = o.onet_codes;
            }
            merge_aliases(&mut existing.aliases, o.aliases);
            continue;
        }
        if let Some(old) = old_occupations.remove(&o.soc) {
            // Carry over what other sources and imports added to the record being replaced.
            o.demand = old.demand.into_iter().filter(|d| !mine(&d.provenance)).collect();
            o.wages = old.wages.into_iter().filter(|w| !mine(&w.provenance)).collect();
            o.programs = old.programs.into_iter().filter(|p| !mine(&p.provenance)).collect();
            o.clusters = old.clusters.into_iter().filter(|c| !mine(&c.provenance)).collect();
            o.cluster = o.cluster.or(old.cluster);
            o.subcluster = o.subcluster.or(old.subcluster);
            for c in old.entry_credentials {
                if !o.entry_credentials.contains(&c) {
                    o.entry_credentials.push(c);
                }
            }
            for c in old.competencies {
                if !removed_competencies.contains(&c) && !o.competencies.contains(&c) {
                    o.competencies.push(c);
                }
            }
            // Lay titles an import gave stay (a re-pull's own come back anyway).
            let pulled = std::mem::replace(&mut o.aliases, old.aliases);
            merge_aliases(&mut o.aliases, pulled);
            o.i18n = old.i18n;
        }
        occ_ix.insert(o.soc.clone(), next.occupations.len());
        next.occupations.push(o);
    }
    let items: HashSet<String> = next
        .courses
        .iter()
        .map(|c| c.id.0.clone())
        .chain(next.credentials.iter().map(|c| c.id.0.clone()))
        .collect();
    for mut c in owned.courses {
        if items.contains(c.id.as_str()) {
            kept_existing(warnings, format!("course {}", c.id));
            continue;
        }
        if let Some(old) = old_courses.get(&c.id) {
            c.sced_title = c.sced_title.or(old.sced_title.clone());
        }
        next.courses.push(c);
    }
    for c in owned.credentials {
        if items.contains(c.id.as_str()) {
            kept_existing(warnings, format!("credential {}", c.id));
            continue;
        }
        next.credentials.push(c);
    }
    let pathway_ids: HashSet<String> = next.pathways.iter().map(|p| p.id.clone()).collect();
    for p in owned.pathways {
        if pathway_ids.contains(&p.id) {
            kept_existing(warnings, format!("pathway {}", p.id));
            continue;
        }
        next.pathways.push(p);
    }

    // 4. Enrichments onto existing records (`occ_ix` now covers the added occupations too).
    let mut onto = Onto {
        occ_ix,
        unmatched: HashSet::new(),
    };
    onto.each(&mut next, warnings, enrich.demand, |o, d| {
        o.demand.retain(|x| x.region != d.region);
        o.demand.push(d);
    });
    onto.each(&mut next, warnings, enrich.wages, |o, w| {
        o.wages.retain(|x| x.region != w.region);
        o.wages.push(w);
    });
    onto.each(&mut next, warnings, enrich.programs, |o, p| {
        // The same link twice (a crosswalk row repeated, a credential naming two O*NET-SOC
        // codes of one SOC code) is kept once; links differing in evidence or credential
        // (two CTDL credentials of one program) are all kept.
        if !o
            .programs
            .iter()
            .any(|x| x.cip == p.cip && x.evidence == p.evidence && x.credentials == p.credentials)
        {
            o.programs.push(p);
        }
    });
    onto.each(&mut next, warnings, enrich.clusters, |o, c| {
        if !o
            .clusters
            .iter()
            .any(|x| x.cluster == c.cluster && x.subcluster == c.subcluster)
        {
            if o.cluster.is_none() {
                o.cluster = Some(c.cluster.clone());
                o.subcluster = c.subcluster.clone();
            }
            o.clusters.push(c);
        }
    });
    if let Some(titles) = &enrich.sced_titles {
        for c in &mut next.courses {
            let Some(code) = c.codes.sced.as_deref() else { continue };
            let code5 = format!("{:0>5}", code.trim());
            match titles.get(&code5) {
                Some(t) => c.sced_title = Some(t.clone()),
                None => warnings.add(
                    "unknown_sced_code",
                    "catalog courses whose SCED code is not in the pulled SCED list",
                    format!("{} ({code})", c.id),
                ),
            }
        }
    }

    if let Some(by_cip) = &enrich.completions {
        for c in &mut next.credentials {
            let Some(cip) = c.codes.cip.as_deref().and_then(crate::sources::cip_code) else {
                continue;
            };
            match by_cip
                .get(&cip)
                .and_then(|levels| crate::sources::ipeds::completers_for(c.kind, levels))
            {
                Some(n) => c.annual_completers = Some(n),
                None => warnings.add(
                    "no_completions",
                    "catalog credentials whose CIP code and award level have no completions in the file",
                    format!("{} ({cip})", c.id),
                ),
            }
        }
    }

    // 5. Drop links the new dataset leaves dangling, in records this pull or its source made.
    prune(&mut next, warnings);
    prune_pulled_requirements(&mut next, &mine, warnings);

    // 6. Re-resolve crosswalk program links to the credentials carrying their CIP code.
    relink_crosswalk(&mut next);

    // 7. Re-derive what the aggregated occupations kept from projections cover (in SOC order).
    next.canonicalize();
    link_aggregates(&mut next);
    next
}

fn prune(b: &mut Bundle, warnings: &mut Warnings) {
    let comps: HashSet<CompetencyId> = b.competencies.iter().map(|c| c.id.clone()).collect();
    let drop_comp = |list: &mut Vec<CompetencyId>, owner: &str, w: &mut Warnings| {
        list.retain(|c| {
            let keep = comps.contains(c);
            if !keep {
                w.add(
                    "dropped_reference",
                    "references to records the dataset does not have were dropped",
                    format!("{owner} -> competency {c}"),
                );
            }
            keep
        });
    };
    for o in &mut b.occupations {
        drop_comp(&mut o.competencies, o.soc.as_str(), warnings);
    }
    for c in &mut b.courses {
        drop_comp(&mut c.competencies, c.id.as_str(), warnings);
    }
    for c in &mut b.credentials {
        drop_comp(&mut c.competencies, c.id.as_str(), warnings);
    }
    for c in &mut b.competencies {
        if let Some(p) = &c.parent
            && !comps.contains(p)
        {
            warnings.add(
                "dropped_reference",
                "references to records the dataset does not have were dropped",
                format!("{} -> parent {p}", c.id),
            );
            c.parent = None;
        }
    }
    let courses: HashSet<CourseId> = b.courses.iter().map(|c| c.id.clone()).collect();
    for c in &mut b.courses {
        c.parts.retain(|p| courses.contains(p));
    }
}

/// Drops requirement-group items and pathway-component targets that name nothing in the
/// dataset, in the records this pull made (a CTDL document naming resources it does not hold).
fn prune_pulled_requirements(b: &mut Bundle, mine: &dyn Fn(&Option<Provenance>) -> bool, warnings: &mut Warnings) {
    let items: HashSet<String> = b
        .courses
        .iter()
        .map(|c| c.id.0.clone())
        .chain(b.credentials.iter().map(|c| c.id.0.clone()))
        .collect();
    let fix = |owner: &str, groups: &mut Vec<RequirementGroup>, w: &mut Warnings| {
        for g in groups.iter_mut() {
            let (choose, from) = match g {
                RequirementGroup::Choose { choose, from } => (Some(choose), from),
                RequirementGroup::MinCredits { from, .. } => (None, from),
            };
            from.retain(|i| {
                let keep = items.contains(i.as_str());
                if !keep {
                    w.add(
                        "dropped_reference",
                        "references to records the dataset does not have were dropped",
                        format!("{owner} -> {i}"),
                    );
                }
                keep
            });
            if let Some(c) = choose {
                *c = (*c).min(from.len() as u32);
            }
        }
        groups.retain(|g| !g.from().is_empty());
    };
    for c in b.courses.iter_mut().filter(|c| mine(&c.provenance)) {
        fix(c.id.as_str(), &mut c.prerequisites, warnings);
    }
    for c in b.credentials.iter_mut().filter(|c| mine(&c.provenance)) {
        fix(c.id.as_str(), &mut c.requires, warnings);
    }
    for p in b.pathways.iter_mut().filter(|p| mine(&p.provenance)) {
        for c in &mut p.components {
            if c.target.as_ref().is_some_and(|t| !items.contains(t.as_str())) {
                c.target = None;
            }
        }
    }
}

/// Sets every crosswalk program link's `credentials` to the catalog credentials carrying its
/// CIP code. Time O(credentials + links).
pub fn relink_crosswalk(b: &mut Bundle) {
    let mut by_cip: HashMap<String, Vec<CredentialId>> = HashMap::new();
    for c in &b.credentials {
        if let Some(cip) = c.codes.cip.as_deref().and_then(cip_code) {
            by_cip.entry(cip).or_default().push(c.id.clone());
        }
    }
    for o in &mut b.occupations {
        for p in &mut o.programs {
            if p.evidence == Evidence::CipSoc {
                let mut creds = p
                    .cip
                    .as_ref()
                    .and_then(|cip| by_cip.get(cip))
                    .cloned()
                    .unwrap_or_default();
                creds.sort();
                p.credentials = creds;
            }
        }
    }
}

/// Sets `covers` of every occupation a projections pull kept for a code matching no catalog
/// occupation (an aggregated code, `31-1120`): the occupations of the same SOC broad group
/// (the code's first five digits, `31-112x`) that have no projections figures of their own,
/// i.e. the detailed codes the table replaced with the aggregate. Each code is covered once:
/// by the group's lowest kept code, so a detailed code kept beside its aggregate (O*NET pulled
/// only in part) covers nothing. `b` must be canonical. Time O(occupations).
pub fn link_aggregates(b: &mut Bundle) {
    let projections = SourceKind::BlsProjections.as_str();
    let kept = |o: &Occupation| o.provenance.as_ref().is_some_and(|p| p.source == projections);
    let projected = |o: &Occupation| {
        o.demand
            .iter()
            .any(|d| d.provenance.as_ref().is_some_and(|p| p.source == projections))
    };
    let group = |soc: &SocCode| soc.as_str().get(..6).map(str::to_owned);
    let mut uncovered: HashMap<String, Vec<SocCode>> = HashMap::new();
    for o in b.occupations.iter().filter(|o| !kept(o) && !projected(o)) {
        if let Some(g) = group(&o.soc) {
            uncovered.entry(g).or_default().push(o.soc.clone());
        }
    }
    // `b` is canonical (occupations in SOC order), so a group's aggregate (its lowest code,
    // `31-1120`) comes before any detailed code of the group kept too; each code goes to one
    // aggregate only.
    for o in b.occupations.iter_mut().filter(|o| kept(o)) {
        let mut covers = group(&o.soc).and_then(|g| uncovered.remove(&g)).unwrap_or_default();
        covers.sort();
        o.covers = covers;
    }
}

/// Removes the records of `v` that `taken` picks (the others keep their order) and returns
/// them by `key`.
fn take_by<T, K: Eq + std::hash::Hash>(
    v: &mut Vec<T>,
    taken: impl Fn(&T) -> bool,
    key: impl Fn(&T) -> K,
) -> HashMap<K, T> {
    let (gone, kept): (Vec<T>, Vec<T>) = std::mem::take(v).into_iter().partition(|x| taken(x));
    *v = kept;
    gone.into_iter().map(|x| (key(&x), x)).collect()
}

/// Records that a pulled record was not added because another source or an import owns its id.
/// Adds to `into` the lay titles of `more` it does not hold yet (ignoring case), in order.
fn merge_aliases(into: &mut Vec<String>, more: Vec<String>) {
    let mut seen: HashSet<String> = into.iter().map(|a| a.to_lowercase()).collect();
    into.extend(more.into_iter().filter(|a| seen.insert(a.to_lowercase())));
}

fn kept_existing(warnings: &mut Warnings, what: String) {
    warnings.add(
        "kept_existing_record",
        "records already in the catalog from elsewhere were kept instead of the pulled ones",
        what,
    );
}

/// Enrichments onto existing occupations, by SOC code.
struct Onto {
    occ_ix: HashMap<SocCode, usize>,
    /// SOC codes already reported as matching no occupation.
    unmatched: HashSet<String>,
}

impl Onto {
    /// Applies `f` to the occupation of `soc`, or records the code as unmatched (once).
    fn occupation(&mut self, next: &mut Bundle, warnings: &mut Warnings, soc: &str, f: impl FnOnce(&mut Occupation)) {
        match self.occ_ix.get(soc) {
            Some(&i) => f(&mut next.occupations[i]),
            None => {
                if self.unmatched.insert(soc.to_owned()) {
                    warnings.add(
                        "unmatched_occupation",
                        "SOC codes in the source that match no catalog occupation (enrichments never create occupations; pull onet_db first)",
                        soc,
                    )
                }
            }
        }
    }

    /// [`Onto::occupation`] for each `(soc, link)` of `links`: `f` puts the link onto it.
    fn each<T>(
        &mut self,
        next: &mut Bundle,
        warnings: &mut Warnings,
        links: Vec<(String, T)>,
        mut f: impl FnMut(&mut Occupation, T),
    ) {
        for (soc, link) in links {
            self.occupation(next, warnings, &soc, |o| f(o, link));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::Enrichment;

    /// An O*NET pull of the occupations `socs`.
    fn onet_pull(socs: &[&str]) -> Pulled {
        Pulled {
            owned: Bundle {
                occupations: socs.iter().map(|s| occ(s, "onet_db")).collect(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn prov(source: &str) -> Option<Provenance> {
        Some(Provenance {
            source: source.into(),
            url: Some("http://x/".into()),
            release: None,
            retrieved_at: None,
        })
    }

    fn occ(soc: &str, source: &str) -> Occupation {
        serde_json::from_value(serde_json::json!({"soc": soc, "title": soc}))
            .map(|mut o: Occupation| {
                o.provenance = prov(source);
                o
            })
            .unwrap()
    }

    fn demand(region: &str, employment: f64, source: &str) -> Demand {
        let mut d: Demand =
            serde_json::from_value(serde_json::json!({"region": region, "employment": employment})).unwrap();
        d.provenance = prov(source);
        d
    }

    #[test]
    fn a_pull_replaces_its_own_records_and_leaves_imported_ones() {
        let mut imported = occ("29-1141", "import");
        imported.provenance = None;
        let current = Bundle {
            occupations: vec![imported, occ("11-1011", "onet_db"), occ("11-1021", "onet_db")],
            ..Default::default()
        };
        let pulled = onet_pull(&["11-1011", "29-1141"]);
        let mut w = Warnings::default();
        let next = apply(&current, SourceKind::OnetDb, "http://x/", pulled, &mut w);
        let socs: Vec<&str> = next.occupations.iter().map(|o| o.soc.as_str()).collect();
        assert_eq!(socs, ["11-1011", "29-1141"]);
        assert!(next.occupations[1].provenance.is_none(), "the imported record stays");
        assert_eq!(w.count("kept_existing_record"), 1);
    }

    #[test]
    fn enrichments_replace_their_region_and_survive_a_new_release() {
        let mut o = occ("29-1141", "onet_db");
        o.demand = vec![demand("US", 1.0, "import"), demand("TX", 5.0, "import")];
        let current = Bundle {
            occupations: vec![o],
            ..Default::default()
        };
        let pulled = Pulled {
            enrich: Enrichment {
                demand: vec![
                    ("29-1141".into(), demand("US", 3_391_000.0, "bls_projections")),
                    ("99-9999".into(), demand("US", 1.0, "bls_projections")),
                ],
                ..Default::default()
            },
            ..Default::default()
        };
        let mut w = Warnings::default();
        let next = apply(&current, SourceKind::BlsProjections, "http://x/", pulled, &mut w);
        let d = &next.occupations[0].demand;
        assert_eq!(d.len(), 2);
        assert!(d.iter().any(|d| d.region == "US" && d.employment == Some(3_391_000.0)));
        assert_eq!(w.count("unmatched_occupation"), 1);

        // A new O*NET release replaces the occupation and keeps the BLS figures.
        let pulled = onet_pull(&["29-1141"]);
        let again = apply(&next, SourceKind::OnetDb, "http://y/", pulled, &mut Warnings::default());
        assert_eq!(again.occupations[0].demand.len(), 2);
    }

    #[test]
    fn projections_rows_without_an_occupation_are_kept_and_cover_their_group() {
        let current = Bundle {
            occupations: vec![
                occ("31-1121", "onet_db"),
                occ("31-1122", "onet_db"),
                occ("31-1131", "onet_db"),
            ],
            ..Default::default()
        };
        let pulled = Pulled {
            enrich: Enrichment {
                demand: vec![
                    ("31-1120".into(), demand("US", 4_347_700.0, "bls_projections")),
                    ("31-1131".into(), demand("US", 1_400_000.0, "bls_projections")),
                ],
                occupations: vec![
                    ("31-1120".into(), "Home health and personal care aides".into()),
                    ("31-1131".into(), "Nursing assistants".into()),
                ],
                ..Default::default()
            },
            ..Default::default()
        };
        let mut w = Warnings::default();
        let next = apply(&current, SourceKind::BlsProjections, "http://x/", pulled, &mut w);
        assert_eq!(w.count("unmatched_occupation"), 0);
        let aides = next.occupations.iter().find(|o| o.soc.as_str() == "31-1120").unwrap();
        assert_eq!(aides.title, "Home health and personal care aides");
        assert_eq!(aides.demand[0].employment, Some(4_347_700.0));
        let covers: Vec<&str> = aides.covers.iter().map(|c| c.as_str()).collect();
        assert_eq!(covers, ["31-1121", "31-1122"], "31-1131 has figures of its own");
        assert_eq!(
            next.occupations
                .iter()
                .find(|o| o.soc.as_str() == "31-1131")
                .unwrap()
                .title,
            "31-1131"
        );

        // Pulled before O*NET: O*NET's record takes the kept row's place and keeps its figures.
        let pulled = onet_pull(&["31-1120"]);
        let again = apply(&next, SourceKind::OnetDb, "http://y/", pulled, &mut Warnings::default());
        let o = again.occupations.iter().find(|o| o.soc.as_str() == "31-1120").unwrap();
        assert_eq!(o.provenance.as_ref().unwrap().source, "onet_db");
        assert_eq!(o.demand.len(), 1);
        assert!(o.covers.is_empty(), "an O*NET occupation is detailed");
    }

    /// A kept row for a detailed code (O*NET pulled only in part) covers nothing: only the
    /// broad code does, so no code is covered twice and the pull stays valid.
    #[test]
    fn a_kept_detailed_code_covers_nothing() {
        let current = Bundle {
            occupations: vec![occ("13-2021", "onet_db")],
            ..Default::default()
        };
        let rows = [
            ("13-2020", "Property appraisers and assessors"),
            ("13-2022", "Appraisers of personal property"),
        ];
        let pulled = Pulled {
            enrich: Enrichment {
                demand: rows
                    .iter()
                    .map(|(soc, _)| ((*soc).into(), demand("US", 1_000.0, "bls_projections")))
                    .collect(),
                occupations: rows.iter().map(|(soc, t)| ((*soc).into(), (*t).into())).collect(),
                ..Default::default()
            },
            ..Default::default()
        };
        let next = apply(
            &current,
            SourceKind::BlsProjections,
            "http://x/",
            pulled,
            &mut Warnings::default(),
        );
        let covers = |soc: &str| -> Vec<String> {
            let o = next.occupations.iter().find(|o| o.soc.as_str() == soc).unwrap();
            o.covers.iter().map(|c| c.as_str().to_owned()).collect()
        };
        assert_eq!(covers("13-2020"), ["13-2021"]);
        assert!(covers("13-2022").is_empty());
        assert!(next.validate().is_ok(), "{:?}", next.validate());
    }
}
