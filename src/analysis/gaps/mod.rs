//! Where a state's career-pathway system breaks: the gap analysis behind `GET /v1/gaps`.
//!
//! Each [`Gap`] has a [`GapKind`], a `severity` whose unit depends on the kind, the ids
//! involved, a sentence saying what is wrong, a suggestion, and the Perkins Programs of Study
//! (POS) component or Career Pathways (CP) element it bears on. The kinds and their severities:
//!
//! | kind | what | severity |
//! |---|---|---|
//! | `missing_articulation` | a secondary or adult course teaches at least `containment` (default all) of a postsecondary course's competencies, and no articulation links them ([`super::duplicates::articulated`]) | hours of the postsecondary course a learner repeats |
//! | `partial_credit` | an articulation grants fewer credits than its target course carries | credits lost |
//! | `dead_end_credential` | a credential that stacks into nothing and counts toward no higher-level credential, while its field has a way up (see [`dead_ends`]) | levels left unreachable: the highest level in the field minus the credential's |
//! | `uncovered_competency` | a competency occupations require that nothing on any reachable pathway to them teaches or certifies (see [`uncovered`]) | number of occupations affected |
//! | `no_pathway` | a high-demand occupation the catalog [describes](described) with no pathway from any entry point (from the requested entry point when one is given) | annual openings in the region |
//! | `missing_entry_point` | an occupation reachable from one entry point but not from another; one gap per missing entry point | annual openings in the region |
//!
//! Reachability is [`super::reach`]; "high demand" is [`HighDemand`].
//!
//! Demand-only occupations (labour-market figures with no competencies and no entry
//! credentials, such as the seed's BLS records for every detailed occupation) count in the
//! high-demand percentiles but are outside the catalog's scope: they are never `no_pathway`
//! gaps and never in the report's pathway share, so a state that loads the whole labour market
//! is not told to build a pathway into every occupation it has figures for.

mod articulation;

pub use articulation::*;

use super::demand::DemandIndex;
pub use super::demand::HighDemandPolicy;
use super::duplicates::{articulated, intersection_size};
use super::reach::{EntryPoint, Reach, reach};
use crate::domain::System;
use crate::graph::{CatalogGraph, CompetencyIx, CourseIx, CredentialIx, Item, OccupationIx};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds of gap, in the order answers list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GapKind {
    MissingArticulation,
    PartialCredit,
    DeadEndCredential,
    UncoveredCompetency,
    NoPathway,
    MissingEntryPoint,
}

impl GapKind {
    pub const ALL: [GapKind; 6] = [
        GapKind::MissingArticulation,
        GapKind::PartialCredit,
        GapKind::DeadEndCredential,
        GapKind::UncoveredCompetency,
        GapKind::NoPathway,
        GapKind::MissingEntryPoint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::MissingArticulation => "missing_articulation",
            GapKind::PartialCredit => "partial_credit",
            GapKind::DeadEndCredential => "dead_end_credential",
            GapKind::UncoveredCompetency => "uncovered_competency",
            GapKind::NoPathway => "no_pathway",
            GapKind::MissingEntryPoint => "missing_entry_point",
        }
    }

    pub fn parse(s: &str) -> Option<GapKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The Programs of Study component or Career Pathways element the kind bears on.
    pub fn element(self) -> &'static str {
        match self {
            GapKind::MissingArticulation | GapKind::PartialCredit => "POS 7: credit transfer agreements",
            GapKind::DeadEndCredential => "CP: stackable credentials with multiple exit points",
            GapKind::UncoveredCompetency => "POS 5: college and career readiness standards (industry competencies)",
            GapKind::NoPathway => "CP: pathways into high-demand occupations identified from labor-market data",
            GapKind::MissingEntryPoint => "CP: multiple entry points",
        }
    }

    /// What the severity number measures.
    pub fn severity_unit(self) -> &'static str {
        match self {
            GapKind::MissingArticulation => "hours repeated",
            GapKind::PartialCredit => "credits lost",
            GapKind::DeadEndCredential => "levels left unreachable",
            GapKind::UncoveredCompetency => "occupations affected",
            GapKind::NoPathway | GapKind::MissingEntryPoint => "annual openings",
        }
    }
}

