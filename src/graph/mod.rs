//! The catalog graph: one immutable petgraph model per dataset version, with compact interned
//! ids, shared by `Arc` between all readers.
//!
//! Nodes are competencies, courses, credentials, assessments and occupations; edges are the
//! steps of progress that analyses walk (see [`Edge`]: prerequisite and requirement groups,
//! articulations, qualifying credentials). Every record gets a dense index of its kind (its
//! position in the canonical, id-sorted [`Bundle`]), so analyses work with small integers and
//! flat vectors; public methods take and return domain ids or these typed indices, never
//! petgraph's.
//!
//! Derived data that every analysis needs (compiled requirement groups, competencies by
//! record, articulations by target, qualifying credentials per occupation, stacking...) is
//! computed once in [`CatalogGraph::build`], as flat per-record lists ([`Lists`]: one
//! allocation per relation, not one per record) rather than as edges nobody walks. A restart
//! of a national catalog waits for this build, so it avoids work per record: ids are looked
//! up in one pass per kind, lists are filled in place, and the two big compilations (courses,
//! credentials) run on two threads.

pub mod algo;
mod build;
mod index;

use crate::domain::*;
use index::{IdMap, Lists};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

macro_rules! ix {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}
ix!(
    /// Dense index of a competency in a snapshot.
    CompetencyIx
);
ix!(
    /// Dense index of a course in a snapshot.
    CourseIx
);
ix!(
    /// Dense index of a credential in a snapshot.
    CredentialIx
);
ix!(
    /// Dense index of an occupation in a snapshot.
    OccupationIx
);
ix!(
    /// Dense index of an articulation in a snapshot.
    ArticulationIx
);
ix!(
    /// Dense index of an assessment in a snapshot.
    AssessmentIx
);
ix!(
    /// Dense index of a funding source in a snapshot.
    FundingIx
);

/// A course, a credential or an assessment, as requirement groups and articulations name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    Course(CourseIx),
    Credential(CredentialIx),
    Assessment(AssessmentIx),
}

impl Item {
    /// The kind of plan step the item is.
    pub fn step_kind(self) -> StepKind {
        match self {
            Item::Course(_) => StepKind::Course,
            Item::Credential(_) => StepKind::Credential,
            Item::Assessment(_) => StepKind::Assessment,
        }
    }
}

/// A requirement group with ids resolved to indices.
#[derive(Debug, Clone, PartialEq)]
pub enum Group {
    Choose { n: u32, from: Vec<Item> },
    MinCredits { credits: f64, from: Vec<Item> },
}

impl Group {
    pub fn items(&self) -> &[Item] {
        match self {
            Group::Choose { from, .. } | Group::MinCredits { from, .. } => from,
        }
    }
}

/// A node of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Competency(CompetencyIx),
    Course(CourseIx),
    Credential(CredentialIx),
    Occupation(OccupationIx),
    Assessment(AssessmentIx),
}

/// An edge of the graph; the direction is the direction of progress. Only the relations that
/// analyses walk are edges; the others (competencies taught, certified and required, stacking)
/// are the per-record lists of [`CatalogGraph`] (`course_competencies`, `stacks_into`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// Listed item -> course or assessment: the item appears in its prerequisite group.
    Prerequisite { group: u32 },
    /// Listed item -> credential: the item appears in the credential's requirement group.
    Requirement { group: u32 },
    /// Source item -> course credit is granted toward.
    Articulation(ArticulationIx),
    /// Credential -> occupation it qualifies for, and how that is known.
    QualifiesFor(Evidence),
}

