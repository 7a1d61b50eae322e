//! A deterministic synthetic catalog generator for tests and benchmarks.
//!
//! Catalogs are made of *clusters* (a field such as nursing): each cluster has its own pool of
//! competencies (plus a shared foundational pool), courses in every system that draw 3-8
//! competencies mostly from their cluster, prerequisite chains inside the cluster and tier
//! (secondary, adult, college and work-based), several independent credential ladders of at
//! most four rungs (levels 1..=4) whose requirement groups choose among the cluster's courses
//! (choose-N and min-credits groups; degrees only among college and work-based ones) and whose
//! rungs stack into the next one, occupations entered with those credentials, and articulations from
//! secondary and adult courses to postsecondary ones.
//! The same parameters and seed always give the same bundle, and every bundle is valid.

use crate::domain::*;

/// How big a catalog to make.
#[derive(Debug, Clone, Copy)]
pub struct SynthParams {
    pub courses: usize,
    pub credentials: usize,
    pub occupations: usize,
    pub competencies: usize,
    pub seed: u64,
}

impl SynthParams {
    /// A state catalog: ~5,000 courses, 2,000 credentials, 1,000 occupations, 5,000 competencies.
    pub fn state(seed: u64) -> Self {
        SynthParams {
            courses: 5_000,
            credentials: 2_000,
            occupations: 1_000,
            competencies: 5_000,
            seed,
        }
    }
    /// The national picture: ~2,000,000 courses, 1,000,000 credentials.
    pub fn national(seed: u64) -> Self {
        SynthParams {
            courses: 2_000_000,
            credentials: 1_000_000,
            occupations: 10_000,
            competencies: 10_000,
            seed,
        }
    }
}

const COURSES_PER_CLUSTER: usize = 40;
/// The most rungs a credential ladder has (levels 1..=4).
const LADDER_RUNGS: usize = 4;
const SYSTEMS: [System; 4] = [
    System::Secondary,
    System::Adult,
    System::Postsecondary,
    System::WorkBased,
];