/// One gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub kind: GapKind,
    /// In the unit of [`GapKind::severity_unit`].
    pub severity: f64,
    /// `severity` divided by the largest severity of the same kind in the same answer (0-1),
    /// so that gaps of different kinds can be ranked together.
    pub relative_severity: f64,
    /// The ids involved (courses, credentials, articulations, competencies, SOC codes).
    pub subjects: Vec<String>,
    pub detail: String,
    pub suggestion: String,
    /// The entry point, for `no_pathway` asked for one entry point and `missing_entry_point`.
    pub entry: Option<EntryPoint>,
    /// The occupations whose pathways the gap blocks or lengthens (see [`impact`]).
    pub occupations: Vec<OccupationIx>,
    /// The one severity scale across kinds: annual openings in the region behind the gap
    /// (see [`impact`]).
    pub impact: f64,
    /// The DOL pyramid tier of the competency of an `uncovered_competency` gap.
    pub tier: Option<u8>,
}

/// The unit of [`Gap::impact`].
pub const IMPACT_UNIT: &str = "annual openings behind the gap";

/// The one severity scale across gap kinds: the annual openings in `region` (with the `US`
/// fallback of [`openings`]; 0 when unknown) summed over the distinct occupations whose
/// pathways the gap blocks or lengthens:
///
/// | kind | occupations behind it |
/// |---|---|
/// | `missing_articulation` | those with the postsecondary course on a pathway ([`pathway_items`]) |
/// | `partial_credit` | those with the articulation's target course on a pathway |
/// | `dead_end_credential` | those the credential qualifies for |
/// | `uncovered_competency` | those requiring the competency that no pathway teaches |
/// | `no_pathway`, `missing_entry_point` | the occupation |
///
/// A state reads it as "how many job openings a year sit behind this break in the system".
pub fn impact(g: &CatalogGraph, region: &str, occupations: &[OccupationIx]) -> f64 {
    let distinct: BTreeSet<OccupationIx> = occupations.iter().copied().collect();
    distinct.iter().map(|&o| openings(g, o, region)).fold(0.0, |a, b| a + b)
}

/// Blocking kinds (a learner cannot get there) rank before lengthening kinds (a learner gets
/// there with extra hours or a lower ceiling) at equal impact.
fn blocking_rank(k: GapKind) -> u8 {
    match k {
        GapKind::NoPathway => 0,
        GapKind::MissingEntryPoint => 1,
        GapKind::UncoveredCompetency => 2,
        GapKind::MissingArticulation => 3,
        GapKind::PartialCredit => 4,
        GapKind::DeadEndCredential => 5,
    }
}

/// The ranking of gaps across kinds (`top_gaps`): [`Gap::impact`] descending, then blocking
/// kinds first (`no_pathway`, `missing_entry_point`, `uncovered_competency`,
/// `missing_articulation`, `partial_credit`, `dead_end_credential`), then the kind-local
/// severity descending, then subjects and entry point. A total order on gaps that differ in
/// any of these (impact and severity compared with `f64::total_cmp`).
pub fn rank_cmp(a: &Gap, b: &Gap) -> std::cmp::Ordering {
    b.impact
        .total_cmp(&a.impact)
        .then(blocking_rank(a.kind).cmp(&blocking_rank(b.kind)))
        .then(b.severity.total_cmp(&a.severity))
        .then_with(|| a.subjects.cmp(&b.subjects))
        .then(a.entry.cmp(&b.entry))
}

