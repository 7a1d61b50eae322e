//! Property tests of the gap and duplicate analyses against brute-force definitions, written
//! independently over the plain records (string ids, nested loops, repeated passes), on random
//! small valid catalogs.

use careermap::analysis::duplicates::{
    Basis, DuplicateParams, Measure, course_text_model, find_duplicates, find_duplicates_with,
};
use careermap::analysis::gaps::{GapKind, GapParams, HighDemandPolicy, find_gaps, rank_cmp};
use careermap::analysis::reach::{EntryPoint, naive_reach, reach};
use careermap::analysis::text::brute_force_cosine;
use careermap::domain::*;
use careermap::graph::CatalogGraph;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const SYSTEMS: [System; 4] = [
    System::Secondary,
    System::Adult,
    System::Postsecondary,
    System::WorkBased,
];
const KINDS: [CredentialKind; 5] = [
    CredentialKind::Certificate,
    CredentialKind::IndustryCertification,
    CredentialKind::Associate,
    CredentialKind::Diploma,
    CredentialKind::Hse,
];

/// A random valid catalog. Courses and credentials form one random sequence in which groups
/// only list earlier items, so there are no cycles.
fn random_bundle(seed: u64) -> Bundle {
    let mut rng = fastrand::Rng::with_seed(seed);
    let nk = rng.usize(3..8);
    let competencies: Vec<Competency> = (0..nk)
        .map(|i| Competency {
            id: CompetencyId(format!("k{i}")),
            name: format!("K{i}"),
            tier: 1 + (i % 9) as u8,
            framework: None,
            parent: None,
            description: None,
            ..Default::default()
        })
        .collect();
    let comps = |rng: &mut fastrand::Rng, max: usize| -> Vec<CompetencyId> {
        let mut v: Vec<CompetencyId> = (0..rng.usize(0..=max))
            .map(|_| CompetencyId(format!("k{}", rng.usize(0..nk))))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let n = rng.usize(3..14);
    let mut courses: Vec<Course> = Vec::new();
    let mut credentials: Vec<Credential> = Vec::new();
    let mut earlier: Vec<(String, f64)> = Vec::new(); // (id, credits; credentials 0)
    let groups = |rng: &mut fastrand::Rng, earlier: &[(String, f64)], p: u8| -> Vec<RequirementGroup> {
        let mut out = Vec::new();
        if earlier.is_empty() {
            return out;
        }
        for _ in 0..rng.usize(0..=2) {
            if rng.u8(0..100) >= p {
                continue;
            }
            let mut from: Vec<(String, f64)> = (0..rng.usize(1..=3))
                .map(|_| earlier[rng.usize(0..earlier.len())].clone())
                .collect();
            from.sort_by(|a, b| a.0.cmp(&b.0));
            from.dedup_by(|a, b| a.0 == b.0);
            let total: f64 = from.iter().map(|x| x.1).sum();
            let ids: Vec<ItemId> = from.iter().map(|x| ItemId(x.0.clone())).collect();
            if total > 0.0 && rng.bool() {
                out.push(RequirementGroup::MinCredits {
                    min_credits: (rng.u8(1..=total as u8)) as f64,
                    from: ids,
                });
            } else {
                out.push(RequirementGroup::Choose {
                    choose: rng.u32(1..=ids.len() as u32),
                    from: ids,
                });
            }
        }
        out
    };
    for i in 0..n {
        if rng.u8(0..10) < 7 {
            let id = format!("c{i:02}");
            let credits = [0.0, 1.0, 2.0, 3.0, 4.0][rng.usize(0..5)];
            courses.push(Course {
                id: CourseId(id.clone()),
                title: id.clone(),
                system: SYSTEMS[rng.usize(0..4)],
                provider: None,
                hours: [30.0, 45.0, 60.0][rng.usize(0..3)],
                credits,
                competencies: comps(&mut rng, 4),
                prerequisites: groups(&mut rng, &earlier, 40),
                codes: Codes::default(),
                cost: None,
                ..Default::default()
            });
            earlier.push((id, credits));
        } else {
            let id = format!("r{i:02}");
            credentials.push(Credential {
                id: CredentialId(id.clone()),
                title: id.clone(),
                kind: KINDS[rng.usize(0..KINDS.len())],
                level: rng.u32(1..=4),
                requires: groups(&mut rng, &earlier, 90),
                competencies: comps(&mut rng, 2),
                stacks_into: vec![],
                codes: Codes::default(),
                ctid: None,
                provider: None,
                ..Default::default()
            });
            earlier.push((id, 0.0));
        }
    }
    // stacks_into: to any other credential of a higher level, sometimes.
    let levels: Vec<(String, u32)> = credentials.iter().map(|c| (c.id.0.clone(), c.level)).collect();
    for c in &mut credentials {
        for (id, l) in &levels {
            if *l > c.level && rng.u8(0..10) < 3 {
                c.stacks_into.push(CredentialId(id.clone()));
            }
        }
    }
    let majors = ["11", "29", "31"];
    let occupations: Vec<Occupation> = (0..rng.usize(1..5))
        .map(|i| {
            let mut entry: Vec<CredentialId> = credentials
                .iter()
                .filter(|_| rng.u8(0..10) < 4)
                .map(|c| c.id.clone())
                .collect();
            entry.truncate(2);
            // One in five is demand-only (figures, no competencies, no entry credentials).
            let demand_only = rng.u8(0..5) == 0;
            if demand_only {
                entry.clear();
            }
            let competencies = comps(&mut rng, 3);
            // Flagged figures: withheld openings (a number beside the flag must not count) and
            // top-coded medians (a lower bound).
            let mut flags = Vec::new();
            if rng.u8(0..8) == 0 {
                flags.push("openings_suppressed".to_owned());
            }
            if rng.u8(0..5) == 0 {
                flags.push("median_wage_top_coded".to_owned());
            }
            Occupation {
                soc: SocCode(format!("{}-{:04}", majors[rng.usize(0..3)], i)),
                title: format!("Occupation {i}"),
                job_zone: None,
                competencies: if demand_only { Vec::new() } else { competencies },
                entry_credentials: entry,
                demand: vec![Demand {
                    region: "US".into(),
                    employment: None,
                    projected_employment: None,
                    growth_pct: None,
                    annual_openings: if rng.u8(0..10) < 9 {
                        Some(rng.u32(0..5) as f64 * 100.0)
                    } else {
                        None
                    },
                    median_wage: Some(rng.u32(0..4) as f64 * 10_000.0),
                    typical_entry_education: None,
                    flags,
                    ..Default::default()
                }],
                cluster: None,
                ..Default::default()
            }
        })
        .collect();
    let mut articulations = Vec::new();
    if !courses.is_empty() {
        for a in 0..rng.usize(0..5) {
            let from = earlier[rng.usize(0..earlier.len())].0.clone();
            let to = &courses[rng.usize(0..courses.len())];
            if to.id.0 == from {
                continue;
            }
            articulations.push(Articulation {
                id: ArticulationId(format!("a{a}")),
                from: ItemId(from),
                to: to.id.clone(),
                credits: (rng.u8(0..=4) as f64).min(to.credits.max(1.0)),
                kind: ArticulationKind::StatewideAgreement,
                source: None,
                start_date: None,
                end_date: None,
                ..Default::default()
            });
        }
    }
    careermap::synth::catalog_of(competencies, courses, credentials, occupations, articulations)
}

// ---- brute-force definitions over the records -------------------------------------------

struct Oracle<'a> {
    b: &'a Bundle,
    course: HashMap<&'a str, &'a Course>,
    cred: HashMap<&'a str, &'a Credential>,
}