/// Generates a valid bundle. Time and space O(size).
pub fn generate(p: &SynthParams) -> Bundle {
    let mut rng = fastrand::Rng::with_seed(p.seed);
    let n_clusters = p.courses.div_ceil(COURSES_PER_CLUSTER).max(1);
    let n_comp = p.competencies.max(20);
    let foundational = (n_comp / 20).max(5);
    let per_cluster_pool = ((n_comp - foundational) / n_clusters).max(4);

    let competencies: Vec<Competency> = (0..n_comp)
        .map(|i| Competency {
            id: CompetencyId(format!("k{i:07}")),
            name: format!("Competency {i}"),
            tier: if i < foundational {
                1 + (i % 3) as u8
            } else {
                4 + (i % 5) as u8
            },
            framework: Some(if i < foundational {
                "foundational".into()
            } else {
                format!(
                    "cluster-{}",
                    cluster_of_comp(i, foundational, per_cluster_pool, n_clusters)
                )
            }),
            ..Default::default()
        })
        .collect();
    let pool = |cluster: usize, rng: &mut fastrand::Rng| -> usize {
        if rng.u8(0..10) < 2 {
            rng.usize(0..foundational)
        } else {
            let start = foundational + (cluster * per_cluster_pool) % (n_comp - foundational);
            (start + rng.usize(0..per_cluster_pool)).min(n_comp - 1)
        }
    };

    let mut courses = Vec::with_capacity(p.courses);
    for i in 0..p.courses {
        let cluster = i / COURSES_PER_CLUSTER;
        let pos = i % COURSES_PER_CLUSTER;
        let system = SYSTEMS[system_slot(pos)];
        let mut comps: Vec<CompetencyId> = (0..rng.usize(3..=8))
            .map(|_| competencies[pool(cluster, &mut rng)].id.clone())
            .collect();
        comps.sort();
        comps.dedup();
        // Prerequisites: one group choosing among up to three earlier courses of the cluster
        // in the same tier (a college course requires college courses, not high-school ones).
        let mut prerequisites = Vec::new();
        let earlier: Vec<usize> = (0..pos)
            .filter(|&q| tier(SYSTEMS[system_slot(q)]) == tier(system))
            .collect();
        if pos >= 3 && !earlier.is_empty() && rng.u8(0..10) < 4 {
            let base = cluster * COURSES_PER_CLUSTER;
            let mut from: Vec<ItemId> = (0..rng.usize(1..=3))
                .map(|_| ItemId(course_id(base + earlier[rng.usize(0..earlier.len())])))
                .collect();
            from.sort();
            from.dedup();
            prerequisites.push(RequirementGroup::Choose { choose: 1, from });
        }
        let credits = match system {
            System::Secondary => 1.0,
            System::Adult => 0.0,
            _ => [3.0, 3.0, 4.0, 2.0][rng.usize(0..4)],
        };
        courses.push(Course {
            id: CourseId(course_id(i)),
            title: format!("Course {i}"),
            system,
            provider: None,
            hours: [45.0, 60.0, 90.0, 120.0, 150.0][rng.usize(0..5)],
            credits,
            competencies: comps,
            prerequisites,
            ..Default::default()
        });
    }

    // Credentials: spread evenly over clusters; inside a cluster, consecutive runs of at most
    // `LADDER_RUNGS` form independent ladders (certification -> certificate -> associate ->
    // bachelor), as real state catalogs have, each rung requiring the one below.
    let per_cluster_creds = p.credentials.div_ceil(n_clusters).max(1);
    let mut credentials: Vec<Credential> = Vec::with_capacity(p.credentials);
    for j in 0..p.credentials {
        let cluster = (j / per_cluster_creds).min(n_clusters - 1);
        let level = ((j % per_cluster_creds) % LADDER_RUNGS) as u32 + 1;
        let base = cluster * COURSES_PER_CLUSTER;
        let len = COURSES_PER_CLUSTER.min(p.courses.saturating_sub(base)).max(1);
        // Entry rungs draw on every system; a certificate on adult and college courses; an
        // associate or bachelor degree on college and work-based ones.
        let mut allowed: Vec<usize> = (base..base + len)
            .filter(|&c| c >= courses.len() || tier(courses[c].system) >= (level as u8).min(3) - 1)
            .collect();
        if allowed.is_empty() {
            allowed = (base..base + len).collect();
        }
        let mut requires = Vec::new();
        let mut from: Vec<ItemId> = (0..rng.usize(2..=5))
            .map(|_| ItemId(course_id(allowed[rng.usize(0..allowed.len())])))
            .collect();
        from.sort();
        from.dedup();
        if rng.u8(0..10) < 3 {
            let total: f64 = from
                .iter()
                .map(|id| courses[id.0[1..].parse::<usize>().unwrap()].credits)
                .sum();
            if total > 0.0 {
                requires.push(RequirementGroup::MinCredits {
                    min_credits: (total / 2.0).max(1.0).min(total),
                    from,
                });
            } else {
                requires.push(RequirementGroup::Choose {
                    choose: from.len() as u32,
                    from,
                });
            }
        } else {
            let n = rng.u32(1..=from.len() as u32);
            requires.push(RequirementGroup::Choose { choose: n, from });
        }
        let stacks_into = if level > 1 {
            // The previous rung is required and stacks into this one.
            requires.push(RequirementGroup::Choose {
                choose: 1,
                from: vec![ItemId(cred_id(j - 1))],
            });
            vec![]
        } else {
            vec![]
        };
        credentials.push(Credential {
            id: CredentialId(cred_id(j)),
            title: format!("Credential {j}"),
            kind: [
                CredentialKind::IndustryCertification,
                CredentialKind::Certificate,
                CredentialKind::Associate,
                CredentialKind::Bachelor,
            ][(level as usize - 1).min(3)],
            level,
            requires,
            competencies: vec![],
            stacks_into,
            codes: Codes::default(),
            ctid: None,
            provider: None,
            provenance: None,
            annual_completers: None,
            aliases: Vec::new(),
            i18n: Default::default(),
        });
    }
    for j in 1..credentials.len() {
        if credentials[j].level > 1 {
            let up = credentials[j].id.clone();
            credentials[j - 1].stacks_into.push(up);
        }
    }

    let occupations = (0..p.occupations)
        .map(|o| {
            let cluster = o % n_clusters;
            let first = cluster * per_cluster_creds;
            let entry: Vec<CredentialId> = (0..rng.usize(1..=2))
                .map(|_| first + rng.usize(0..per_cluster_creds))
                .filter(|&j| j < credentials.len())
                .map(|j| CredentialId(cred_id(j)))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut comps: Vec<CompetencyId> = (0..rng.usize(3..=10))
                .map(|_| competencies[pool(cluster, &mut rng)].id.clone())
                .collect();
            comps.sort();
            comps.dedup();
            let openings = rng.f64() * 50_000.0;
            Occupation {
                soc: SocCode(format!("{:02}-{:04}", 11 + (o / 10_000) % 89, o % 10_000)),
                title: format!("Occupation {o}"),
                job_zone: Some(1 + (o % 5) as u8),
                competencies: comps,
                entry_credentials: entry,
                demand: vec![Demand {
                    region: "US".into(),
                    employment: Some((openings * 9.0).round()),
                    projected_employment: None,
                    growth_pct: Some(((rng.f64() * 20.0 - 5.0) * 10.0).round() / 10.0),
                    annual_openings: Some(openings.round()),
                    median_wage: Some((25_000.0 + rng.f64() * 100_000.0).round()),
                    ..Default::default()
                }],
                cluster: Some(format!("cluster-{cluster}")),
                ..Default::default()
            }
        })
        .collect();

    // Articulations: secondary or adult course -> a postsecondary course of the same cluster.
    let mut articulations = Vec::new();
    for (i, c) in courses.iter().enumerate() {
        if matches!(c.system, System::Secondary | System::Adult) && rng.u8(0..10) < 3 {
            let cluster = i / COURSES_PER_CLUSTER;
            let base = cluster * COURSES_PER_CLUSTER;
            let targets: Vec<usize> = (base..(base + COURSES_PER_CLUSTER).min(courses.len()))
                .filter(|&t| courses[t].system == System::Postsecondary)
                .collect();
            if let Some(&t) = targets.get(rng.usize(0..targets.len().max(1))) {
                let full = rng.u8(0..10) < 8;
                articulations.push(Articulation {
                    id: ArticulationId(format!("a{:08}", articulations.len())),
                    from: ItemId(c.id.0.clone()),
                    to: courses[t].id.clone(),
                    credits: if full {
                        courses[t].credits
                    } else {
                        (courses[t].credits - 1.0).max(0.0)
                    },
                    kind: if c.system == System::Secondary {
                        ArticulationKind::DualEnrollment
                    } else {
                        ArticulationKind::StatewideAgreement
                    },
                    source: None,
                    start_date: None,
                    ..Default::default()
                });
            }
        }
    }

    catalog_of(competencies, courses, credentials, occupations, articulations)
}