/// The default `tier_min` of `uncovered_competency` gaps: tiers 1-3 of the DOL pyramid
/// (personal effectiveness, academic, workplace competencies) are reported apart.
pub const DEFAULT_TIER_MIN: u8 = 4;

/// Whether a gap is kept by a `tier_min` filter: every gap but an `uncovered_competency`
/// whose competency's tier is below `tier_min`.
pub fn keeps_tier(gap: &Gap, tier_min: u8) -> bool {
    gap.kind != GapKind::UncoveredCompetency || gap.tier.is_none_or(|t| t >= tier_min)
}

/// The high-demand flags of one region under the one high-demand rule
/// ([`crate::analysis::demand::HighDemandPolicy`], the same the career maps use): percentiles
/// over every occupation with demand figures in the region, national (`US`) fallback. One
/// difference: an occupation a career map shows with its aggregate's figures (`figures_of`)
/// is not flagged here, where its aggregate stands for it once.
#[derive(Debug, Clone, PartialEq)]
pub struct HighDemand {
    pub flags: Vec<bool>,
    /// The thresholds applied in the region (openings, wage); None when nobody has the figures.
    pub thresholds: Option<(f64, f64)>,
}

impl HighDemand {
    /// Time O(n log n) for n occupations.
    pub fn new(g: &CatalogGraph, region: &str, policy: &HighDemandPolicy) -> HighDemand {
        let index = DemandIndex::build(g);
        let flags = (0..g.n_occupations())
            .map(|o| {
                index
                    .occupation(g, OccupationIx(o as u32), region, policy)
                    .high_demand_on_its_own()
            })
            .collect();
        let thresholds = index
            .basis(region, policy)
            .and_then(|b| Some((b.openings_threshold?, b.wage_threshold?)));
        HighDemand { flags, thresholds }
    }

    pub fn is(&self, o: OccupationIx) -> bool {
        self.flags[o.ix()]
    }
}

/// Whether one occupation is high demand in `region` under `policy` (see [`HighDemandPolicy`]).
/// Time O(n log n); build a [`HighDemand`] to ask about many occupations.
pub fn is_high_demand(g: &CatalogGraph, occ: OccupationIx, region: &str, policy: &HighDemandPolicy) -> bool {
    HighDemand::new(g, region, policy).is(occ)
}

/// Annual openings of an occupation in a region (with the `US` fallback), 0 when unknown
/// (absent, or flagged `openings_suppressed`).
pub fn openings(g: &CatalogGraph, o: OccupationIx, region: &str) -> f64 {
    g.occupation(o)
        .demand_in(region)
        .and_then(|(d, _)| d.openings_figure().exact())
        .unwrap_or(0.0)
}

/// Parameters of a gap analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct GapParams {
    /// Region for demand figures (default `US`).
    pub region: String,
    pub policy: HighDemandPolicy,
    /// Share of a postsecondary course's competencies a secondary or adult course must teach
    /// to make a `missing_articulation` (in `(0, 1]`, default 1.0: all of them).
    pub containment: f64,
    /// When set, `no_pathway` and `missing_entry_point` are about this entry point only.
    pub entry: Option<EntryPoint>,
}

impl Default for GapParams {
    fn default() -> Self {
        GapParams {
            region: "US".into(),
            policy: HighDemandPolicy::default(),
            containment: 1.0,
            entry: None,
        }
    }
}

/// Reachability from each entry point ([`EntryPoint::ALL`] order), plus the union.
pub struct Reachability {
    pub by_entry: [Reach; 3],
}

impl Reachability {
    pub fn new(g: &CatalogGraph) -> Reachability {
        Reachability {
            by_entry: EntryPoint::ALL.map(|e| reach(g, e)),
        }
    }
    pub fn of(&self, e: EntryPoint) -> &Reach {
        &self.by_entry[e as usize]
    }
    pub fn any_item(&self, item: Item) -> bool {
        self.by_entry.iter().any(|r| r.item(item))
    }
}