/// The immutable graph of one dataset version.
pub struct CatalogGraph {
    version: u64,
    bundle: Bundle,
    graph: DiGraph<Node, Edge, u32>,
    competency_ix: IdMap<CompetencyIx>,
    item_ix: IdMap<Item>,
    occupation_ix: IdMap<OccupationIx>,
    competency_node: Vec<NodeIndex>,
    course_node: Vec<NodeIndex>,
    credential_node: Vec<NodeIndex>,
    occupation_node: Vec<NodeIndex>,
    assessment_node: Vec<NodeIndex>,
    assessment_competencies: Lists<CompetencyIx>,
    assessment_prerequisites: Lists<Group>,
    course_competencies: Lists<CompetencyIx>,
    credential_competencies: Lists<CompetencyIx>,
    occupation_competencies: Lists<CompetencyIx>,
    prerequisites: Lists<Group>,
    requirements: Lists<Group>,
    articulations_to: Lists<ArticulationIx>,
    articulation_from: Vec<Item>,
    entry_credentials: Vec<Vec<CredentialIx>>,
    entry_evidence: Vec<Vec<Evidence>>,
    qualifies_for: Lists<OccupationIx>,
    stacks_into: Lists<CredentialIx>,
    stacked_from: Lists<CredentialIx>,
}

impl CatalogGraph {
    /// The dataset version this graph was built from.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The records, in canonical (id-sorted) order; a kind's dense index is the position here.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    // ---- id <-> index ----------------------------------------------------------------------

    pub fn competency_ix(&self, id: &str) -> Option<CompetencyIx> {
        (self.competency_ix.get(id)).filter(|&c| self.competency(c).id.as_str() == id)
    }
    pub fn item(&self, id: &str) -> Option<Item> {
        (self.item_ix.get(id)).filter(|&item| self.item_id(item) == id)
    }
    pub fn course_ix(&self, id: &str) -> Option<CourseIx> {
        match self.item(id) {
            Some(Item::Course(c)) => Some(c),
            _ => None,
        }
    }
    pub fn credential_ix(&self, id: &str) -> Option<CredentialIx> {
        match self.item(id) {
            Some(Item::Credential(c)) => Some(c),
            _ => None,
        }
    }
    pub fn assessment_ix(&self, id: &str) -> Option<AssessmentIx> {
        match self.item(id) {
            Some(Item::Assessment(a)) => Some(a),
            _ => None,
        }
    }
    pub fn occupation_ix(&self, soc: &str) -> Option<OccupationIx> {
        (self.occupation_ix.get(soc)).filter(|&o| self.occupation(o).soc.as_str() == soc)
    }

    pub fn competency(&self, c: CompetencyIx) -> &Competency {
        &self.bundle.competencies[c.ix()]
    }
    pub fn course(&self, c: CourseIx) -> &Course {
        &self.bundle.courses[c.ix()]
    }
    pub fn credential(&self, c: CredentialIx) -> &Credential {
        &self.bundle.credentials[c.ix()]
    }
    pub fn occupation(&self, o: OccupationIx) -> &Occupation {
        &self.bundle.occupations[o.ix()]
    }
    pub fn articulation(&self, a: ArticulationIx) -> &Articulation {
        &self.bundle.articulations[a.ix()]
    }
    pub fn assessment(&self, a: AssessmentIx) -> &Assessment {
        &self.bundle.assessments[a.ix()]
    }
    pub fn funding(&self, f: FundingIx) -> &Funding {
        &self.bundle.funding[f.ix()]
    }
    /// The id of a course, credential or assessment.
    pub fn item_id(&self, item: Item) -> &str {
        match item {
            Item::Course(c) => self.course(c).id.as_str(),
            Item::Credential(c) => self.credential(c).id.as_str(),
            Item::Assessment(a) => self.assessment(a).id.as_str(),
        }
    }
    /// The title of a course, credential or assessment.
    pub fn item_title(&self, item: Item) -> &str {
        match item {
            Item::Course(c) => self.course(c).title.as_str(),
            Item::Credential(c) => self.credential(c).title.as_str(),
            Item::Assessment(a) => self.assessment(a).title.as_str(),
        }
    }
    /// Hours a learner spends on an item (0 for a credential).
    pub fn item_hours(&self, item: Item) -> f64 {
        match item {
            Item::Course(c) => self.course(c).hours,
            Item::Credential(_) => 0.0,
            Item::Assessment(a) => self.assessment(a).hours,
        }
    }
    /// Credits an item contributes to a `min_credits` group: a course's credits, else 0.
    pub fn item_credits(&self, item: Item) -> f64 {
        match item {
            Item::Course(c) => self.course(c).credits,
            Item::Credential(_) | Item::Assessment(_) => 0.0,
        }
    }
    /// Competencies an item teaches (course), certifies (credential) or demonstrates (assessment).
    pub fn item_competencies(&self, item: Item) -> &[CompetencyIx] {
        match item {
            Item::Course(c) => self.course_competencies(c),
            Item::Credential(c) => self.credential_competencies(c),
            Item::Assessment(a) => self.assessment_competencies(a),
        }
    }

