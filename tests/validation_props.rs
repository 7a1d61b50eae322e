//! Property tests for bundle validation: random valid catalogs always pass and round-trip
//! through the import format and the store unchanged; the same catalogs with one injected
//! fault are always rejected, with the fault's record and code named.

use careermap::domain::*;
use careermap::store::{Store, VersionInfo};
use careermap::synth::{SynthParams, generate};
use proptest::prelude::*;

fn params() -> impl Strategy<Value = SynthParams> {
    (1usize..90, 1usize..25, 0usize..12, 20usize..80, any::<u64>()).prop_map(
        |(courses, credentials, occupations, competencies, seed)| SynthParams {
            courses,
            credentials,
            occupations,
            competencies,
            seed,
        },
    )
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    DuplicateCourse,
    UnknownCompetency,
    ChooseZero,
    ChooseTooMany,
    NegativeHours,
    InfiniteCredits,
    BadSoc,
    SelfArticulation,
    SelfPrerequisite,
    TwoCycle,
    UnreachableCredits,
    BadTier,
    UnknownStack,
}

const FAULTS: [Fault; 13] = [
    Fault::DuplicateCourse,
    Fault::UnknownCompetency,
    Fault::ChooseZero,
    Fault::ChooseTooMany,
    Fault::NegativeHours,
    Fault::InfiniteCredits,
    Fault::BadSoc,
    Fault::SelfArticulation,
    Fault::SelfPrerequisite,
    Fault::TwoCycle,
    Fault::UnreachableCredits,
    Fault::BadTier,
    Fault::UnknownStack,
];