/// Every gap of the catalog, sorted by kind, then severity descending, then subjects.
///
/// Time: O(catalog) for reachability and most kinds, plus the containment join of
/// [`missing_articulations`] and the per-occupation closures of [`uncovered`].
pub fn find_gaps(g: &CatalogGraph, p: &GapParams) -> Vec<Gap> {
    let reach = Reachability::new(g);
    find_gaps_with(g, p, &reach)
}

/// [`find_gaps`] with reachability already computed.
pub fn find_gaps_with(g: &CatalogGraph, p: &GapParams, reach: &Reachability) -> Vec<Gap> {
    let hd = HighDemand::new(g, &p.region, &p.policy);
    let mut gaps = Vec::new();
    gaps.extend(missing_articulations(g, p.containment));
    gaps.extend(partial_credits(g));
    gaps.extend(dead_ends(g));
    gaps.extend(uncovered(g, reach));
    gaps.extend(entry_gaps(g, p, reach, &hd));
    fill_impact(g, p, reach, &mut gaps);
    finish(&mut gaps);
    gaps
}

/// Fills [`Gap::occupations`] of the course gaps (from the occupations whose pathways hold the
/// course) and [`Gap::impact`] of every gap.
fn fill_impact(g: &CatalogGraph, p: &GapParams, reach: &Reachability, gaps: &mut [Gap]) {
    let needs_courses = gaps
        .iter()
        .any(|x| matches!(x.kind, GapKind::MissingArticulation | GapKind::PartialCredit));
    let mut on_pathway: BTreeMap<CourseIx, Vec<OccupationIx>> = BTreeMap::new();
    if needs_courses {
        for o in 0..g.n_occupations() {
            let o = OccupationIx(o as u32);
            for item in pathway_items(g, o, reach) {
                if let Item::Course(c) = item {
                    on_pathway.entry(c).or_default().push(o);
                }
            }
        }
    }
    for gap in gaps.iter_mut() {
        let course = match gap.kind {
            GapKind::MissingArticulation => gap.subjects.get(1),
            GapKind::PartialCredit => gap.subjects.get(2),
            _ => None,
        };
        if let Some(c) = course.and_then(|id| g.course_ix(id)) {
            gap.occupations = on_pathway.get(&c).cloned().unwrap_or_default();
        }
        gap.impact = impact(g, &p.region, &gap.occupations);
    }
}

/// Sorts gaps and fills `relative_severity`.
fn finish(gaps: &mut [Gap]) {
    let mut max: BTreeMap<GapKind, f64> = BTreeMap::new();
    for gap in gaps.iter() {
        let m = max.entry(gap.kind).or_insert(0.0);
        *m = m.max(gap.severity);
    }
    for gap in gaps.iter_mut() {
        let m = max[&gap.kind];
        gap.relative_severity = if m > 0.0 { gap.severity / m } else { 0.0 };
    }
    gaps.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.severity.total_cmp(&a.severity))
            .then_with(|| a.subjects.cmp(&b.subjects))
            .then(a.entry.cmp(&b.entry))
    });
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// The higher-level credentials each credential leads to ("way up"): `H` with
/// `level(H) > level(c)` such that `H` is in `c`'s `stacks_into`, or `H`'s requirement groups
/// list `c`, or list a course whose prerequisite groups list `c`, or list a course an
/// articulation from `c` grants credit toward. Time O(references).
pub fn ways_up(g: &CatalogGraph) -> Vec<BTreeSet<CredentialIx>> {
    let n = g.n_credentials();
    let mut up: Vec<BTreeSet<CredentialIx>> = vec![BTreeSet::new(); n];
    let level = |c: CredentialIx| g.credential(c).level;
    for (i, up_i) in up.iter_mut().enumerate() {
        let c = CredentialIx(i as u32);
        up_i.extend(g.stacks_into(c).iter().filter(|&&h| level(h) > level(c)));
    }
    for j in 0..n {
        let h = CredentialIx(j as u32);
        let mut feeders: Vec<CredentialIx> = Vec::new();
        for grp in g.requirements(h) {
            for &item in grp.items() {
                match item {
                    Item::Credential(c) => feeders.push(c),
                    Item::Course(y) => {
                        for pg in g.prerequisites(y) {
                            feeders.extend(pg.items().iter().filter_map(|&it| match it {
                                Item::Credential(c) => Some(c),
                                Item::Course(_) | Item::Assessment(_) => None,
                            }));
                        }
                        for &a in g.articulations_to(y) {
                            if let Item::Credential(c) = g.articulation_from(a)
                                && c.ix() < n
                            {
                                feeders.push(c);
                            }
                        }
                    }
                    Item::Assessment(_) => {}
                }
            }
        }
        for c in feeders {
            if level(h) > level(c) {
                up[c.ix()].insert(h);
            }
        }
    }
    up
}