    pub fn n_competencies(&self) -> usize {
        self.bundle.competencies.len()
    }
    pub fn n_courses(&self) -> usize {
        self.bundle.courses.len()
    }
    pub fn n_credentials(&self) -> usize {
        self.bundle.credentials.len()
    }
    pub fn n_occupations(&self) -> usize {
        self.bundle.occupations.len()
    }
    pub fn n_assessments(&self) -> usize {
        self.bundle.assessments.len()
    }
    pub fn n_funding(&self) -> usize {
        self.bundle.funding.len()
    }

    // ---- derived relations -----------------------------------------------------------------

    /// Competencies a course teaches (sorted, deduplicated).
    pub fn course_competencies(&self, c: CourseIx) -> &[CompetencyIx] {
        self.course_competencies.get(c.ix())
    }
    /// Competencies a credential certifies (sorted, deduplicated).
    pub fn credential_competencies(&self, c: CredentialIx) -> &[CompetencyIx] {
        self.credential_competencies.get(c.ix())
    }
    /// Competencies an assessment demonstrates (sorted, deduplicated).
    pub fn assessment_competencies(&self, a: AssessmentIx) -> &[CompetencyIx] {
        self.assessment_competencies.get(a.ix())
    }
    /// An assessment's prerequisite groups, compiled.
    pub fn assessment_prerequisites(&self, a: AssessmentIx) -> &[Group] {
        self.assessment_prerequisites.get(a.ix())
    }
    /// Competencies an occupation requires (sorted, deduplicated).
    pub fn occupation_competencies(&self, o: OccupationIx) -> &[CompetencyIx] {
        self.occupation_competencies.get(o.ix())
    }
    /// A course's prerequisite groups, compiled.
    pub fn prerequisites(&self, c: CourseIx) -> &[Group] {
        self.prerequisites.get(c.ix())
    }
    /// A credential's requirement groups, compiled.
    pub fn requirements(&self, c: CredentialIx) -> &[Group] {
        self.requirements.get(c.ix())
    }
    /// The groups an item needs: prerequisites of a course or assessment, requirements of a
    /// credential.
    pub fn groups(&self, item: Item) -> &[Group] {
        match item {
            Item::Course(c) => self.prerequisites(c),
            Item::Credential(c) => self.requirements(c),
            Item::Assessment(a) => self.assessment_prerequisites(a),
        }
    }
    /// Articulations granting credit toward a course.
    pub fn articulations_to(&self, c: CourseIx) -> &[ArticulationIx] {
        self.articulations_to.get(c.ix())
    }
    /// The item an articulation grants credit for.
    pub fn articulation_from(&self, a: ArticulationIx) -> Item {
        self.articulation_from[a.ix()]
    }
    /// Entry credentials of an occupation: stated ones first, then those linked by CTDL or the
    /// CIP-SOC crosswalk (see [`CatalogGraph::link_evidence`]).
    pub fn entry_credentials(&self, o: OccupationIx) -> &[CredentialIx] {
        &self.entry_credentials[o.ix()]
    }
    /// The evidence of each of [`CatalogGraph::entry_credentials`], in the same order.
    pub fn entry_evidence(&self, o: OccupationIx) -> &[Evidence] {
        &self.entry_evidence[o.ix()]
    }
    /// How credential `c` is known to qualify for occupation `o` (the strongest evidence), or
    /// `None` when it does not.
    pub fn link_evidence(&self, c: CredentialIx, o: OccupationIx) -> Option<Evidence> {
        let i = self.entry_credentials[o.ix()].iter().position(|&x| x == c)?;
        Some(self.entry_evidence[o.ix()][i])
    }
    /// Occupations a credential is an entry credential for.
    pub fn qualifies_for(&self, c: CredentialIx) -> &[OccupationIx] {
        self.qualifies_for.get(c.ix())
    }
    /// Credentials a credential stacks into.
    pub fn stacks_into(&self, c: CredentialIx) -> &[CredentialIx] {
        self.stacks_into.get(c.ix())
    }
    /// Credentials that stack into this one.
    pub fn stacked_from(&self, c: CredentialIx) -> &[CredentialIx] {
        self.stacked_from.get(c.ix())
    }