impl<'a> Oracle<'a> {
    fn new(b: &'a Bundle) -> Self {
        Oracle {
            b,
            course: b.courses.iter().map(|c| (c.id.as_str(), c)).collect(),
            cred: b.credentials.iter().map(|c| (c.id.as_str(), c)).collect(),
        }
    }

    fn credits(&self, id: &str) -> f64 {
        self.course.get(id).map_or(0.0, |c| c.credits)
    }

    /// Repeated passes of the reachability rules until nothing changes.
    fn reach(&self, entry: EntryPoint) -> BTreeSet<String> {
        let mut have: BTreeSet<String> = BTreeSet::new();
        // Postsecondary learners hold a diploma or equivalency; a high-school student earns
        // the diploma at graduation.
        for c in &self.b.credentials {
            let start = match entry {
                EntryPoint::Postsecondary => matches!(c.kind, CredentialKind::Diploma | CredentialKind::Hse),
                EntryPoint::Secondary => c.kind == CredentialKind::Diploma,
                EntryPoint::Adult => false,
            };
            if start {
                have.insert(c.id.0.clone());
            }
        }
        let open = |c: &careermap::domain::Course| {
            if !c.eligible_entries.is_empty() {
                return c.eligible_entries.contains(&entry);
            }
            match entry {
                EntryPoint::Secondary => c.system != System::Adult,
                EntryPoint::Adult => c.system != System::Secondary,
                EntryPoint::Postsecondary => matches!(c.system, System::Postsecondary | System::WorkBased),
            }
        };
        let system_of = |id: &str| self.b.courses.iter().find(|c| c.id.as_str() == id).map(|c| c.system);
        loop {
            let before = have.len();
            let holds = |have: &BTreeSet<String>, g: &RequirementGroup| {
                g.holds(|id| have.contains(id.as_str()), |id| self.credits(id.as_str()))
            };
            for c in &self.b.courses {
                let by_groups = open(c) && c.prerequisites.iter().all(|g| holds(&have, g));
                let by_art = self.b.articulations.iter().any(|a| {
                    let dual_only = entry == EntryPoint::Secondary
                        && system_of(a.from.as_str()) == Some(System::Secondary)
                        && c.system == System::Postsecondary;
                    a.to == c.id
                        && a.credits + 1e-9 >= c.credits
                        && (!dual_only || a.kind == careermap::domain::ArticulationKind::DualEnrollment)
                        && have.contains(a.from.as_str())
                });
                if by_groups || by_art {
                    have.insert(c.id.0.clone());
                }
            }
            for c in &self.b.credentials {
                let closed = entry == EntryPoint::Secondary && c.kind == CredentialKind::Hse;
                if !closed && c.requires.iter().all(|g| holds(&have, g)) {
                    have.insert(c.id.0.clone());
                }
            }
            if have.len() == before {
                return have;
            }
        }
    }