fn major_group(soc: &str) -> &str {
    soc.get(..2).unwrap_or(soc)
}

/// `dead_end_credential` gaps.
///
/// A credential `c` is a dead end when it qualifies for at least one occupation, its
/// `stacks_into` is empty and it has no way up ([`ways_up`]), while its field has one: another
/// entry credential of one of its occupations has a way up (or stacks into) a level above `c`'s,
/// or a credential of a higher level qualifies for one of its occupations or for an occupation
/// in the same SOC major group. The field's top level is the highest level among the
/// credentials of those occupations and everything they lead up to; severity = top level -
/// `c`'s level.
pub fn dead_ends(g: &CatalogGraph) -> Vec<Gap> {
    let up = ways_up(g);
    let n = g.n_credentials();
    let level = |c: CredentialIx| g.credential(c).level;
    // Credentials qualifying for occupations of each major group.
    let mut by_group: BTreeMap<&str, BTreeSet<CredentialIx>> = BTreeMap::new();
    for o in 0..g.n_occupations() {
        let o = OccupationIx(o as u32);
        by_group
            .entry(major_group(g.occupation(o).soc.as_str()))
            .or_default()
            .extend(g.entry_credentials(o).iter().copied());
    }
    // Highest level reachable upward from each credential (itself included), by memoised DFS
    // over the acyclic "way up" relation (levels strictly increase).
    let mut top: Vec<Option<u32>> = vec![None; n];
    fn top_of(c: CredentialIx, up: &[BTreeSet<CredentialIx>], g: &CatalogGraph, memo: &mut [Option<u32>]) -> u32 {
        if let Some(t) = memo[c.ix()] {
            return t;
        }
        let mut t = g.credential(c).level;
        for &h in &up[c.ix()] {
            t = t.max(top_of(h, up, g, memo));
        }
        memo[c.ix()] = Some(t);
        t
    }
    let mut out = Vec::new();
    for (i, up_i) in up.iter().enumerate() {
        let c = CredentialIx(i as u32);
        let occs = g.qualifies_for(c);
        if occs.is_empty() || !g.stacks_into(c).is_empty() || !up_i.is_empty() {
            continue;
        }
        let lc = level(c);
        let same_occ: BTreeSet<CredentialIx> = occs
            .iter()
            .flat_map(|&o| g.entry_credentials(o).iter().copied())
            .filter(|&x| x != c)
            .collect();
        let peer_climbs = same_occ.iter().any(|&x| top_of(x, &up, g, &mut top) > lc);
        let field: BTreeSet<CredentialIx> = occs
            .iter()
            .flat_map(|&o| by_group[major_group(g.occupation(o).soc.as_str())].iter().copied())
            .collect();
        let higher_exists = field.iter().any(|&x| level(x) > lc);
        if !(peer_climbs || higher_exists) {
            continue;
        }
        let field_top = field.iter().map(|&x| top_of(x, &up, g, &mut top)).max().unwrap_or(lc);
        let cred = g.credential(c);
        let soc: Vec<&str> = occs.iter().map(|&o| g.occupation(o).soc.as_str()).collect();
        let mut subjects = vec![cred.id.to_string()];
        subjects.extend(soc.iter().map(|s| s.to_string()));
        out.push(Gap {
            kind: GapKind::DeadEndCredential,
            severity: field_top.saturating_sub(lc).max(1) as f64,
            relative_severity: 0.0,
            occupations: occs.to_vec(),
            impact: 0.0,
            tier: None,
            subjects,
            detail: format!(
                "Credential `{}` (level {lc}, for {}) stacks into nothing and counts toward no higher credential, while its field reaches level {field_top}.",
                cred.id,
                soc.join(", ")
            ),
            suggestion: format!(
                "Let `{}` stack into a higher credential of its field (add it to `stacks_into` and to that credential's requirements, or articulate it to one of its courses).",
                cred.id
            ),
            entry: None,
        });
    }
    out
}