/// A canonical bundle of the five core kinds of record (no pathways, assessments or funding):
/// how generated catalogs, here and in the property tests, are put together.
#[doc(hidden)]
pub fn catalog_of(
    competencies: Vec<Competency>,
    courses: Vec<Course>,
    credentials: Vec<Credential>,
    occupations: Vec<Occupation>,
    articulations: Vec<Articulation>,
) -> Bundle {
    let mut b = Bundle {
        competencies,
        courses,
        credentials,
        occupations,
        articulations,
        ..Default::default()
    };
    b.canonicalize();
    b
}

/// The system of the course at position `pos` of its cluster.
fn system_slot(pos: usize) -> usize {
    match pos % 10 {
        0..=2 => 0,
        3..=4 => 1,
        5..=8 => 2,
        _ => 3,
    }
}

/// 0 secondary, 1 adult, 2 postsecondary and work-based.
fn tier(s: System) -> u8 {
    match s {
        System::Secondary => 0,
        System::Adult => 1,
        System::Postsecondary | System::WorkBased => 2,
    }
}

fn cluster_of_comp(i: usize, foundational: usize, per: usize, n_clusters: usize) -> usize {
    ((i - foundational) / per).min(n_clusters - 1)
}

fn course_id(i: usize) -> String {
    format!("c{i:08}")
}

fn cred_id(j: usize) -> String {
    format!("r{j:08}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_catalogs_are_valid_and_deterministic() {
        for seed in 0..5 {
            let p = SynthParams {
                courses: 400,
                credentials: 120,
                occupations: 60,
                competencies: 300,
                seed,
            };
            let b = generate(&p);
            assert_eq!(b.validate(), Ok(()), "seed {seed}");
            assert_eq!(b.counts().courses, 400);
            assert_eq!(b, generate(&p));
        }
    }

    #[test]
    fn credential_ladders_have_at_most_four_rungs() {
        let b = generate(&SynthParams::state(1));
        let by_id: std::collections::HashMap<&str, &Credential> =
            b.credentials.iter().map(|c| (c.id.0.as_str(), c)).collect();
        let mut bottoms = 0;
        for c in &b.credentials {
            assert!(
                (1..=LADDER_RUNGS as u32).contains(&c.level),
                "{} level {}",
                c.id.0,
                c.level
            );
            // Rungs above the first require exactly one credential: the rung below.
            let below: Vec<&Credential> = c
                .requires
                .iter()
                .flat_map(|g| g.from())
                .filter_map(|id| by_id.get(id.0.as_str()).copied())
                .collect();
            if c.level == 1 {
                assert!(below.is_empty(), "{}", c.id.0);
                bottoms += 1;
            } else {
                assert_eq!(below.len(), 1, "{}", c.id.0);
                assert_eq!(below[0].level + 1, c.level, "{}", c.id.0);
                assert!(below[0].stacks_into.contains(&c.id), "{}", c.id.0);
            }
        }
        // 16 credentials per 40-course cluster: four independent ladders each.
        assert_eq!(bottoms, 500);
    }
}
