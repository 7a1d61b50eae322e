//! Career maps on the seed: the cases the issue-8 trial found wrong, each asserting the
//! corrected answer, and an order check of every plan against the seed's own requirements.
//!
//! The order check reads the embedded seed (`careermap::service::SEED`), so it checks what the
//! server loaded, and walks each plan's steps: every prerequisite or requirement group of a
//! step must hold with what the learner held, skipped, or did in an earlier step.

use crate::common::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The seed's requirement groups and credits by id (courses, credentials, assessments).
struct Seed {
    groups: BTreeMap<String, Vec<Value>>,
    credits: BTreeMap<String, f64>,
    kind: BTreeMap<String, &'static str>,
}

fn seed() -> Seed {
    let b: Value = serde_json::from_str(careermap::service::SEED).expect("seed parses");
    let mut s = Seed {
        groups: BTreeMap::new(),
        credits: BTreeMap::new(),
        kind: BTreeMap::new(),
    };
    for (list, field, kind) in [
        ("courses", "prerequisites", "course"),
        ("credentials", "requires", "credential"),
        ("assessments", "prerequisites", "assessment"),
    ] {
        for r in b[list].as_array().into_iter().flatten() {
            let id = r["id"].as_str().unwrap().to_owned();
            s.groups
                .insert(id.clone(), r[field].as_array().cloned().unwrap_or_default());
            s.credits.insert(id.clone(), r["credits"].as_f64().unwrap_or(0.0));
            s.kind.insert(id, kind);
        }
    }
    s
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|x| {
            x.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| x["id"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn step_ids(path: &Value) -> Vec<String> {
    ids(&path["steps"])
}

/// Whether `group` holds with `have`.
fn holds(s: &Seed, group: &Value, have: &BTreeSet<String>) -> bool {
    let from = ids(&group["from"]);
    if let Some(n) = group["choose"].as_u64() {
        return from.iter().filter(|x| have.contains(*x)).count() as u64 >= n;
    }
    let need = group["min_credits"].as_f64().unwrap();
    let got: f64 = from
        .iter()
        .filter(|x| have.contains(*x))
        .map(|x| s.credits.get(x).copied().unwrap_or(0.0))
        .sum();
    got + 1e-9 >= need
}

/// Asserts that every step of `path` comes after everything its groups need, and that its
/// terms hold every step once, in an order that respects course prerequisites.
fn assert_feasible(s: &Seed, path: &Value, learner: &Value, entry: &str, what: &str) {
    let mut have: BTreeSet<String> = BTreeSet::new();
    have.extend(ids(&learner["completed_courses"]));
    have.extend(ids(&learner["credentials"]));
    if entry == "postsecondary" {
        have.extend(["hs-diploma".to_owned(), "hse".to_owned()]);
    }
    let earned = ids(&path["credentials_earned"]);
    let steps = step_ids(path);
    // Earned at graduation: held from the start, listed (when listed) as a milestone after the
    // last secondary step, with no requirement of its own to check.
    let graduation = entry == "secondary" && earned.contains(&"hs-diploma".to_owned());
    if graduation {
        have.insert("hs-diploma".to_owned());
    }
    for sk in path["skipped"].as_array().into_iter().flatten() {
        have.insert(sk["id"].as_str().unwrap().to_owned());
    }
    for id in &steps {
        if graduation && id == "hs-diploma" {
            continue;
        }
        for g in s.groups.get(id).into_iter().flatten() {
            assert!(
                holds(s, g, &have),
                "{what}: step {id} comes before its requirement {g} holds; steps {steps:?}"
            );
        }
        have.insert(id.clone());
    }
    // Terms: each step in exactly one term; a course after its prerequisite courses.
    // (Checked where the engine lays plans into terms.)
    let Some(terms) = path["terms"].as_array() else {
        return;
    };
    let mut term_of: BTreeMap<String, u64> = BTreeMap::new();
    for t in terms {
        for id in ids(&t["steps"]) {
            assert!(
                term_of.insert(id.clone(), t["term"].as_u64().unwrap()).is_none(),
                "{what}: {id} in two terms"
            );
        }
    }
    let mut in_terms: Vec<&String> = term_of.keys().collect();
    in_terms.sort();
    let mut in_steps: Vec<&String> = steps.iter().collect();
    in_steps.sort();
    assert_eq!(in_terms, in_steps, "{what}: terms hold exactly the steps");
    for id in &steps {
        if s.kind.get(id) != Some(&"course") {
            continue;
        }
        for g in &s.groups[id] {
            for pre in ids(&g["from"]) {
                if let (Some(a), Some(b)) = (term_of.get(&pre), term_of.get(id))
                    && s.kind.get(&pre) == Some(&"course")
                {
                    assert!(
                        a < b,
                        "{what}: {id} (term {b}) not after its prerequisite {pre} (term {a})"
                    );
                }
            }
        }
    }
}

async fn map(app: &TestApp, req: Value) -> Value {
    let (status, body) = app.post_json("/v1/career-maps", &req).await;
    assert_eq!(status, 200, "{req} -> {body}");
    body
}

/// The first plan toward `credential` of an adult who shows `competencies`.
async fn first_adult_plan(app: &TestApp, credential: &str, competencies: &[&str]) -> Value {
    let body = map(
        app,
        json!({"target": {"credential": credential}, "entry": "adult", "k": 1,
               "learner": {"competencies": competencies}}),
    )
    .await;
    body["paths"][0].clone()
}

async fn seeded() -> TestApp {
    spawn_seeded().await
}

/// Every plan for six seed occupations from every entry point is in a feasible order, earns
/// its certifications with their exams, and skips nothing by a credential it never earns.
#[tokio::test]
async fn seed_plans_are_feasible_and_sit_their_exams() {
    let app = seeded().await;
    let s = seed();
    let exam_of: BTreeMap<&str, &[&str]> = [
        ("cna", &["ex.nurse-aide"][..]),
        ("lpn", &["ex.nclex-pn"][..]),
        ("rn-license", &["ex.nclex-rn"][..]),
        ("comptia-aplus", &["ex.comptia-aplus-1", "ex.comptia-aplus-2"][..]),
        ("comptia-netplus", &["ex.comptia-netplus"][..]),
        ("comptia-secplus", &["ex.comptia-secplus"][..]),
        ("osha10-gi", &["ex.osha10-gi"][..]),
        ("mssc-cpt", &["ex.mssc-cpt"][..]),
        ("aws-entry-welder", &["ex.aws-sense-entry"][..]),
        ("nccer-core", &["ex.nccer-core"][..]),
    ]
    .into();
    let mut plans = 0;
    for soc in [
        "29-1141", "29-2061", "15-1212", "51-4121", "47-2111", "31-1131", "51-9061",
    ] {
        for entry in ["secondary", "adult", "postsecondary"] {
            let learner = json!({"completed_courses": [], "credentials": [], "competencies": []});
            let body = map(
                &app,
                json!({"target": {"occupation": soc}, "entry": entry, "k": 3, "learner": learner}),
            )
            .await;
            for path in body["paths"].as_array().into_iter().flatten() {
                let what = format!("{soc} {entry} plan {}", path["rank"]);
                assert_feasible(&s, path, &learner, entry, &what);
                let steps = step_ids(path);
                for c in ids(&path["credentials_earned"]) {
                    for exam in exam_of.get(c.as_str()).copied().unwrap_or(&[]) {
                        assert!(
                            steps.iter().any(|x| x == exam),
                            "{what}: earns {c} without sitting {exam}: {steps:?}"
                        );
                    }
                }
                let earned: BTreeSet<String> = ids(&path["credentials_earned"]).into_iter().collect();
                for st in path["steps"].as_array().unwrap() {
                    let kind = st["kind"].as_str().unwrap();
                    let id = st["id"].as_str().unwrap();
                    let expected = s.kind.get(id).copied().unwrap_or("?");
                    assert_eq!(kind, expected, "{what}: kind of {id}");
                    for by in ids(&st["covered_by"]) {
                        assert!(
                            by == "prior_learning" || steps.contains(&by) || earned.contains(&by),
                            "{what}: {id} covered by {by}, which the learner neither holds nor takes"
                        );
                    }
                }
                plans += 1;
            }
        }
    }
    assert!(plans >= 30, "only {plans} plans");
}

/// A high-school student's RN map: the diploma comes at graduation, never adult education or
/// the equivalency exam, and the licence needs the NCLEX-RN.
#[tokio::test]
async fn secondary_rn_map_has_no_adult_step_and_no_hse() {
    let app = seeded().await;
    let body = map(&app, map_request("occupation", "29-1141", "secondary", 5)).await;
    let paths = body["paths"].as_array().unwrap();
    assert!(!paths.is_empty(), "{body}");
    for p in paths {
        let steps = step_ids(p);
        assert!(
            !steps.iter().any(|s| s.starts_with("adult.")),
            "adult step in {steps:?}"
        );
        assert!(!steps.contains(&"hse".to_owned()), "hse in {steps:?}");
        let earned = ids(&p["credentials_earned"]);
        assert!(!earned.contains(&"hse".to_owned()), "{earned:?}");
        assert!(
            earned.contains(&"hs-diploma".to_owned()),
            "diploma at graduation: {earned:?}"
        );
        assert!(earned.contains(&"rn-license".to_owned()), "{earned:?}");
        assert!(steps.contains(&"ex.nclex-rn".to_owned()), "{steps:?}");
        // Secondary steps come before postsecondary ones.
        let systems = course_systems(p);
        if let Some(first_college) = systems.iter().position(|s| *s == "postsecondary") {
            assert!(
                !systems[first_college..].contains(&"secondary"),
                "secondary after college: {systems:?}"
            );
        }
    }
}

/// The information security analyst map sits the CompTIA exams of every certification it earns
/// (a high-school IT completer's shortest route goes through them), skips nothing "by" a
/// certification it never earns, and puts the capstone after every course it needs.
#[tokio::test]
async fn security_analyst_map_has_the_comptia_exams_as_steps() {
    let app = seeded().await;
    let s = seed();
    let it_completer =
        json!({"completed_courses": ["hs.computer-apps", "hs.it-essentials", "hs.networking", "hs.cybersecurity"]});
    let mut exam_steps = 0;
    for (entry, learner) in [
        ("secondary", it_completer.clone()),
        ("adult", json!({})),
        ("postsecondary", json!({})),
        ("postsecondary", it_completer.clone()),
    ] {
        let body = map(
            &app,
            json!({"target": {"occupation": "15-1212"}, "entry": entry, "k": 3, "learner": learner}),
        )
        .await;
        let paths = body["paths"].as_array().unwrap();
        assert!(!paths.is_empty(), "{entry}: {body}");
        for p in paths {
            let steps = step_ids(p);
            let earned = ids(&p["credentials_earned"]);
            // Every CompTIA certification earned in the plan sits its exams in the plan.
            for cert in earned
                .iter()
                .filter(|c| c.starts_with("comptia-") || *c == "it-fundamentals")
            {
                for g in s.groups.get(cert).into_iter().flatten() {
                    let from = ids(&g["from"]);
                    if from.iter().all(|x| x.starts_with("ex.")) {
                        let sat = from.iter().filter(|x| steps.contains(x)).count() as u64;
                        assert!(
                            sat >= g["choose"].as_u64().unwrap(),
                            "{entry}: {cert} without its exam {g}: {steps:?}"
                        );
                        exam_steps += sat;
                    }
                }
            }
            // Nothing is skipped "by" a certification the learner never earns.
            for sk in p["skipped"].as_array().into_iter().flatten() {
                if let Some(by) = sk["by"].as_str() {
                    assert!(earned.iter().any(|c| c == by), "{entry}: {sk} by {by} not earned");
                }
            }
            // The capstone comes after every other CIS course of the plan.
            if let Some(cap) = steps.iter().position(|x| x == "cc.cis-290") {
                for (i, x) in steps.iter().enumerate() {
                    if x.starts_with("cc.cis-") && x != "cc.cis-290" {
                        assert!(i < cap, "{entry}: {x} after the capstone: {steps:?}");
                    }
                }
            }
        }
    }
    assert!(exam_steps > 0, "no 15-1212 plan sits a CompTIA exam");
}

/// Production technician plans: the OSHA card before the MSSC CPT that requires it.
#[tokio::test]
async fn inspector_plans_are_in_a_feasible_order() {
    let app = seeded().await;
    let s = seed();
    let learner = json!({});
    let body = map(&app, map_request("occupation", "51-9061", "adult", 5)).await;
    let paths = body["paths"].as_array().unwrap();
    assert!(paths.len() >= 2, "{body}");
    for p in paths {
        assert_feasible(&s, p, &learner, "adult", "51-9061 adult");
        let steps = step_ids(p);
        if let (Some(osha), Some(cpt)) = (
            steps.iter().position(|x| x == "osha10-gi"),
            steps.iter().position(|x| x == "mssc-cpt"),
        ) {
            assert!(osha < cpt, "{steps:?}");
        }
    }
}

/// Electricians: each year's related instruction before its on-the-job year, nothing
/// duplicative.
#[tokio::test]
async fn electrician_related_instruction_precedes_on_the_job_training() {
    let app = seeded().await;
    let body = map(&app, map_request("occupation", "47-2111", "adult", 1)).await;
    let p = &body["paths"][0];
    let steps = step_ids(p);
    for n in 1..=4 {
        let rti = steps.iter().position(|x| *x == format!("wbl.elec-rti-{n}"));
        let ojt = steps.iter().position(|x| *x == format!("wbl.elec-ojt-{n}"));
        assert!(matches!((rti, ojt), (Some(a), Some(b)) if a < b), "year {n}: {steps:?}");
    }
    for st in p["steps"].as_array().unwrap() {
        assert_eq!(st["duplicative"], false, "{st}");
    }
}

/// Demonstrated competencies waive a course that grants credit for prior learning, and only
/// such a course; elsewhere the course stays, flagged duplicative.
#[tokio::test]
async fn prior_learning_waives_only_a_prior_learning_credit_course() {
    let app = seeded().await;
    let safety = [
        "mfg.t4.safety",
        "mfg.t4.quality",
        "mfg.t5.lean",
        "core.t3.checking-recording",
    ];
    let p = &first_adult_plan(&app, "osha10-gi", &safety).await;
    let steps = step_ids(p);
    assert!(
        !steps.iter().any(|x| x == "adult.mfg-safety" || x == "cc.mfg-101"),
        "waived course still in {steps:?}"
    );
    assert!(
        p["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["reason"] == "prior_learning"),
        "{p}"
    );
    assert!(
        steps.contains(&"ex.osha10-gi".to_owned()),
        "the card still needs its check: {steps:?}"
    );

    // Welding courses grant no credit for prior learning: the course stays, duplicative.
    let weld = [
        "mfg.t4.safety",
        "mfg.t6.welding-processes",
        "mfg.t7.smaw",
        "mfg.t5.materials",
    ];
    let p = &first_adult_plan(&app, "aws-entry-welder", &weld).await;
    let course = p["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "course")
        .unwrap_or_else(|| panic!("a welding course stays: {p}"));
    assert_eq!(course["duplicative"], true, "{course}");
    assert!(
        ids(&course["covered_by"]).contains(&"prior_learning".to_owned()),
        "{course}"
    );
    assert!(
        !p["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["reason"] == "prior_learning"),
        "{p}"
    );
}

/// A high-school nurse-aide completer sits the state exam; nobody sends them to the college
/// nurse-aide course.
#[tokio::test]
async fn nurse_aide_completer_is_not_sent_to_the_college_nurse_aide_course() {
    let app = seeded().await;
    let learner = json!({"completed_courses": ["hs.health-science-1", "hs.nurse-aide"]});
    for (target, entry) in [
        (json!({"credential": "cna"}), "postsecondary"),
        (json!({"credential": "cna"}), "adult"),
        (json!({"occupation": "29-2061"}), "postsecondary"),
    ] {
        let body = map(
            &app,
            json!({"target": target, "entry": entry, "k": 3, "learner": learner}),
        )
        .await;
        let paths = body["paths"].as_array().unwrap();
        assert!(!paths.is_empty(), "{body}");
        for p in paths {
            let steps = step_ids(p);
            assert!(
                !steps.iter().any(|x| x == "cc.nat-101" || x.starts_with("adult.cna")),
                "{target} {entry}: {steps:?}"
            );
            if ids(&p["credentials_earned"]).contains(&"cna".to_owned()) {
                assert!(steps.contains(&"ex.nurse-aide".to_owned()), "{steps:?}");
            }
        }
    }
}

/// Held AP scores earn credit only at or above the articulation's minimum.
#[tokio::test]
async fn ap_scores_earn_credit_only_from_the_minimum() {
    let app = seeded().await;
    let ask = |score: u32| {
        json!({"target": {"credential": "adn-rn"}, "entry": "postsecondary", "k": 1,
               "learner": {"assessments": [{"id": "ex.ap-psychology", "score": score}]}})
    };
    let low = map(&app, ask(2)).await;
    let high = map(&app, ask(3)).await;
    let skipped = |b: &Value| -> Vec<String> { ids(&b["paths"][0]["skipped"]) };
    assert!(!skipped(&low).contains(&"cc.psy-101".to_owned()), "{low}");
    assert!(skipped(&high).contains(&"cc.psy-101".to_owned()), "{high}");
    assert!(!step_ids(&high["paths"][0]).contains(&"cc.psy-101".to_owned()));
}

/// The seed's nursing ladder drawn as DOT and as Mermaid, both read back as graphs: every step
/// of the plan is a node, and every prerequisite and requirement between two steps an edge.
#[tokio::test]
async fn dot_and_mermaid_draw_every_step_and_prerequisite_of_a_seed_plan() {
    let app = seeded().await;
    let req = json!({"target": {"occupation": "29-1141"}, "entry": "adult",
                     "learner": {"completed_courses": [], "credentials": [], "competencies": []}});
    let answer = map(&app, req.clone()).await;
    for format in ["dot", "mermaid"] {
        let r = app.career_map_as(format, &req).await;
        assert_eq!(r.status().as_u16(), 200, "{format}");
        let text = r.text().await.unwrap();
        let drawing = if format == "dot" {
            crate::pictures::parse_dot(&text)
        } else {
            crate::pictures::parse_mermaid(&text)
        };
        let prerequisites = crate::pictures::check_drawing(&app, format, &drawing, &answer["paths"][0]).await;
        assert!(prerequisites > 0, "{format}: the nursing plan has course prerequisites");
    }
}

/// Every step stands alone: its title, provider and cost (null when unknown) beside its id,
/// kind, system and hours, as the seed gives them; the known costs add up to the plan's
/// `total_cost`.
#[tokio::test]
async fn steps_carry_their_title_provider_and_cost() {
    let app = seeded().await;
    let b: Value = serde_json::from_str(careermap::service::SEED).unwrap();
    let record = |id: &str| -> Value {
        ["courses", "credentials", "assessments"]
            .iter()
            .flat_map(|k| b[*k].as_array().unwrap())
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} is in the seed"))
    };
    let mut steps_seen = 0;
    for (soc, entry) in [
        ("29-1141", "adult"),
        ("51-4121", "secondary"),
        ("15-1232", "postsecondary"),
    ] {
        let body = map(&app, json!({"target": {"occupation": soc}, "entry": entry, "k": 2})).await;
        for path in body["paths"].as_array().unwrap() {
            let mut known = 0.0;
            let mut complete = true;
            for st in path["steps"].as_array().unwrap() {
                steps_seen += 1;
                let step = st.as_object().unwrap();
                for key in ["id", "kind", "system", "hours", "title", "provider", "cost"] {
                    assert!(step.contains_key(key), "{key} in {st}");
                }
                let r = record(st["id"].as_str().unwrap());
                assert_eq!(st["title"], r["title"], "{st}");
                assert_eq!(
                    st["provider"],
                    r.get("provider").cloned().unwrap_or(Value::Null),
                    "{st}"
                );
                let expected_cost = match st["kind"].as_str().unwrap() {
                    "credential" => json!(0.0),
                    _ if r["system"] == "secondary" && r.get("cost").is_none() => json!(0.0),
                    _ => r.get("cost").cloned().unwrap_or(Value::Null),
                };
                assert_eq!(
                    st["cost"].as_f64(),
                    expected_cost.as_f64(),
                    "{st} against the seed's {expected_cost}"
                );
                match st["cost"].as_f64() {
                    Some(c) => known += c,
                    None => complete = false,
                }
            }
            assert!((known - path["total_cost"].as_f64().unwrap()).abs() < 0.01, "{path}");
            assert_eq!(path["cost_complete"], complete);
        }
    }
    assert!(steps_seen > 10, "{steps_seen} steps checked");
    app.stop().await;
}

fn path_ids(p: &Value) -> BTreeSet<String> {
    step_ids(p).into_iter().collect()
}

/// Issue 21, ranking: a counselor who asks for the cheapest RN route for a high-school student
/// gets the free high-school nurse-aide route first, plans in order of net cost, the
/// interchangeable general-education courses folded into one plan as `alternatives`, and every
/// dual-enrollment credit listed in `skipped` with where it comes from.
#[tokio::test]
async fn cost_ranks_first_and_electives_are_alternatives_not_plans() {
    let app = seeded().await;
    let learner = json!({"completed_courses": [], "credentials": [], "competencies": []});
    let body = map(
        &app,
        json!({"target": {"occupation": "29-1141"}, "entry": "secondary", "k": 5, "optimize": "cost", "learner": learner}),
    )
    .await;
    assert_eq!(body["optimize"], "cost");
    let paths = body["paths"].as_array().unwrap();
    assert!(paths.len() >= 3, "{body}");
    let first = path_ids(&paths[0]);
    assert!(
        first.contains("hs.nurse-aide") && first.contains("ex.nurse-aide"),
        "the free high-school nurse-aide route first: {first:?}"
    );
    let nets: Vec<f64> = paths.iter().map(|p| p["net_cost"].as_f64().unwrap()).collect();
    assert!(nets.windows(2).all(|w| w[0] <= w[1]), "ranked by net cost: {nets:?}");
    assert!(
        paths[0]["duplicative_hours"].as_f64().unwrap() > 0.0 && paths.iter().any(|p| p["duplicative_hours"] == 0.0),
        "the objective beats repetition: a cheaper plan that repeats a little comes first"
    );
    // College Algebra or Statistics is a choice inside one plan, not two plans.
    let alternatives: Vec<(String, Vec<String>)> = paths
        .iter()
        .flat_map(|p| p["steps"].as_array().unwrap())
        .filter(|s| s.get("alternatives").is_some())
        .map(|s| (s["id"].as_str().unwrap().to_owned(), ids(&s["alternatives"])))
        .collect();
    assert!(!alternatives.is_empty(), "some step lists its interchangeable choices");
    for (i, a) in paths.iter().enumerate() {
        for b in &paths[i + 1..] {
            let (a, b) = (path_ids(a), path_ids(b));
            let gone: Vec<&String> = a.difference(&b).collect();
            let new: Vec<&String> = b.difference(&a).collect();
            assert!(
                !(gone.len() == 1
                    && new.len() == 1
                    && alternatives
                        .iter()
                        .any(|(s, alts)| s == gone[0] && alts.contains(new[0]))),
                "two plans differ only by an interchangeable choice: {gone:?} / {new:?}"
            );
        }
    }
    // Every dual-enrollment credit is named with its source, which the plan takes.
    let mut dual = 0;
    for p in paths {
        let steps = path_ids(p);
        for s in p["skipped"].as_array().unwrap() {
            if s["reason"] == "dual_enrollment" {
                dual += 1;
                let from = s["from"].as_str().expect("a credit names where it comes from");
                assert!(steps.contains(from), "{s} comes from a step of the plan");
            }
        }
    }
    assert!(
        dual >= 1,
        "the LPN-ladder route uses the high-school course's BIO 105 credit"
    );
    // The default ranks by repetition first, as before.
    let default = map(
        &app,
        json!({"target": {"occupation": "29-1141"}, "entry": "secondary", "k": 3, "learner": learner}),
    )
    .await;
    assert_eq!(default["optimize"], "duplication");
    let dups: Vec<f64> = default["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["duplicative_hours"].as_f64().unwrap())
        .collect();
    assert!(
        dups.windows(2).all(|w| w[0] <= w[1]),
        "least repetition first: {dups:?}"
    );
}

/// Issue 21, an answer for every valid request: the seed combinations that once answered 422
/// `too-complex` (15-1211 and 15-1241 from secondary, k=10) answer 200 with plans; a plan the
/// search did not prove says `optimal: false` with a lower bound no greater than its own
/// figure; and asking again gives the same answer.
#[tokio::test]
async fn the_hardest_seed_requests_answer_with_plans() {
    let app = seeded().await;
    for soc in ["15-1211", "15-1241"] {
        for optimize in ["duplication", "hours", "weeks"] {
            let req = json!({"target": {"occupation": soc}, "entry": "secondary", "k": 10, "optimize": optimize});
            let first = map(&app, req.clone()).await;
            let paths = first["paths"].as_array().unwrap();
            assert!(!paths.is_empty(), "{soc} {optimize}: {first}");
            for p in paths {
                let optimal = p["optimal"].as_bool().expect("every path says whether it is proven");
                assert_eq!(optimal, p.get("lower_bound").is_none(), "{soc} {optimize}: {p}");
                if !optimal {
                    assert_eq!(first["search"]["capped"], true);
                    let figure = match optimize {
                        "duplication" => p["duplicative_hours"].as_f64().unwrap(),
                        "hours" => p["total_hours"].as_f64().unwrap(),
                        _ => p["weeks"].as_f64().unwrap(),
                    };
                    assert!(p["lower_bound"].as_f64().unwrap() <= figure + 1e-9, "{p}");
                }
            }
            let again = map(&app, req).await;
            assert_eq!(
                again["paths"], first["paths"],
                "{soc} {optimize}: the same answer again"
            );
        }
    }
}