/// The items on any pathway to an occupation: the backward closure of its entry credentials
/// over requirement and prerequisite groups and articulation sources, restricted to items
/// reachable from at least one entry point. Time O(closure size + its references).
pub fn pathway_items(g: &CatalogGraph, o: OccupationIx, reach: &Reachability) -> BTreeSet<Item> {
    let mut seen: BTreeSet<Item> = BTreeSet::new();
    let mut stack: Vec<Item> = g.entry_credentials(o).iter().map(|&c| Item::Credential(c)).collect();
    while let Some(item) = stack.pop() {
        if !seen.insert(item) {
            continue;
        }
        for grp in g.groups(item) {
            stack.extend(grp.items().iter().copied().filter(|i| !seen.contains(i)));
        }
        if let Item::Course(c) = item {
            for &a in g.articulations_to(c) {
                let from = g.articulation_from(a);
                if !seen.contains(&from) {
                    stack.push(from);
                }
            }
        }
    }
    seen.into_iter().filter(|&i| reach.any_item(i)).collect()
}

/// `uncovered_competency` gaps: per competency, the occupations that require it while no item
/// of [`pathway_items`] teaches (course) or certifies (credential) it. Occupations that no
/// entry point can reach at all are left out (every competency would be uncovered; unreachable
/// high-demand occupations are `no_pathway` gaps). Severity = number of occupations.
pub fn uncovered(g: &CatalogGraph, reach: &Reachability) -> Vec<Gap> {
    let mut missing: BTreeMap<CompetencyIx, Vec<OccupationIx>> = BTreeMap::new();
    for o in 0..g.n_occupations() {
        let o = OccupationIx(o as u32);
        if !reach.by_entry.iter().any(|r| r.occupation(g, o)) {
            continue;
        }
        let items = pathway_items(g, o, reach);
        let mut covered: BTreeSet<CompetencyIx> = BTreeSet::new();
        for item in items {
            match item {
                Item::Course(c) => covered.extend(g.course_competencies(c)),
                Item::Credential(c) => covered.extend(g.credential_competencies(c)),
                Item::Assessment(a) => covered.extend(g.assessment_competencies(a)),
            }
        }
        for &k in g.occupation_competencies(o) {
            if !covered.contains(&k) {
                missing.entry(k).or_default().push(o);
            }
        }
    }
    missing
        .into_iter()
        .map(|(k, occs)| {
            let comp = g.competency(k);
            let socs: Vec<String> = occs.iter().map(|&o| g.occupation(o).soc.to_string()).collect();
            let mut subjects = vec![comp.id.to_string()];
            subjects.extend(socs.iter().cloned());
            Gap {
                kind: GapKind::UncoveredCompetency,
                severity: occs.len() as f64,
                relative_severity: 0.0,
                occupations: occs.clone(),
                impact: 0.0,
                tier: Some(comp.tier),
                subjects,
                detail: format!(
                    "Competency `{}` ({}, tier {}) is required by {} but no course or credential on any pathway to {} teaches or certifies it.",
                    comp.id,
                    comp.name,
                    comp.tier,
                    socs.join(", "),
                    if socs.len() == 1 { "it" } else { "them" }
                ),
                suggestion: format!(
                    "Add `{}` to a course or credential on the pathway (for example an entry credential's required course), or create a module that teaches it.",
                    comp.id
                ),
                entry: None,
            }
        })
        .collect()
}

