//! Building a [`CatalogGraph`] from a validated bundle: ids mapped in one pass per kind,
//! requirement groups compiled to indices (courses and credentials on two threads), the edges
//! analyses walk, and the per-record lists every analysis reads.

use super::*;
use foldhash::{HashMap, HashMapExt};

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
        let competency_ix = IdMap::build(
            b.competencies
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), CompetencyIx(i as u32))),
        );
        let occupation_ix = IdMap::build(
            b.occupations
                .iter()
                .enumerate()
                .map(|(i, o)| (o.soc.as_str(), OccupationIx(i as u32))),
        );
        let competencies_of = |rows: usize, lists: &mut dyn Iterator<Item = &[CompetencyId]>| {
            let mut out = Lists::with_capacity(rows, rows * 2);
            for ids in lists {
                out.push_competencies(ids, &competency_ix);
            }
            out
        };
        // The id map of courses, credentials and assessments (3 M ids in a national catalog)
        // on a second thread while this one resolves the competency lists, which need only the
        // small competency map.
        let (item_ix, (course_competencies, credential_competencies)) = std::thread::scope(|s| {
            let items = s.spawn(|| {
                IdMap::build(
                    (b.courses.iter().enumerate())
                        .map(|(i, c)| (c.id.as_str(), Item::Course(CourseIx(i as u32))))
                        .chain(
                            (b.credentials.iter().enumerate())
                                .map(|(i, c)| (c.id.as_str(), Item::Credential(CredentialIx(i as u32)))),
                        )
                        .chain(
                            (b.assessments.iter().enumerate())
                                .map(|(i, a)| (a.id.as_str(), Item::Assessment(AssessmentIx(i as u32)))),
                        ),
                )
            });
            let lists = (
                competencies_of(
                    b.courses.len(),
                    &mut b.courses.iter().map(|c| c.competencies.as_slice()),
                ),
                competencies_of(
                    b.credentials.len(),
                    &mut b.credentials.iter().map(|c| c.competencies.as_slice()),
                ),
            );
            (items.join().unwrap_or_else(|p| std::panic::resume_unwind(p)), lists)
        });
        let occupation_competencies = competencies_of(
            b.occupations.len(),
            &mut b.occupations.iter().map(|o| o.competencies.as_slice()),
        );
        let assessment_competencies = competencies_of(
            b.assessments.len(),
            &mut b.assessments.iter().map(|a| a.competencies.as_slice()),
        );

        let compile_group = |g: &RequirementGroup| -> Group {
            let from: Vec<Item> = g.from().iter().filter_map(|id| item_ix.get(id.as_str())).collect();
            match g {
                RequirementGroup::Choose { choose, .. } => Group::Choose { n: *choose, from },
                RequirementGroup::MinCredits { min_credits, .. } => Group::MinCredits {
                    credits: *min_credits,
                    from,
                },
            }
        };
        let compile = |rows: usize, lists: &mut dyn Iterator<Item = &[RequirementGroup]>| {
            let mut out = Lists::with_capacity(rows, rows);
            for groups in lists {
                out.push_row(groups.iter().map(compile_group));
            }
            out
        };
        // The courses' groups on a second thread while this one does the credentials' (the
        // bulk of the work for a national catalog; a restart waits for it).
        let (prerequisites, requirements) = std::thread::scope(|s| {
            let courses = s.spawn(|| {
                compile(
                    b.courses.len(),
                    &mut b.courses.iter().map(|c| c.prerequisites.as_slice()),
                )
            });
            let credentials = compile(
                b.credentials.len(),
                &mut b.credentials.iter().map(|c| c.requires.as_slice()),
            );
            (
                courses.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                credentials,
            )
        });
        let assessment_prerequisites = compile(
            b.assessments.len(),
            &mut b.assessments.iter().map(|a| a.prerequisites.as_slice()),
        );

        let listed = |l: &Lists<Group>| l.items.iter().map(|g| g.items().len()).sum::<usize>();
        let n_edges = listed(&prerequisites)
            + listed(&requirements)
            + listed(&assessment_prerequisites)
            + b.articulations.len()
            + b.occupations.iter().map(|o| o.entry_credentials.len()).sum::<usize>();
        let mut graph = DiGraph::with_capacity(n_nodes, n_edges);
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

        let node_of = |item: Item| match item {
            Item::Course(c) => course_node[c.ix()],
            Item::Credential(c) => credential_node[c.ix()],
            Item::Assessment(a) => assessment_node[a.ix()],
        };
        let mut group_edges = |groups: &Lists<Group>, nodes: &[NodeIndex], edge: fn(u32) -> Edge| {
            for (i, &node) in nodes.iter().enumerate() {
                for (g, group) in groups.get(i).iter().enumerate() {
                    for &item in group.items() {
                        graph.add_edge(node_of(item), node, edge(g as u32));
                    }
                }
            }
        };
        group_edges(&assessment_prerequisites, &assessment_node, |group| {
            Edge::Prerequisite { group }
        });
        group_edges(&prerequisites, &course_node, |group| Edge::Prerequisite { group });
        group_edges(&requirements, &credential_node, |group| Edge::Requirement { group });

        let cred = |id: &CredentialId| match item_ix.get(id.as_str()) {
            Some(Item::Credential(c)) => Some(c),
            _ => None,
        };
        let mut stacks_into = Lists::with_capacity(b.credentials.len(), b.credentials.len());
        let mut stacks = Vec::new();
        for (i, c) in b.credentials.iter().enumerate() {
            let start = stacks_into.items.len();
            stacks_into.push_row(c.stacks_into.iter().filter_map(cred));
            stacks.extend(
                stacks_into.items[start..]
                    .iter()
                    .map(|up| (up.0, CredentialIx(i as u32))),
            );
        }
        let stacked_from = Lists::from_pairs(b.credentials.len(), &stacks);
        drop(stacks);
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
        let mut qualifies_for = Vec::new();
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
                    qualifies_for.push((c.0, OccupationIx(o as u32)));
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
                    qualifies_for.push((c.0, OccupationIx(o as u32)));
                    graph.add_edge(credential_node[c.ix()], occupation_node[o], Edge::QualifiesFor(e));
                }
            }
        }
        let qualifies_for = Lists::from_pairs(b.credentials.len(), &qualifies_for);
        let mut articulations_to = Vec::new();
        let mut articulation_from = Vec::with_capacity(b.articulations.len());
        for (a, art) in b.articulations.iter().enumerate() {
            let from = item_ix.get(art.from.as_str());
            let to = match item_ix.get(art.to.as_str()) {
                Some(Item::Course(c)) => Some(c),
                _ => None,
            };
            // Validated bundles always resolve both ends; keep indices aligned regardless.
            articulation_from.push(from.unwrap_or(Item::Course(CourseIx(u32::MAX))));
            if let (Some(from), Some(to)) = (from, to) {
                articulations_to.push((to.0, ArticulationIx(a as u32)));
                graph.add_edge(
                    node_of(from),
                    course_node[to.ix()],
                    Edge::Articulation(ArticulationIx(a as u32)),
                );
            }
        }
        let articulations_to = Lists::from_pairs(b.courses.len(), &articulations_to);

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
}
