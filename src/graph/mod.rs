//! The catalog graph: one immutable petgraph model per dataset version, with compact interned
//! ids, shared by `Arc` between all readers.
//!
//! Nodes are competencies, courses, credentials, assessments and occupations; edges say how they relate
//! (see [`Edge`]). Every record gets a dense index of its kind (its position in the canonical,
//! id-sorted [`Bundle`]), so analyses work with small integers and flat vectors; public methods
//! take and return domain ids or these typed indices, never petgraph's.
//!
//! Derived data that every analysis needs (compiled requirement groups, articulations by
//! target, qualifying credentials per occupation...) is computed once in [`CatalogGraph::build`].

use crate::domain::*;
use foldhash::{HashMap, HashMapExt};
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

/// An edge of the graph; the direction is the direction of progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// Listed item -> course or assessment: the item appears in its prerequisite group.
    Prerequisite { group: u32 },
    /// Listed item -> credential: the item appears in the credential's requirement group.
    Requirement { group: u32 },
    /// Credential -> higher credential.
    StacksInto,
    /// Source item -> course credit is granted toward.
    Articulation(ArticulationIx),
    /// Credential -> occupation it qualifies for, and how that is known.
    QualifiesFor(Evidence),
    /// Course -> competency it teaches.
    Teaches,
    /// Credential -> competency it certifies; assessment -> competency a pass demonstrates.
    Certifies,
    /// Occupation -> competency it requires.
    RequiresCompetency,
}

/// The immutable graph of one dataset version.
pub struct CatalogGraph {
    version: u64,
    bundle: Bundle,
    graph: DiGraph<Node, Edge, u32>,
    competency_ix: HashMap<Box<str>, CompetencyIx>,
    item_ix: HashMap<Box<str>, Item>,
    occupation_ix: HashMap<Box<str>, OccupationIx>,
    competency_node: Vec<NodeIndex>,
    course_node: Vec<NodeIndex>,
    credential_node: Vec<NodeIndex>,
    occupation_node: Vec<NodeIndex>,
    assessment_node: Vec<NodeIndex>,
    assessment_competencies: Vec<Vec<CompetencyIx>>,
    assessment_prerequisites: Vec<Vec<Group>>,
    course_competencies: Vec<Vec<CompetencyIx>>,
    credential_competencies: Vec<Vec<CompetencyIx>>,
    occupation_competencies: Vec<Vec<CompetencyIx>>,
    prerequisites: Vec<Vec<Group>>,
    requirements: Vec<Vec<Group>>,
    articulations_to: Vec<Vec<ArticulationIx>>,
    articulation_from: Vec<Item>,
    entry_credentials: Vec<Vec<CredentialIx>>,
    entry_evidence: Vec<Vec<Evidence>>,
    qualifies_for: Vec<Vec<OccupationIx>>,
    stacks_into: Vec<Vec<CredentialIx>>,
    stacked_from: Vec<Vec<CredentialIx>>,
}