/// Injects `fault` into record `pick` (modulo the list length); returns the id the problem
/// must name and the expected code, or None when the catalog has nothing to inject into.
fn inject(b: &mut Bundle, fault: Fault, pick: usize) -> Option<(String, ProblemCode)> {
    let nc = b.courses.len();
    match fault {
        Fault::DuplicateCourse => {
            let c = b.courses[pick % nc].clone();
            let id = c.id.0.clone();
            b.courses.push(c);
            Some((id, ProblemCode::DuplicateId))
        }
        Fault::UnknownCompetency => {
            let c = &mut b.courses[pick % nc];
            c.competencies.push(CompetencyId("no-such-competency".into()));
            Some((c.id.0.clone(), ProblemCode::UnknownReference))
        }
        Fault::ChooseZero | Fault::ChooseTooMany => {
            let other = ItemId(b.courses[(pick + 1) % nc].id.0.clone());
            let c = &mut b.courses[pick % nc];
            if c.id.0 == other.0 {
                return None;
            }
            let choose = if matches!(fault, Fault::ChooseZero) { 0 } else { 2 };
            c.prerequisites.push(RequirementGroup::Choose {
                choose,
                from: vec![other],
            });
            Some((c.id.0.clone(), ProblemCode::ChooseOutOfRange))
        }
        Fault::NegativeHours => {
            let c = &mut b.courses[pick % nc];
            c.hours = -1.0 - pick as f64;
            Some((c.id.0.clone(), ProblemCode::InvalidNumber))
        }
        Fault::InfiniteCredits => {
            let c = &mut b.courses[pick % nc];
            c.credits = f64::INFINITY;
            Some((c.id.0.clone(), ProblemCode::InvalidNumber))
        }
        Fault::BadSoc => {
            let n = b.occupations.len();
            if n == 0 {
                return None;
            }
            let o = &mut b.occupations[pick % n];
            o.soc = SocCode(o.soc.0.replace('-', ""));
            Some((o.soc.0.clone(), ProblemCode::InvalidSocCode))
        }
        Fault::SelfArticulation => {
            let id = b.courses[pick % nc].id.clone();
            b.articulations.push(Articulation {
                id: ArticulationId("injected".into()),
                from: ItemId(id.0.clone()),
                to: id,
                credits: 1.0,
                kind: ArticulationKind::CreditByExam,
                source: None,
                start_date: None,
                end_date: None,
                provenance: None,
                min_score: None,
            });
            Some(("injected".into(), ProblemCode::SelfArticulation))
        }
        Fault::SelfPrerequisite => {
            let c = &mut b.courses[pick % nc];
            c.prerequisites.push(RequirementGroup::Choose {
                choose: 1,
                from: vec![ItemId(c.id.0.clone())],
            });
            Some((c.id.0.clone(), ProblemCode::Cycle))
        }
        Fault::TwoCycle => {
            // A course with a prerequisite: make the prerequisite need the course back.
            let (i, target) = b
                .courses
                .iter()
                .enumerate()
                .cycle()
                .skip(pick % nc)
                .take(nc)
                .find_map(|(i, c)| c.prerequisites.first().map(|g| (i, g.from()[0].0.clone())))?;
            let dependent = b.courses[i].id.0.clone();
            let t = b.courses.iter_mut().find(|c| c.id.0 == target)?;
            t.prerequisites.push(RequirementGroup::Choose {
                choose: 1,
                from: vec![ItemId(dependent.clone())],
            });
            let mut pair = [dependent, target];
            pair.sort();
            Some((pair[0].clone(), ProblemCode::Cycle))
        }
        Fault::UnreachableCredits => {
            let other = ItemId(b.courses[(pick + 1) % nc].id.0.clone());
            let c = &mut b.courses[pick % nc];
            if c.id.0 == other.0 {
                return None;
            }
            c.prerequisites.push(RequirementGroup::MinCredits {
                min_credits: 1000.0,
                from: vec![other],
            });
            Some((c.id.0.clone(), ProblemCode::UnreachableCredits))
        }
        Fault::BadTier => {
            let n = b.competencies.len();
            let k = &mut b.competencies[pick % n];
            k.tier = if pick.is_multiple_of(2) { 0 } else { 10 };
            Some((k.id.0.clone(), ProblemCode::InvalidTier))
        }
        Fault::UnknownStack => {
            let n = b.credentials.len();
            let c = &mut b.credentials[pick % n];
            c.stacks_into.push(CredentialId("no-such-credential".into()));
            Some((c.id.0.clone(), ProblemCode::UnknownReference))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn valid_bundles_pass_and_round_trip(p in params()) {
        let bundle = generate(&p);
        prop_assert_eq!(bundle.validate(), Ok(()));
        // Through the wire format.
        let json = serde_json::to_vec(&bundle).unwrap();
        let parsed = Bundle::from_json(&json).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(&parsed, &bundle);
        // Through the store.
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let info = VersionInfo { version: 1, committed_at: "t".into(), origin: "test".into(), counts: bundle.counts(), author: None };
            store.commit(&parsed, &info, 20).unwrap();
        }
        let (_, loaded) = reopen(dir.path()).load().unwrap().unwrap();
        prop_assert_eq!(loaded, bundle);
    }

    #[test]
    fn injected_faults_are_rejected_and_named(p in params(), f in 0usize..FAULTS.len(), pick in any::<usize>()) {
        let mut bundle = generate(&p);
        let fault = FAULTS[f];
        let Some((id, code)) = inject(&mut bundle, fault, pick) else { return Ok(()) };
        let problems = bundle.validate().expect_err("a faulty bundle must be rejected");
        prop_assert!(
            problems.iter().any(|x| x.code == code
                && (x.id.as_deref() == Some(id.as_str()) || (code == ProblemCode::Cycle && x.message.contains(id.as_str())))),
            "{:?}: expected {:?} on {}, got {:?}", fault, code, id, problems
        );
    }
}

/// The store in `dir`, opened again right after this process closed it. sled's background
/// flusher can keep the file lock for a moment after the last handle is dropped (seen under a
/// loaded machine: `Locked`), so the open is retried for up to two seconds.
fn reopen(dir: &std::path::Path) -> Store {
    for _ in 0..40 {
        match Store::open(dir) {
            Err(careermap::store::StoreError::Locked { .. }) => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            other => return other.unwrap(),
        }
    }
    Store::open(dir).unwrap()
}