    fn lists(groups: &[RequirementGroup], id: &str) -> bool {
        groups.iter().any(|g| g.from().iter().any(|x| x.as_str() == id))
    }

    fn articulated(&self, x: &str, y: &str) -> bool {
        self.b.articulations.iter().any(|a| {
            let (f, t) = (a.from.as_str(), a.to.as_str());
            let direct = (f == x && t == y) || (f == y && t == x);
            let via = |other: &str| self.cred.get(f).is_some_and(|c| Self::lists(&c.requires, other));
            direct || (t == y && via(x)) || (t == x && via(y))
        })
    }

    /// `full` when a linking articulation (as in [`Self::articulated`]) grants all the
    /// credits of the course it targets, `partial` when only smaller grants link them.
    fn articulation(&self, x: &str, y: &str) -> &'static str {
        let mut label = "none";
        for a in &self.b.articulations {
            let (f, t) = (a.from.as_str(), a.to.as_str());
            let via = |other: &str| self.cred.get(f).is_some_and(|c| Self::lists(&c.requires, other));
            let links = (f == x && t == y) || (f == y && t == x) || (t == y && via(x)) || (t == x && via(y));
            if links {
                if a.credits + 1e-9 >= self.credits(t) {
                    return "full";
                }
                label = "partial";
            }
        }
        label
    }

    fn comps(c: &Course) -> BTreeSet<&str> {
        c.competencies.iter().map(|k| k.as_str()).collect()
    }

    /// The high-demand rule, written out: nearest-rank medians over the US figures, withheld
    /// openings left out (and never high demand), a top-coded median a lower bound that passes
    /// an exact threshold it reaches and is otherwise undecidable (not high demand), and an
    /// exact wage undecidable against a threshold that is a bound.
    fn high_demand(&self) -> BTreeSet<String> {
        let d = |o: &Occupation| o.demand.iter().find(|d| d.region == "US").cloned();
        let flag = |dd: &Demand, f: &str| dd.flags.iter().any(|x| x == f);
        let open_of = |o: &Occupation| d(o).filter(|dd| !flag(dd, "openings_suppressed"))?.annual_openings;
        // (wage, is a bound)
        let wage_of = |o: &Occupation| {
            let dd = d(o)?;
            Some((dd.median_wage?, flag(&dd, "median_wage_top_coded")))
        };
        let mut opens: Vec<f64> = self.b.occupations.iter().filter_map(open_of).collect();
        opens.sort_by(f64::total_cmp);
        let mut wages: Vec<(f64, bool)> = self.b.occupations.iter().filter_map(wage_of).collect();
        wages.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let rank = |n: usize| ((0.5 * n as f64).ceil() as usize).max(1) - 1;
        let open_t = (!opens.is_empty()).then(|| opens[rank(opens.len())]);
        let wage_t = (!wages.is_empty()).then(|| wages[rank(wages.len())]);
        self.b
            .occupations
            .iter()
            .filter(|o| {
                let open_ok = matches!((open_of(o), open_t), (Some(v), Some(m)) if v >= m);
                let wage_ok = match (wage_of(o), wage_t) {
                    (Some((v, _)), Some((t, false))) => v >= t,
                    _ => false,
                };
                open_ok && wage_ok
            })
            .map(|o| o.soc.0.clone())
            .collect()
    }

    fn level(&self, id: &str) -> u32 {
        self.cred[id].level
    }

    /// Higher credentials `c` leads to (stacks_into, listed in requirements, prerequisite of a
    /// listed course, articulated to a listed course).
    fn up(&self, c: &str) -> BTreeSet<String> {
        let lc = self.level(c);
        let mut out = BTreeSet::new();
        for h in &self.b.credentials {
            if h.level <= lc {
                continue;
            }
            let stacked = self.cred[c].stacks_into.iter().any(|s| s.as_str() == h.id.as_str());
            let listed = Self::lists(&h.requires, c);
            let via_course = h.requires.iter().flat_map(|g| g.from()).any(|y| {
                self.course.get(y.as_str()).is_some_and(|course| {
                    Self::lists(&course.prerequisites, c)
                        || self
                            .b
                            .articulations
                            .iter()
                            .any(|a| a.from.as_str() == c && a.to.as_str() == course.id.as_str())
                })
            });
            if stacked || listed || via_course {
                out.insert(h.id.0.clone());
            }
        }
        out
    }

    fn top(&self, c: &str) -> u32 {
        self.up(c)
            .iter()
            .map(|h| self.top(h))
            .max()
            .unwrap_or(0)
            .max(self.level(c))
    }
}