/// Whether the catalog describes occupation `o` (it lists competencies or entry credentials,
/// or, for an aggregate, an occupation it covers does), as opposed to carrying only its demand
/// figures. Only described occupations can be `no_pathway` gaps or count in the report's
/// pathway share.
pub fn described(g: &CatalogGraph, o: OccupationIx) -> bool {
    let own = |o: OccupationIx| !g.occupation_competencies(o).is_empty() || !g.entry_credentials(o).is_empty();
    own(o)
        || g.occupation(o)
            .covers
            .iter()
            .filter_map(|c| g.occupation_ix(c.as_str()))
            .any(|c| c != o && own(c))
}

/// `no_pathway` and `missing_entry_point` gaps.
fn entry_gaps(g: &CatalogGraph, p: &GapParams, reach: &Reachability, hd: &HighDemand) -> Vec<Gap> {
    let mut out = Vec::new();
    for o in 0..g.n_occupations() {
        let o = OccupationIx(o as u32);
        let occ = g.occupation(o);
        let from: Vec<EntryPoint> = EntryPoint::ALL
            .into_iter()
            .filter(|&e| reach.of(e).occupation(g, o))
            .collect();
        let open = openings(g, o, &p.region);
        let entries: Vec<String> = g
            .entry_credentials(o)
            .iter()
            .map(|&c| format!("`{}`", g.credential(c).id))
            .collect();
        let entries = if entries.is_empty() {
            "it has no entry credential".to_string()
        } else {
            format!("its entry credentials are {}", entries.join(", "))
        };
        let unreachable_for = |e: Option<EntryPoint>| match e {
            None => from.is_empty(),
            Some(e) => !from.contains(&e),
        };
        // Both occupation gaps weigh the occupation's openings and name it as their subject.
        let occupation_gap = |kind, detail, suggestion, entry| Gap {
            kind,
            severity: open,
            relative_severity: 0.0,
            occupations: vec![o],
            impact: 0.0,
            tier: None,
            subjects: vec![occ.soc.to_string()],
            detail,
            suggestion,
            entry,
        };
        if hd.is(o) && unreachable_for(p.entry) && described(g, o) {
            let who = match p.entry {
                None => "any entry point".to_string(),
                Some(e) => format!("the {} entry point", e.as_str()),
            };
            out.push(occupation_gap(
                GapKind::NoPathway,
                format!(
                    "High-demand occupation {} {} ({} openings a year in {}) has no pathway from {who}: {entries}.",
                    occ.soc,
                    occ.title,
                    fmt_num(open),
                    p.region
                ),
                format!(
                    "Build a pathway to an entry credential of {}: offer its required courses in the systems this entry point can use, or add an articulation or alternative prerequisite.",
                    occ.soc
                ),
                p.entry,
            ));
        }
        if from.is_empty() {
            continue;
        }
        for e in EntryPoint::ALL {
            if from.contains(&e) || p.entry.is_some_and(|x| x != e) {
                continue;
            }
            let via: Vec<&str> = from.iter().map(|x| x.as_str()).collect();
            out.push(occupation_gap(
                GapKind::MissingEntryPoint,
                format!(
                    "Occupation {} {} is reachable from the {} entry point{} but not from the {} entry point: {entries}.",
                    occ.soc,
                    occ.title,
                    via.join(" and "),
                    if via.len() > 1 { "s" } else { "" },
                    e.as_str()
                ),
                format!(
                    "Open an on-ramp for {} learners: offer the blocking prerequisite in a system they can use ({}) or accept an alternative in its prerequisite group.",
                    e.as_str(),
                    System::ALL
                        .into_iter()
                        .filter(|&s| e.allows_system(s).is_ok())
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(e),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Demand;
    use crate::synth::{SynthParams, generate};

    /// An aggregate stands for the occupations it covers that have no figures of their own:
    /// with no pathway to them it is the one `no_pathway` gap (its openings counted once),
    /// and they are not gaps of their own.
    #[test]
    fn an_aggregate_is_the_gap_of_the_occupations_it_covers() {
        let b = crate::domain::Bundle::from_json(
            serde_json::json!({
                "competencies": [{"id": "k1", "name": "Appraising", "tier": 5}],
                "occupations": [
                    {"soc": "13-2020", "title": "Property appraisers and assessors", "covers": ["13-2021", "13-2023"],
                     "demand": [{"region": "US", "annual_openings": 30000.0, "median_wage": 70000.0}]},
                    {"soc": "13-2021", "title": "Assessors", "competencies": ["k1"]},
                    {"soc": "13-2023", "title": "Appraisers", "competencies": ["k1"]},
                    {"soc": "11-0001", "title": "Low", "competencies": ["k1"],
                     "demand": [{"region": "US", "annual_openings": 10.0, "median_wage": 20000.0}]},
                    {"soc": "11-0002", "title": "Lower", "competencies": ["k1"],
                     "demand": [{"region": "US", "annual_openings": 5.0, "median_wage": 10000.0}]}
                ]
            })
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let g = CatalogGraph::build(1, b);
        let ix = |soc: &str| g.occupation_ix(soc).unwrap();
        let hd = HighDemand::new(&g, "US", &HighDemandPolicy::default());
        assert!(hd.is(ix("13-2020")));
        assert!(
            !hd.is(ix("13-2021")) && !hd.is(ix("13-2023")),
            "no figures of their own"
        );
        assert!(described(&g, ix("13-2020")), "through the occupations it covers");
        let no_pathway: Vec<(Vec<String>, f64)> = find_gaps(&g, &GapParams::default())
            .into_iter()
            .filter(|gap| gap.kind == GapKind::NoPathway && gap.subjects[0].starts_with("13-"))
            .map(|gap| (gap.subjects, gap.severity))
            .collect();
        assert_eq!(no_pathway, [(vec!["13-2020".to_owned()], 30000.0)]);
    }

    /// Gaps and career maps agree on what is high demand, in a region with its own figures
    /// and in one that falls back to national figures.
    #[test]
    fn gaps_use_the_career_maps_high_demand_rule() {
        let mut b = generate(&SynthParams {
            courses: 400,
            credentials: 100,
            occupations: 120,
            competencies: 200,
            seed: 3,
        });
        for (i, o) in b.occupations.iter_mut().enumerate().filter(|(i, _)| i % 3 != 0) {
            o.demand.push(Demand {
                region: "TX".into(),
                annual_openings: Some((i * 37 % 101) as f64),
                median_wage: Some((i * 53 % 97) as f64 * 1000.0),
                ..Default::default()
            });
        }
        let g = CatalogGraph::build(1, b);
        let index = DemandIndex::build(&g);
        for region in ["US", "TX", "OH"] {
            let hd = HighDemand::new(&g, region, &HighDemandPolicy::default());
            let mut flagged = 0;
            for o in 0..g.n_occupations() {
                let o = OccupationIx(o as u32);
                let expected = index
                    .occupation(&g, o, region, &HighDemandPolicy::default())
                    .high_demand;
                assert_eq!(hd.is(o), expected, "{region} {}", g.occupation(o).soc);
                flagged += expected as usize;
            }
            assert!(
                flagged > 0 && flagged < g.n_occupations(),
                "{region}: a non-trivial split"
            );
        }
    }
}