    /// Items whose requirement or prerequisite groups list `item` (courses, assessments and
    /// credentials it counts toward), from the graph's outgoing edges.
    pub fn counts_toward(&self, item: Item) -> Vec<Item> {
        let mut out: Vec<Item> = self
            .edges_from(item)
            .filter_map(|(edge, to)| match (edge, to) {
                (Edge::Prerequisite { .. }, Node::Course(c)) => Some(Item::Course(c)),
                (Edge::Prerequisite { .. }, Node::Assessment(a)) => Some(Item::Assessment(a)),
                (Edge::Requirement { .. }, Node::Credential(c)) => Some(Item::Credential(c)),
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The edges leaving an item (see [`Edge`]), each with the node it leads to, newest edge
    /// first.
    ///
    /// Time O(1) per edge.
    pub fn edges_from(&self, item: Item) -> impl Iterator<Item = (Edge, Node)> + '_ {
        self.graph
            .edges(self.item_node(item))
            .map(|e| (*e.weight(), self.graph[e.target()]))
    }

    /// Number of nodes and edges of the petgraph model.
    pub fn size(&self) -> (usize, usize) {
        (self.graph.node_count(), self.graph.edge_count())
    }

    /// The petgraph node of a record.
    fn node(&self, n: Node) -> NodeIndex {
        match n {
            Node::Competency(c) => self.competency_node[c.ix()],
            Node::Course(c) => self.course_node[c.ix()],
            Node::Credential(c) => self.credential_node[c.ix()],
            Node::Occupation(o) => self.occupation_node[o.ix()],
            Node::Assessment(a) => self.assessment_node[a.ix()],
        }
    }

    /// The petgraph node of an item.
    fn item_node(&self, item: Item) -> NodeIndex {
        self.node(match item {
            Item::Course(c) => Node::Course(c),
            Item::Credential(c) => Node::Credential(c),
            Item::Assessment(a) => Node::Assessment(a),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(v: serde_json::Value) -> Bundle {
        serde_json::from_value(v).unwrap()
    }

    /// The entry credentials of `o`, by id, with their evidence.
    fn linked(g: &CatalogGraph, o: OccupationIx) -> Vec<(&str, Evidence)> {
        g.entry_credentials(o)
            .iter()
            .zip(g.entry_evidence(o))
            .map(|(&c, &e)| (g.credential(c).id.as_str(), e))
            .collect()
    }

    #[test]
    fn entry_credentials_come_from_stated_and_crosswalk_links_and_stated_wins() {
        let b = bundle(serde_json::json!({
            "credentials": [
                {"id": "a", "title": "A", "kind": "certificate", "level": 1, "codes": {"cip": "51.3902"}},
                {"id": "b", "title": "B", "kind": "certificate", "level": 1, "codes": {"cip": "=\"51.3902\""}},
                {"id": "c", "title": "C", "kind": "certificate", "level": 1, "codes": {"cip": "11.0101"}},
                {"id": "d", "title": "D", "kind": "certificate", "level": 1}
            ],
            "occupations": [{"soc": "31-1131", "title": "Nursing Assistants", "entry_credentials": ["b"],
                "programs": [{"cip": "51.3902", "evidence": "cip_soc"}]}]
        }));
        let g = CatalogGraph::build(1, b);
        let o = g.occupation_ix("31-1131").unwrap();
        let ix = |id: &str| g.credential_ix(id).unwrap();
        let linked = linked(&g, o);
        assert_eq!(linked, [("b", Evidence::Stated), ("a", Evidence::CipSoc)]);
        assert_eq!(
            g.link_evidence(ix("b"), o),
            Some(Evidence::Stated),
            "a stated link wins"
        );
        assert_eq!(g.link_evidence(ix("a"), o), Some(Evidence::CipSoc));
        assert_eq!(g.link_evidence(ix("c"), o), None, "another program");
        assert_eq!(g.link_evidence(ix("d"), o), None, "no CIP code");
        assert_eq!(g.qualifies_for(ix("a")), [o]);
        assert!(g.qualifies_for(ix("c")).is_empty());
        let edges = g
            .graph
            .edges(g.node(Node::Credential(ix("a"))))
            .filter(|e| *e.weight() == Edge::QualifiesFor(Evidence::CipSoc))
            .count();
        assert_eq!(edges, 1);
    }

    #[test]
    fn ctdl_links_name_their_credential_only_and_rank_between_stated_and_crosswalk() {
        let b = bundle(serde_json::json!({
            "credentials": [
                {"id": "a", "title": "A", "kind": "certificate", "level": 1, "codes": {"cip": "51.3902"}},
                {"id": "b", "title": "B", "kind": "certificate", "level": 1, "codes": {"cip": "51.3902"}},
                {"id": "c", "title": "C", "kind": "certificate", "level": 1, "codes": {"cip": "51.3902"}},
                {"id": "d", "title": "D", "kind": "certificate", "level": 1}
            ],
            "occupations": [{"soc": "31-1131", "title": "Nursing Assistants", "entry_credentials": ["c"],
                "programs": [
                    {"cip": "51.3902", "evidence": "cip_soc"},
                    {"cip": "51.3902", "evidence": "ctdl", "credentials": ["b"]},
                    {"evidence": "ctdl", "credentials": ["c"]},
                    {"evidence": "ctdl", "credentials": ["d"]}
                ]}]
        }));
        let g = CatalogGraph::build(1, b);
        let o = g.occupation_ix("31-1131").unwrap();
        let linked = linked(&g, o);
        // c: stated wins over its CTDL claim; b and d: CTDL, ranked before the crosswalk's a;
        // b is linked by the crosswalk too and keeps the stronger CTDL evidence. The CTDL link
        // carrying 51.3902 does not extend to the other credentials of that program.
        assert_eq!(
            linked,
            [
                ("c", Evidence::Stated),
                ("b", Evidence::Ctdl),
                ("d", Evidence::Ctdl),
                ("a", Evidence::CipSoc)
            ]
        );
        let ctdl_only = bundle(serde_json::json!({
            "credentials": [
                {"id": "a", "title": "A", "kind": "certificate", "level": 1, "codes": {"cip": "51.3902"}},
                {"id": "b", "title": "B", "kind": "certificate", "level": 1, "codes": {"cip": "51.3902"}}
            ],
            "occupations": [{"soc": "31-1131", "title": "Nursing Assistants",
                "programs": [{"cip": "51.3902", "evidence": "ctdl", "credentials": ["b"]}]}]
        }));
        let g = CatalogGraph::build(1, ctdl_only);
        let o = g.occupation_ix("31-1131").unwrap();
        assert_eq!(g.entry_credentials(o), [g.credential_ix("b").unwrap()]);
        assert!(g.qualifies_for(g.credential_ix("a").unwrap()).is_empty());
    }

    #[test]
    fn stored_evidence_names_of_earlier_versions_still_read() {
        let p: ProgramLink =
            serde_json::from_value(serde_json::json!({"cip": "51.3801", "evidence": "crosswalk"})).unwrap();
        assert_eq!(p.evidence, Evidence::CipSoc);
        assert_eq!(serde_json::to_value(p.evidence).unwrap(), "cip_soc");
        let e: Evidence = serde_json::from_value(serde_json::json!("explicit")).unwrap();
        assert_eq!(e, Evidence::Stated);
    }

    /// Every derived relation of the graph against a brute-force reading of the bundle: id
    /// lookups (and absent ids), competency lists, compiled groups, stacking both ways,
    /// articulations by target, qualifying credentials as the inverse of entry credentials,
    /// and the petgraph edges analyses walk (and no others).
    fn check_against_bundle(b: &Bundle) {
        let g = CatalogGraph::build(1, b.clone());
        let b = g.bundle();
        let comp = |id: &CompetencyId| {
            b.competencies
                .iter()
                .position(|c| &c.id == id)
                .map(|i| CompetencyIx(i as u32))
        };
        let item = |id: &str| {
            (b.courses.iter().position(|c| c.id.as_str() == id))
                .map(|i| Item::Course(CourseIx(i as u32)))
                .or_else(|| {
                    (b.credentials.iter().position(|c| c.id.as_str() == id))
                        .map(|i| Item::Credential(CredentialIx(i as u32)))
                })
                .or_else(|| {
                    (b.assessments.iter().position(|c| c.id.as_str() == id))
                        .map(|i| Item::Assessment(AssessmentIx(i as u32)))
                })
        };
        let comps = |ids: &[CompetencyId]| {
            let mut v: Vec<CompetencyIx> = ids.iter().filter_map(comp).collect();
            v.sort();
            v.dedup();
            v
        };
        let groups = |gs: &[RequirementGroup]| -> Vec<Group> {
            gs.iter()
                .map(|gr| {
                    let from = gr.from().iter().filter_map(|i| item(i.as_str())).collect();
                    match gr {
                        RequirementGroup::Choose { choose, .. } => Group::Choose { n: *choose, from },
                        RequirementGroup::MinCredits { min_credits, .. } => Group::MinCredits {
                            credits: *min_credits,
                            from,
                        },
                    }
                })
                .collect()
        };
        for (i, c) in b.competencies.iter().enumerate() {
            assert_eq!(g.competency_ix(c.id.as_str()), Some(CompetencyIx(i as u32)));
        }
        for (i, o) in b.occupations.iter().enumerate() {
            assert_eq!(g.occupation_ix(o.soc.as_str()), Some(OccupationIx(i as u32)));
            assert_eq!(
                g.occupation_competencies(OccupationIx(i as u32)),
                comps(&o.competencies)
            );
        }
        for absent in ["", "absent", "c-none", "99-9999.99"] {
            assert_eq!(
                (g.item(absent), g.competency_ix(absent), g.occupation_ix(absent)),
                (None, None, None)
            );
        }
        for (i, c) in b.courses.iter().enumerate() {
            let ix = CourseIx(i as u32);
            assert_eq!(g.item(c.id.as_str()), Some(Item::Course(ix)));
            assert_eq!(g.course_competencies(ix), comps(&c.competencies));
            assert_eq!(g.prerequisites(ix), groups(&c.prerequisites));
            let arts: Vec<ArticulationIx> = (b.articulations.iter().enumerate())
                .filter(|(_, a)| a.to.as_str() == c.id.as_str())
                .map(|(a, _)| ArticulationIx(a as u32))
                .collect();
            assert_eq!(g.articulations_to(ix), arts);
        }
        for (i, a) in b.assessments.iter().enumerate() {
            let ix = AssessmentIx(i as u32);
            assert_eq!(g.item(a.id.as_str()), Some(Item::Assessment(ix)));
            assert_eq!(g.assessment_competencies(ix), comps(&a.competencies));
            assert_eq!(g.assessment_prerequisites(ix), groups(&a.prerequisites));
        }
        for (i, c) in b.credentials.iter().enumerate() {
            let ix = CredentialIx(i as u32);
            assert_eq!(g.item(c.id.as_str()), Some(Item::Credential(ix)));
            assert_eq!(g.credential_competencies(ix), comps(&c.competencies));
            assert_eq!(g.requirements(ix), groups(&c.requires));
            let up: Vec<CredentialIx> = c
                .stacks_into
                .iter()
                .filter_map(|u| match item(u.as_str()) {
                    Some(Item::Credential(u)) => Some(u),
                    _ => None,
                })
                .collect();
            assert_eq!(g.stacks_into(ix), up);
            let down: Vec<CredentialIx> = (b.credentials.iter().enumerate())
                .flat_map(|(j, d)| {
                    d.stacks_into
                        .iter()
                        .filter(|u| u.as_str() == c.id.as_str())
                        .map(move |_| CredentialIx(j as u32))
                })
                .collect();
            assert_eq!(g.stacked_from(ix), down);
            let mut qualifies: Vec<OccupationIx> = (0..b.occupations.len() as u32)
                .map(OccupationIx)
                .filter(|&o| g.entry_credentials(o).contains(&ix))
                .collect();
            let mut listed = g.qualifies_for(ix).to_vec();
            qualifies.sort();
            listed.sort();
            assert_eq!(listed, qualifies);
        }
        // The edges: each listed item -> the course, assessment or credential whose group lists
        // it, each articulation, each entry credential -> its occupation; nothing else.
        let mut expected = Vec::new();
        let node = |n: Node| g.node(n);
        let items_of = |gs: &[Group], to: NodeIndex, requirement: bool, out: &mut Vec<_>| {
            for (k, gr) in gs.iter().enumerate() {
                for &it in gr.items() {
                    let e = if requirement {
                        Edge::Requirement { group: k as u32 }
                    } else {
                        Edge::Prerequisite { group: k as u32 }
                    };
                    out.push((g.item_node(it), to, format!("{e:?}")));
                }
            }
        };
        for i in 0..b.courses.len() {
            let ix = CourseIx(i as u32);
            items_of(g.prerequisites(ix), node(Node::Course(ix)), false, &mut expected);
        }
        for i in 0..b.assessments.len() {
            let ix = AssessmentIx(i as u32);
            items_of(
                g.assessment_prerequisites(ix),
                node(Node::Assessment(ix)),
                false,
                &mut expected,
            );
        }
        for i in 0..b.credentials.len() {
            let ix = CredentialIx(i as u32);
            items_of(g.requirements(ix), node(Node::Credential(ix)), true, &mut expected);
        }
        for (a, art) in b.articulations.iter().enumerate() {
            let to = match item(art.to.as_str()) {
                Some(Item::Course(c)) => c,
                _ => continue,
            };
            let from = item(art.from.as_str()).unwrap();
            expected.push((
                g.item_node(from),
                node(Node::Course(to)),
                format!("{:?}", Edge::Articulation(ArticulationIx(a as u32))),
            ));
        }
        for o in 0..b.occupations.len() {
            let o = OccupationIx(o as u32);
            for (&c, &e) in g.entry_credentials(o).iter().zip(g.entry_evidence(o)) {
                expected.push((
                    node(Node::Credential(c)),
                    node(Node::Occupation(o)),
                    format!("{:?}", Edge::QualifiesFor(e)),
                ));
            }
        }
        let mut edges: Vec<_> = (g.graph.edge_references())
            .map(|e| (e.source(), e.target(), format!("{:?}", e.weight())))
            .collect();
        expected.sort();
        edges.sort();
        assert_eq!(edges, expected);
        for i in 0..b.courses.len() {
            let it = Item::Course(CourseIx(i as u32));
            let mut toward: Vec<Item> = (0..b.courses.len() as u32)
                .map(|c| Item::Course(CourseIx(c)))
                .chain((0..b.assessments.len() as u32).map(|a| Item::Assessment(AssessmentIx(a))))
                .chain((0..b.credentials.len() as u32).map(|c| Item::Credential(CredentialIx(c))))
                .filter(|&t| g.groups(t).iter().any(|gr| gr.items().contains(&it)))
                .collect();
            toward.sort();
            assert_eq!(g.counts_toward(it), toward);
        }
    }

    #[test]
    fn the_seed_graph_matches_a_brute_force_reading() {
        check_against_bundle(&Bundle::from_json(crate::service::SEED.as_bytes()).unwrap());
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]

        #[test]
        fn synthetic_graphs_match_a_brute_force_reading(seed in 0u64..10_000, courses in 1usize..160) {
            let b = crate::synth::generate(&crate::synth::SynthParams {
                courses,
                credentials: courses * 2 / 5,
                occupations: courses / 5 + 1,
                competencies: courses.min(60) + 1,
                seed,
            });
            check_against_bundle(&b);
        }
    }
}