type Found = BTreeSet<(Vec<String>, i64, Option<&'static str>)>;

fn key(subjects: Vec<String>, severity: f64, entry: Option<EntryPoint>) -> (Vec<String>, i64, Option<&'static str>) {
    (subjects, (severity * 1000.0).round() as i64, entry.map(|e| e.as_str()))
}

fn expected(b: &Bundle, p: &GapParams) -> BTreeMap<GapKind, Found> {
    let o = Oracle::new(b);
    let mut out: BTreeMap<GapKind, Found> = GapKind::ALL.into_iter().map(|k| (k, Found::new())).collect();
    // missing_articulation
    for x in &b.courses {
        if !matches!(x.system, System::Secondary | System::Adult) {
            continue;
        }
        for y in &b.courses {
            let ys = Oracle::comps(y);
            if y.system != System::Postsecondary || ys.is_empty() {
                continue;
            }
            let inter = Oracle::comps(x).intersection(&ys).count();
            if inter as f64 >= p.containment * ys.len() as f64 - 1e-9 && !o.articulated(x.id.as_str(), y.id.as_str()) {
                out.get_mut(&GapKind::MissingArticulation).unwrap().insert(key(
                    vec![x.id.0.clone(), y.id.0.clone()],
                    y.hours,
                    None,
                ));
            }
        }
    }
    // partial_credit
    for a in &b.articulations {
        let to = o.course[a.to.as_str()];
        if a.credits + 1e-9 < to.credits {
            out.get_mut(&GapKind::PartialCredit).unwrap().insert(key(
                vec![a.id.0.clone(), a.from.0.clone(), a.to.0.clone()],
                to.credits - a.credits,
                None,
            ));
        }
    }
    // dead_end_credential
    let occs_of = |c: &str| -> Vec<&Occupation> {
        b.occupations
            .iter()
            .filter(|o| o.entry_credentials.iter().any(|e| e.as_str() == c))
            .collect()
    };
    for c in &b.credentials {
        let occs = occs_of(c.id.as_str());
        if occs.is_empty() || !c.stacks_into.is_empty() || !o.up(c.id.as_str()).is_empty() {
            continue;
        }
        let peers: BTreeSet<&str> = occs
            .iter()
            .flat_map(|oc| oc.entry_credentials.iter().map(|e| e.as_str()))
            .filter(|&e| e != c.id.as_str())
            .collect();
        let peer_climbs = peers.iter().any(|p| o.top(p) > c.level);
        let majors: BTreeSet<&str> = occs.iter().map(|oc| &oc.soc.as_str()[..2]).collect();
        let field: BTreeSet<&str> = b
            .occupations
            .iter()
            .filter(|oc| majors.contains(&oc.soc.as_str()[..2]))
            .flat_map(|oc| oc.entry_credentials.iter().map(|e| e.as_str()))
            .collect();
        if !(peer_climbs || field.iter().any(|f| o.level(f) > c.level)) {
            continue;
        }
        let top = field.iter().map(|f| o.top(f)).max().unwrap();
        let mut subjects = vec![c.id.0.clone()];
        subjects.extend(occs.iter().map(|oc| oc.soc.0.clone()));
        out.get_mut(&GapKind::DeadEndCredential).unwrap().insert(key(
            subjects,
            top.saturating_sub(c.level).max(1) as f64,
            None,
        ));
    }
    // reachability
    let reach: BTreeMap<EntryPoint, BTreeSet<String>> = EntryPoint::ALL.into_iter().map(|e| (e, o.reach(e))).collect();
    let any: BTreeSet<&String> = reach.values().flatten().collect();
    let occ_from = |oc: &Occupation, e: EntryPoint| oc.entry_credentials.iter().any(|c| reach[&e].contains(c.as_str()));
    // uncovered_competency
    let mut uncovered: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for oc in &b.occupations {
        if !EntryPoint::ALL.into_iter().any(|e| occ_from(oc, e)) {
            continue;
        }
        // Backward closure, by repeated passes.
        let mut closure: BTreeSet<String> = oc.entry_credentials.iter().map(|c| c.0.clone()).collect();
        loop {
            let before = closure.len();
            for id in closure.clone() {
                let groups = o
                    .course
                    .get(id.as_str())
                    .map(|c| &c.prerequisites)
                    .or_else(|| o.cred.get(id.as_str()).map(|c| &c.requires))
                    .unwrap();
                for g in groups {
                    closure.extend(g.from().iter().map(|x| x.0.clone()));
                }
                for a in &b.articulations {
                    if a.to.as_str() == id {
                        closure.insert(a.from.0.clone());
                    }
                }
            }
            if closure.len() == before {
                break;
            }
        }
        let mut covered: BTreeSet<&str> = BTreeSet::new();
        for id in closure.iter().filter(|id| any.contains(id)) {
            if let Some(c) = o.course.get(id.as_str()) {
                covered.extend(c.competencies.iter().map(|k| k.as_str()));
            } else {
                covered.extend(o.cred[id.as_str()].competencies.iter().map(|k| k.as_str()));
            }
        }
        let mut req: Vec<&str> = oc.competencies.iter().map(|k| k.as_str()).collect();
        req.sort();
        req.dedup();
        for k in req {
            if !covered.contains(k) {
                uncovered.entry(k.to_string()).or_default().push(oc.soc.0.clone());
            }
        }
    }
    for (k, socs) in uncovered {
        let n = socs.len() as f64;
        let mut subjects = vec![k];
        subjects.extend(socs);
        out.get_mut(&GapKind::UncoveredCompetency)
            .unwrap()
            .insert(key(subjects, n, None));
    }
    // no_pathway, missing_entry_point
    let hd = o.high_demand();
    for oc in &b.occupations {
        let open = Some(&oc.demand[0])
            .filter(|d| !d.flags.iter().any(|f| f == "openings_suppressed"))
            .and_then(|d| d.annual_openings)
            .unwrap_or(0.0);
        let from: Vec<EntryPoint> = EntryPoint::ALL.into_iter().filter(|&e| occ_from(oc, e)).collect();
        let none = match p.entry {
            None => from.is_empty(),
            Some(e) => !from.contains(&e),
        };
        let described = !oc.competencies.is_empty() || !oc.entry_credentials.is_empty();
        if hd.contains(oc.soc.as_str()) && none && described {
            out.get_mut(&GapKind::NoPathway)
                .unwrap()
                .insert(key(vec![oc.soc.0.clone()], open, p.entry));
        }
        if !from.is_empty() {
            for e in EntryPoint::ALL {
                if !from.contains(&e) && p.entry.is_none_or(|x| x == e) {
                    out.get_mut(&GapKind::MissingEntryPoint).unwrap().insert(key(
                        vec![oc.soc.0.clone()],
                        open,
                        Some(e),
                    ));
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every gap kind equals its brute-force definition.
    #[test]
    fn gaps_equal_brute_force(seed in any::<u64>(), containment in prop_oneof![Just(1.0), Just(0.5), Just(0.75)],
                              entry in prop_oneof![Just(None), Just(Some(EntryPoint::Secondary)),
                                                   Just(Some(EntryPoint::Adult)), Just(Some(EntryPoint::Postsecondary))]) {
        let b = random_bundle(seed);
        prop_assert_eq!(b.validate(), Ok(()));
        let p = GapParams { region: "US".into(), policy: HighDemandPolicy::default(), containment, entry };
        let want = expected(&b, &p);
        let g = CatalogGraph::build(1, b.clone());
        let gaps = find_gaps(&g, &p);
        for kind in GapKind::ALL {
            let got: Found = gaps
                .iter()
                .filter(|x| x.kind == kind)
                .map(|x| key(x.subjects.clone(), x.severity, x.entry))
                .collect();
            let n = gaps.iter().filter(|x| x.kind == kind).count();
            prop_assert_eq!(n, got.len(), "{} has repeated gaps", kind.as_str());
            prop_assert_eq!(&got, &want[&kind], "{}", kind.as_str());
        }
    }

    /// The worklist reachability equals repeated passes, also with credential articulations
    /// and credentials in prerequisite groups.
    #[test]
    fn reach_equals_naive_passes(seed in any::<u64>()) {
        let b = random_bundle(seed);
        let g = CatalogGraph::build(1, b);
        for e in EntryPoint::ALL {
            prop_assert_eq!(reach(&g, e), naive_reach(&g, e, &careermap::analysis::reach::assumed_credentials(&g, e)));
        }
    }

    /// Duplicates over a catalog equal all pairs checked one by one: same pairs, similarities,
    /// shared competencies, articulation flags and clusters.
    #[test]
    fn duplicates_equal_all_pairs(seed in any::<u64>(), t in prop_oneof![Just(0.5), Just(1.0), Just(0.25), Just(2.0 / 3.0)]) {
        let b = random_bundle(seed);
        let o = Oracle::new(&b);
        let g = CatalogGraph::build(1, b.clone());
        let d = find_duplicates(&g, t);
        let got: Vec<(String, String, i64, Vec<String>, bool)> = d
            .pairs
            .iter()
            .map(|p| (
                g.course(p.a).id.0.clone(),
                g.course(p.b).id.0.clone(),
                (p.jaccard * 1e9).round() as i64,
                p.shared.iter().map(|&k| g.competency(k).id.0.clone()).collect(),
                p.articulated,
            ))
            .collect();
        for p in &d.pairs {
            let (x, y) = (g.course(p.a).id.as_str(), g.course(p.b).id.as_str());
            prop_assert_eq!(p.articulation.as_str(), o.articulation(x, y));
        }
        let mut want = Vec::new();
        for (i, x) in b.courses.iter().enumerate() {
            for y in &b.courses[i + 1..] {
                let (xs, ys) = (Oracle::comps(x), Oracle::comps(y));
                let shared: Vec<String> = xs.intersection(&ys).map(|s| s.to_string()).collect();
                let union = xs.union(&ys).count();
                if union == 0 || xs.is_empty() || ys.is_empty() {
                    continue;
                }
                let j = shared.len() as f64 / union as f64;
                if j >= t - 1e-9 {
                    want.push((x.id.0.clone(), y.id.0.clone(), (j * 1e9).round() as i64, shared,
                               o.articulation(x.id.as_str(), y.id.as_str()) == "full"));
                }
            }
        }
        want.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
        prop_assert_eq!(&got, &want);
        // Clusters: connected components by repeated merging.
        let mut comps: Vec<BTreeSet<String>> = Vec::new();
        for (a, b2, ..) in &want {
            let mut merged: BTreeSet<String> = [a.clone(), b2.clone()].into();
            comps.retain(|c| if c.contains(a) || c.contains(b2) { merged.extend(c.iter().cloned()); false } else { true });
            comps.push(merged);
        }
        let mut want_clusters: Vec<Vec<String>> = comps.into_iter().map(|c| c.into_iter().collect()).collect();
        want_clusters.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        let got_clusters: Vec<Vec<String>> = d
            .clusters
            .iter()
            .map(|c| c.iter().map(|&x| g.course(x).id.0.clone()).collect())
            .collect();
        prop_assert_eq!(got_clusters, want_clusters);
    }
}

/// The random catalogs exercise every kind (guards against a generator that never makes any).
#[test]
fn random_catalogs_produce_every_kind() {
    let mut seen: BTreeMap<GapKind, usize> = BTreeMap::new();
    let mut valid = 0;
    for seed in 0..256 {
        let b = random_bundle(seed);
        valid += b.validate().is_ok() as usize;
        let p = GapParams::default();
        for (k, found) in expected(&b, &p) {
            *seen.entry(k).or_default() += found.len();
        }
    }
    eprintln!("gaps per kind over 256 catalogs: {seen:?}");
    assert_eq!(valid, 256);
    for kind in GapKind::ALL {
        assert!(seen[&kind] >= 10, "{} appears {} times", kind.as_str(), seen[&kind]);
    }
}

/// Random titles and descriptions over a small vocabulary, so that texts overlap.
fn with_random_texts(mut b: Bundle, seed: u64) -> Bundle {
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x9e37);
    let words = [
        "welding",
        "arc",
        "safety",
        "nurse",
        "aide",
        "patient",
        "care",
        "vital",
        "signs",
        "network",
        "cabling",
        "algebra",
        "engine",
        "brakes",
        "circuits",
        "wiring",
        "resident",
        "infection",
        "control",
        "drafting",
    ];
    let mut text = |n: usize| -> String {
        (0..n)
            .map(|_| words[rng.usize(0..words.len())])
            .collect::<Vec<_>>()
            .join(" ")
    };
    for c in &mut b.courses {
        c.title = text(3);
        c.description = Some(text(12));
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Containment duplicates equal all pairs checked one by one: same pairs, same
    /// containment and Jaccard scores, same articulation labels.
    #[test]
    fn containment_duplicates_equal_all_pairs(seed in any::<u64>(), t in prop_oneof![Just(0.5), Just(1.0), Just(0.25), Just(2.0 / 3.0)]) {
        let b = random_bundle(seed);
        let o = Oracle::new(&b);
        let g = CatalogGraph::build(1, b.clone());
        let p = DuplicateParams { min_overlap: t, measure: Measure::Containment, ..Default::default() };
        let d = find_duplicates_with(&g, &p, &[Basis::Competencies], None);
        let mut got: Vec<(String, String, i64, i64, &str)> = d
            .pairs
            .iter()
            .map(|p| (
                g.course(p.a).id.0.clone(),
                g.course(p.b).id.0.clone(),
                (p.containment * 1e9).round() as i64,
                (p.jaccard * 1e9).round() as i64,
                p.articulation.as_str(),
            ))
            .collect();
        got.sort();
        let mut want = Vec::new();
        for (i, x) in b.courses.iter().enumerate() {
            for y in &b.courses[i + 1..] {
                let (xs, ys) = (Oracle::comps(x), Oracle::comps(y));
                if xs.is_empty() || ys.is_empty() {
                    continue;
                }
                let shared = xs.intersection(&ys).count() as f64;
                let c = shared / xs.len().min(ys.len()) as f64;
                let j = shared / xs.union(&ys).count() as f64;
                if c >= t - 1e-9 {
                    want.push((x.id.0.clone(), y.id.0.clone(), (c * 1e9).round() as i64, (j * 1e9).round() as i64,
                               o.articulation(x.id.as_str(), y.id.as_str())));
                }
            }
        }
        want.sort();
        prop_assert_eq!(got, want);
    }

    /// Text duplicates equal the brute-force cosine over every pair of the same model: same
    /// pairs, bit-for-bit the same scores.
    #[test]
    fn text_duplicates_equal_all_pairs(seed in any::<u64>(), t in prop_oneof![Just(0.5), Just(0.3), Just(0.8), Just(1.0)]) {
        let b = with_random_texts(random_bundle(seed), seed);
        let g = CatalogGraph::build(1, b);
        let p = DuplicateParams { min_text_similarity: t, ..Default::default() };
        let d = find_duplicates_with(&g, &p, &[Basis::Text], None);
        let mut got: Vec<(u32, u32, u64)> = d
            .pairs
            .iter()
            .map(|p| (p.a.0, p.b.0, p.text_similarity.unwrap().to_bits()))
            .collect();
        got.sort();
        let m = course_text_model(&g);
        let want: Vec<(u32, u32, u64)> = brute_force_cosine(&m.vectors, t)
            .into_iter()
            .map(|p| (p.a, p.b, p.cosine.to_bits()))
            .collect();
        prop_assert_eq!(got, want);
    }

    /// The severity ranking of `top_gaps` is a total order consistent with its formula:
    /// impact is the openings of the distinct occupations named; sorting by `rank_cmp` lists
    /// impacts in non-increasing order; the comparison is antisymmetric and transitive, and
    /// only gaps with equal keys compare equal.
    #[test]
    fn severity_ranking_is_a_total_order_on_its_formula(seed in any::<u64>()) {
        let b = random_bundle(seed);
        let openings: HashMap<String, f64> = b
            .occupations
            .iter()
            .map(|o| (o.soc.0.clone(), o.demand.iter().find(|d| d.region == "US")
                .filter(|d| !d.flags.iter().any(|f| f == "openings_suppressed"))
                .and_then(|d| d.annual_openings).unwrap_or(0.0)))
            .collect();
        let g = CatalogGraph::build(1, b.clone());
        let mut gaps = find_gaps(&g, &GapParams::default());
        for gap in &gaps {
            let socs: BTreeSet<String> = gap.occupations.iter().map(|&o| g.occupation(o).soc.0.clone()).collect();
            let want: f64 = socs.iter().map(|s| openings[s]).sum();
            prop_assert_eq!(gap.impact, want);
            if matches!(gap.kind, GapKind::NoPathway | GapKind::MissingEntryPoint) {
                prop_assert_eq!(socs.into_iter().collect::<Vec<_>>(), gap.subjects.clone());
            }
        }
        gaps.sort_by(rank_cmp);
        prop_assert!(gaps.windows(2).all(|w| w[0].impact >= w[1].impact));
        let key = |x: &careermap::analysis::gaps::Gap| (x.impact.to_bits(), x.kind, x.severity.to_bits(), x.subjects.clone(), x.entry);
        for a in &gaps {
            for b2 in &gaps {
                prop_assert_eq!(rank_cmp(a, b2), rank_cmp(b2, a).reverse());
                if rank_cmp(a, b2) == std::cmp::Ordering::Equal {
                    prop_assert_eq!(key(a), key(b2));
                }
                for c in &gaps {
                    if rank_cmp(a, b2).is_le() && rank_cmp(b2, c).is_le() {
                        prop_assert!(rank_cmp(a, c).is_le());
                    }
                }
            }
        }
    }
}