impl CatalogGraph {
    /// Builds the graph of a **validated** bundle (unknown references are skipped, not
    /// reported). The bundle is put in canonical order first.
    ///
    /// Time and space O(records + references).
    pub fn build(version: u64, mut bundle: Bundle) -> CatalogGraph {
        bundle.canonicalize();
        let b = &bundle;
        let n_nodes =
            b.competencies.len() + b.courses.len() + b.credentials.len() + b.occupations.len() + b.assessments.len();
        let mut graph = DiGraph::with_capacity(n_nodes, n_nodes * 4);
        let competency_node: Vec<_> = (0..b.competencies.len())
            .map(|i| graph.add_node(Node::Competency(CompetencyIx(i as u32))))
            .collect();
        let course_node: Vec<_> = (0..b.courses.len())
            .map(|i| graph.add_node(Node::Course(CourseIx(i as u32))))
            .collect();
        let credential_node: Vec<_> = (0..b.credentials.len())
            .map(|i| graph.add_node(Node::Credential(CredentialIx(i as u32))))
            .collect();
        let occupation_node: Vec<_> = (0..b.occupations.len())
            .map(|i| graph.add_node(Node::Occupation(OccupationIx(i as u32))))
            .collect();
        let assessment_node: Vec<_> = (0..b.assessments.len())
            .map(|i| graph.add_node(Node::Assessment(AssessmentIx(i as u32))))
            .collect();

        let competency_ix: HashMap<Box<str>, CompetencyIx> = b
            .competencies
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str().into(), CompetencyIx(i as u32)))
            .collect();
        let mut item_ix: HashMap<Box<str>, Item> =
            HashMap::with_capacity(b.courses.len() + b.credentials.len() + b.assessments.len());
        for (i, c) in b.courses.iter().enumerate() {
            item_ix.insert(c.id.as_str().into(), Item::Course(CourseIx(i as u32)));
        }
        for (i, c) in b.credentials.iter().enumerate() {
            item_ix.insert(c.id.as_str().into(), Item::Credential(CredentialIx(i as u32)));
        }
        for (i, a) in b.assessments.iter().enumerate() {
            item_ix.insert(a.id.as_str().into(), Item::Assessment(AssessmentIx(i as u32)));
        }
        let occupation_ix: HashMap<Box<str>, OccupationIx> = b
            .occupations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.soc.as_str().into(), OccupationIx(i as u32)))
            .collect();

        let comps = |ids: &[CompetencyId]| -> Vec<CompetencyIx> {
            let mut v: Vec<_> = ids
                .iter()
                .filter_map(|c| competency_ix.get(c.as_str()).copied())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let compile = |groups: &[RequirementGroup]| -> Vec<Group> {
            groups
                .iter()
                .map(|g| {
                    let from: Vec<Item> = g
                        .from()
                        .iter()
                        .filter_map(|id| item_ix.get(id.as_str()).copied())
                        .collect();
                    match g {
                        RequirementGroup::Choose { choose, .. } => Group::Choose { n: *choose, from },
                        RequirementGroup::MinCredits { min_credits, .. } => Group::MinCredits {
                            credits: *min_credits,
                            from,
                        },
                    }
                })
                .collect()
        };
        // The courses' lists on a second thread while this one does the credentials' (the
        // bulk of the work for a national catalog; a restart waits for it).
        let ((course_competencies, prerequisites), (credential_competencies, requirements)) = std::thread::scope(|s| {
            let courses = s.spawn(|| {
                (
                    b.courses.iter().map(|c| comps(&c.competencies)).collect::<Vec<_>>(),
                    b.courses.iter().map(|c| compile(&c.prerequisites)).collect::<Vec<_>>(),
                )
            });
            let credentials = (
                b.credentials.iter().map(|c| comps(&c.competencies)).collect::<Vec<_>>(),
                b.credentials.iter().map(|c| compile(&c.requires)).collect::<Vec<_>>(),
            );
            let courses = courses.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            (courses, credentials)
        });
        let occupation_competencies: Vec<_> = b.occupations.iter().map(|o| comps(&o.competencies)).collect();
        let assessment_competencies: Vec<_> = b.assessments.iter().map(|a| comps(&a.competencies)).collect();
        let assessment_prerequisites: Vec<_> = b.assessments.iter().map(|a| compile(&a.prerequisites)).collect();

        let node_of = |item: Item| match item {
            Item::Course(c) => course_node[c.ix()],
            Item::Credential(c) => credential_node[c.ix()],
            Item::Assessment(a) => assessment_node[a.ix()],
        };
        for (i, groups) in assessment_prerequisites.iter().enumerate() {
            for (g, group) in groups.iter().enumerate() {
                for &item in group.items() {
                    graph.add_edge(
                        node_of(item),
                        assessment_node[i],
                        Edge::Prerequisite { group: g as u32 },
                    );
                }
            }
        }
        for (i, cs) in assessment_competencies.iter().enumerate() {
            for c in cs {
                graph.add_edge(assessment_node[i], competency_node[c.ix()], Edge::Certifies);
            }
        }
        for (i, groups) in prerequisites.iter().enumerate() {
            for (g, group) in groups.iter().enumerate() {
                for &item in group.items() {
                    graph.add_edge(node_of(item), course_node[i], Edge::Prerequisite { group: g as u32 });
                }
            }
        }
        for (i, groups) in requirements.iter().enumerate() {
            for (g, group) in groups.iter().enumerate() {
                for &item in group.items() {
                    graph.add_edge(node_of(item), credential_node[i], Edge::Requirement { group: g as u32 });
                }
            }
        }
        for (i, cs) in course_competencies.iter().enumerate() {
            for c in cs {
                graph.add_edge(course_node[i], competency_node[c.ix()], Edge::Teaches);
            }
        }
        for (i, cs) in credential_competencies.iter().enumerate() {
            for c in cs {
                graph.add_edge(credential_node[i], competency_node[c.ix()], Edge::Certifies);
            }
        }
        for (i, cs) in occupation_competencies.iter().enumerate() {
            for c in cs {
                graph.add_edge(occupation_node[i], competency_node[c.ix()], Edge::RequiresCompetency);
            }
        }

        let cred = |id: &CredentialId| match item_ix.get(id.as_str()) {
            Some(Item::Credential(c)) => Some(*c),
            _ => None,
        };
        let mut stacks_into = vec![Vec::new(); b.credentials.len()];
        let mut stacked_from = vec![Vec::new(); b.credentials.len()];
        for (i, c) in b.credentials.iter().enumerate() {
            for up in c.stacks_into.iter().filter_map(cred) {
                stacks_into[i].push(up);
                stacked_from[up.ix()].push(CredentialIx(i as u32));
                graph.add_edge(credential_node[i], credential_node[up.ix()], Edge::StacksInto);
            }
        }
        // Entry credentials: stated ones first, then those a CTDL `occupationType` names (the
        // link's `credentials`), then CIP-SOC crosswalk ones (a credential whose `codes.cip`
        // is a program the crosswalk maps to the occupation). A credential linked several
        // ways keeps the strongest evidence (`Evidence` is ordered strongest first).
        let mut by_cip: HashMap<String, Vec<CredentialIx>> = HashMap::new();
        for (i, c) in b.credentials.iter().enumerate() {
            if let Some(cip) = c.codes.cip.as_deref().and_then(cip_code) {
                by_cip.entry(cip).or_default().push(CredentialIx(i as u32));
            }
        }
        let mut qualifies_for = vec![Vec::new(); b.credentials.len()];
        let mut entry_credentials = vec![Vec::new(); b.occupations.len()];
        let mut entry_evidence = vec![Vec::new(); b.occupations.len()];
        for (o, occ) in b.occupations.iter().enumerate() {
            let stated = occ
                .entry_credentials
                .iter()
                .filter_map(cred)
                .map(|c| (c, Evidence::Stated));
            let mut inferred: Vec<(CredentialIx, Evidence)> = occ
                .programs
                .iter()
                .filter(|p| p.evidence != Evidence::Stated)
                .flat_map(|p| {
                    let listed = p.credentials.iter().filter_map(cred);
                    // Only the crosswalk links a program code to every credential carrying
                    // it; a CTDL link is the claim of the one credential it lists.
                    let coded = match (p.evidence, p.cip.as_deref()) {
                        (Evidence::CipSoc, Some(cip)) => by_cip.get(cip),
                        _ => None,
                    };
                    listed
                        .chain(coded.into_iter().flatten().copied())
                        .map(move |c| (c, p.evidence))
                })
                .collect();
            inferred.sort_unstable_by_key(|&(c, e)| (e, c));
            for (c, e) in stated.chain(inferred) {
                if !entry_credentials[o].contains(&c) {
                    entry_credentials[o].push(c);
                    entry_evidence[o].push(e);
                    qualifies_for[c.ix()].push(OccupationIx(o as u32));
                    graph.add_edge(credential_node[c.ix()], occupation_node[o], Edge::QualifiesFor(e));
                }
            }
        }
        // An aggregated occupation (`covers`, e.g. 31-1120 for 31-1121 and 31-1122) that
        // states no credential of its own is entered through those of the occupations it
        // covers, with their evidence.
        let soc_ix: HashMap<&str, usize> = b
            .occupations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.soc.as_str(), i))
            .collect();
        for (o, occ) in b.occupations.iter().enumerate() {
            if occ.covers.is_empty() || !entry_credentials[o].is_empty() {
                continue;
            }
            let mut inherited: Vec<(CredentialIx, Evidence)> = occ
                .covers
                .iter()
                .filter_map(|s| soc_ix.get(s.as_str()))
                .filter(|&&d| d != o)
                .flat_map(|&d| {
                    entry_credentials[d]
                        .iter()
                        .copied()
                        .zip(entry_evidence[d].iter().copied())
                        .collect::<Vec<_>>()
                })
                .collect();
            inherited.sort_unstable_by_key(|&(c, e)| (e, c));
            for (c, e) in inherited {
                if !entry_credentials[o].contains(&c) {
                    entry_credentials[o].push(c);
                    entry_evidence[o].push(e);
                    qualifies_for[c.ix()].push(OccupationIx(o as u32));
                    graph.add_edge(credential_node[c.ix()], occupation_node[o], Edge::QualifiesFor(e));
                }
            }
        }
        let mut articulations_to = vec![Vec::new(); b.courses.len()];
        let mut articulation_from = Vec::with_capacity(b.articulations.len());
        for (a, art) in b.articulations.iter().enumerate() {
            let from = item_ix.get(art.from.as_str()).copied();
            let to = match item_ix.get(art.to.as_str()) {
                Some(Item::Course(c)) => Some(*c),
                _ => None,
            };
            // Validated bundles always resolve both ends; keep indices aligned regardless.
            articulation_from.push(from.unwrap_or(Item::Course(CourseIx(u32::MAX))));
            if let (Some(from), Some(to)) = (from, to) {
                articulations_to[to.ix()].push(ArticulationIx(a as u32));
                graph.add_edge(
                    node_of(from),
                    course_node[to.ix()],
                    Edge::Articulation(ArticulationIx(a as u32)),
                );
            }
        }

        CatalogGraph {
            version,
            graph,
            competency_ix,
            item_ix,
            occupation_ix,
            competency_node,
            course_node,
            credential_node,
            occupation_node,
            assessment_node,
            assessment_competencies,
            assessment_prerequisites,
            course_competencies,
            credential_competencies,
            occupation_competencies,
            prerequisites,
            requirements,
            articulations_to,
            articulation_from,
            entry_credentials,
            entry_evidence,
            qualifies_for,
            stacks_into,
            stacked_from,
            bundle,
        }
    }

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
        self.competency_ix.get(id).copied()
    }
    pub fn item(&self, id: &str) -> Option<Item> {
        self.item_ix.get(id).copied()
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
        self.occupation_ix.get(soc).copied()
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
        &self.course_competencies[c.ix()]
    }
    /// Competencies a credential certifies (sorted, deduplicated).
    pub fn credential_competencies(&self, c: CredentialIx) -> &[CompetencyIx] {
        &self.credential_competencies[c.ix()]
    }
    /// Competencies an assessment demonstrates (sorted, deduplicated).
    pub fn assessment_competencies(&self, a: AssessmentIx) -> &[CompetencyIx] {
        &self.assessment_competencies[a.ix()]
    }
    /// An assessment's prerequisite groups, compiled.
    pub fn assessment_prerequisites(&self, a: AssessmentIx) -> &[Group] {
        &self.assessment_prerequisites[a.ix()]
    }
    /// Competencies an occupation requires (sorted, deduplicated).
    pub fn occupation_competencies(&self, o: OccupationIx) -> &[CompetencyIx] {
        &self.occupation_competencies[o.ix()]
    }
    /// A course's prerequisite groups, compiled.
    pub fn prerequisites(&self, c: CourseIx) -> &[Group] {
        &self.prerequisites[c.ix()]
    }
    /// A credential's requirement groups, compiled.
    pub fn requirements(&self, c: CredentialIx) -> &[Group] {
        &self.requirements[c.ix()]
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
        &self.articulations_to[c.ix()]
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
        &self.qualifies_for[c.ix()]
    }
    /// Credentials a credential stacks into.
    pub fn stacks_into(&self, c: CredentialIx) -> &[CredentialIx] {
        &self.stacks_into[c.ix()]
    }
    /// Credentials that stack into this one.
    pub fn stacked_from(&self, c: CredentialIx) -> &[CredentialIx] {
        &self.stacked_from[c.ix()]
    }

    /// Items whose requirement or prerequisite groups list `item` (courses, assessments and
    /// credentials it counts toward), from the graph's outgoing edges.
    pub fn counts_toward(&self, item: Item) -> Vec<Item> {
        let node = self.item_node(item);
        let mut out: Vec<Item> = self
            .graph
            .edges(node)
            .filter_map(|e| match (e.weight(), self.graph[e.target()]) {
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

    /// Number of nodes and edges of the petgraph model.
    pub fn size(&self) -> (usize, usize) {
        (self.graph.node_count(), self.graph.edge_count())
    }

    /// The underlying petgraph graph, for algorithms in `analysis/` that want petgraph's
    /// visitors (read-only).
    pub fn petgraph(&self) -> &DiGraph<Node, Edge, u32> {
        &self.graph
    }

    /// The petgraph node of a record.
    pub fn node(&self, n: Node) -> NodeIndex {
        match n {
            Node::Competency(c) => self.competency_node[c.ix()],
            Node::Course(c) => self.course_node[c.ix()],
            Node::Credential(c) => self.credential_node[c.ix()],
            Node::Occupation(o) => self.occupation_node[o.ix()],
            Node::Assessment(a) => self.assessment_node[a.ix()],
        }
    }

    /// The petgraph node of an item.
    pub fn item_node(&self, item: Item) -> NodeIndex {
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
            .petgraph()
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
}
