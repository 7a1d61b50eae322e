//! Planner analytics over HTTP (issue 12): duplicates by containment, text and codes with
//! articulation labels; one severity scale and the tier filter; competency suggestions; supply
//! against demand; the alignment report compared across dataset versions; and no negative
//! zero in any number of any answer.

use crate::common::*;
use serde_json::{Value, json};

/// Known facts:
/// - `adult.cad` and `cc.dft-110` carry no competencies and no codes, and describe the same
///   drafting course in other words: only `text` finds them.
/// - `cc.medterm` (2 competencies) is wholly contained in `hs.healthsci` (7): Jaccard 2/7,
///   containment 1: only `measure=containment` finds them; their texts share no word.
/// - `hs.auto-1` and `cc.brakes` share CIP 47.0604 across systems, nothing else: only `codes`
///   finds them; an articulation grants 1 of the 3 credits of `cc.brakes` (partial).
/// - `hs.healthsci` and `cc.medterm` are linked by a full articulation.
fn analytics_catalog() -> Value {
    let comp = |id: &str, tier: u8| json!({"id": id, "name": format!("Competency {id}"), "tier": tier});
    let mut competencies: Vec<Value> = (1..=8).map(|i| comp(&format!("k.{i}"), 5)).collect();
    competencies.push(json!({"id": "core.integrity", "name": "Integrity", "tier": 1}));
    json!({
        "competencies": competencies,
        "courses": [
            {"id": "adult.cad", "title": "Computer-Aided Drafting Basics", "system": "adult", "hours": 60,
             "description": "AutoCAD drawing setup, orthographic projection, dimensioning and layers for mechanical drafting."},
            {"id": "cc.dft-110", "title": "Introduction to Computer Aided Drafting", "system": "postsecondary", "hours": 45, "credits": 3,
             "description": "Orthographic projection, dimensioning, layers and drawing setup in AutoCAD for mechanical drafting."},
            {"id": "cc.medterm", "title": "Medical Terminology", "system": "postsecondary", "hours": 45, "credits": 3,
             "competencies": ["k.1", "k.2"], "description": "Word roots, prefixes and suffixes of clinical vocabulary."},
            {"id": "hs.healthsci", "title": "Principles of Health Science", "system": "secondary", "hours": 160, "credits": 1,
             "competencies": ["k.1", "k.2", "k.3", "k.4", "k.5", "k.6", "k.7"],
             "description": "Careers, ethics, infection control and anatomy for future caregivers."},
            {"id": "hs.auto-1", "title": "Automotive Service I", "system": "secondary", "hours": 150, "credits": 1,
             "competencies": ["k.8"], "codes": {"cip": "47.0604"}},
            {"id": "cc.brakes", "title": "Brake Systems", "system": "postsecondary", "hours": 60, "credits": 3,
             "codes": {"cip": "47.0604"}}
        ],
        "credentials": [
            {"id": "cert-auto", "title": "Automotive certificate", "kind": "certificate", "level": 1,
             "requires": [{"choose": 1, "from": ["cc.brakes"]}], "annual_completers": 300},
            {"id": "cert-draft", "title": "Drafting certificate", "kind": "certificate", "level": 1,
             "requires": [{"choose": 1, "from": ["cc.dft-110"]}], "annual_completers": 500},
            {"id": "cert-health", "title": "Health certificate", "kind": "certificate", "level": 1,
             "requires": [{"choose": 1, "from": ["cc.medterm"]}]}
        ],
        "occupations": [
            {"soc": "49-3023", "title": "Automotive Technicians", "competencies": ["k.8", "core.integrity"],
             "entry_credentials": ["cert-auto"],
             "demand": [{"region": "US", "annual_openings": 1000, "median_wage": 47000}]},
            {"soc": "17-3013", "title": "Mechanical Drafters", "competencies": ["k.6"], "entry_credentials": ["cert-draft"],
             "demand": [{"region": "US", "annual_openings": 250, "median_wage": 61000}]},
            {"soc": "29-2072", "title": "Medical Records Specialists", "competencies": ["k.1"], "entry_credentials": ["cert-health"],
             "demand": [{"region": "US", "annual_openings": 400, "median_wage": 48000}]}
        ],
        "articulations": [
            {"id": "art.auto", "from": "hs.auto-1", "to": "cc.brakes", "credits": 1, "kind": "statewide_agreement"},
            {"id": "art.health", "from": "hs.healthsci", "to": "cc.medterm", "credits": 3, "kind": "dual_enrollment"}
        ]
    })
}

async fn app_with(bundle: Value) -> TestApp {
    spawn_imported(&bundle).await
}

/// `(a, b)` of every pair of an answer.
fn pair_ids(body: &Value) -> Vec<(String, String)> {
    body["pairs"]
        .as_array()
        .unwrap_or_else(|| panic!("no pairs: {body}"))
        .iter()
        .map(|p| (p["a"].as_str().unwrap().to_owned(), p["b"].as_str().unwrap().to_owned()))
        .collect()
}

fn has_pair(body: &Value, a: &str, b: &str) -> bool {
    pair_ids(body).iter().any(|p| p.0 == a && p.1 == b)
}

fn the_pair<'a>(body: &'a Value, a: &str, b: &str) -> &'a Value {
    body["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a"] == a && p["b"] == b)
        .unwrap_or_else(|| panic!("pair {a} ~ {b} missing: {body}"))
}

#[tokio::test]
async fn each_basis_finds_what_only_it_can() {
    let app = app_with(analytics_catalog()).await;
    let get = |q: &'static str| {
        let app = &app;
        async move {
            let (status, body) = app.get_json(&format!("/v1/duplicates?{q}")).await;
            assert_eq!(status, 200, "{q}: {body}");
            body
        }
    };

    // The untagged pair: text only, with the matching words as evidence.
    let text = get("basis=text").await;
    let p = the_pair(&text, "adult.cad", "cc.dft-110");
    assert_eq!(p["basis"], "text");
    assert!(p["text_similarity"].as_f64().unwrap() >= 0.6, "{p}");
    let terms: Vec<&str> = p["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for w in ["autocad", "drafting", "dimensioning"] {
        assert!(terms.contains(&w), "evidence names `{w}`: {terms:?}");
    }
    assert!(
        !has_pair(&text, "cc.medterm", "hs.healthsci"),
        "their texts share no word"
    );
    assert!(!has_pair(&text, "cc.brakes", "hs.auto-1"));

    // The contained course: containment only.
    let jac = get("basis=competencies&min_overlap=0.5").await;
    assert!(
        !has_pair(&jac, "cc.medterm", "hs.healthsci"),
        "Jaccard 2/7 < 0.5: {jac}"
    );
    let con = get("basis=competencies&measure=containment&min_overlap=0.9").await;
    assert_eq!(con["measure"], "containment");
    let p = the_pair(&con, "cc.medterm", "hs.healthsci");
    assert_eq!(p["containment"], 1.0);
    assert!((p["jaccard"].as_f64().unwrap() - 2.0 / 7.0).abs() < 1e-12, "{p}");
    assert_eq!(p["shared"], json!(["k.1", "k.2"]));
    assert_eq!(
        (p["articulation"].as_str(), p["articulated"].as_bool()),
        (Some("full"), Some(true))
    );
    assert!(
        !has_pair(&con, "adult.cad", "cc.dft-110"),
        "untagged courses never pair on competencies"
    );
    assert!(!has_pair(&con, "cc.brakes", "hs.auto-1"));

    // The same-code pair: codes only, and its partial articulation says so.
    let codes = get("basis=codes").await;
    assert_eq!(pair_ids(&codes), vec![("cc.brakes".to_owned(), "hs.auto-1".to_owned())]);
    let p = the_pair(&codes, "cc.brakes", "hs.auto-1");
    assert_eq!(p["codes"], json!(["cip:47.0604"]));
    assert_eq!(
        (p["articulation"].as_str(), p["articulated"].as_bool()),
        (Some("partial"), Some(false))
    );
    assert_eq!(p["containment"], 0.0);

    // Default: all bases; `unarticulated` keeps partial ones.
    let all = get("measure=containment&min_overlap=0.9").await;
    let bases: Vec<&str> = all["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["basis"].as_str().unwrap())
        .collect();
    for b in ["competencies", "text", "codes"] {
        assert!(bases.contains(&b), "{b} in {bases:?}");
    }
    let un = get("measure=containment&min_overlap=0.9&unarticulated=true").await;
    assert!(has_pair(&un, "cc.brakes", "hs.auto-1"), "partial is not articulated");
    assert!(!has_pair(&un, "cc.medterm", "hs.healthsci"), "full is articulated");

    // CSV carries the new columns.
    let text = app
        .get("/v1/duplicates?basis=codes&format=csv")
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], DUPLICATES_CSV_HEADER);
    assert_eq!(
        lines[1],
        "cc.brakes,hs.auto-1,0,,false,postsecondary,secondary,0,codes,0,,,cip:47.0604,partial"
    );

    for bad in ["measure=cosine", "basis=titles", "min_similarity=0", "min_similarity=2"] {
        let (status, body) = app.get_json(&format!("/v1/duplicates?{bad}")).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(body["type"], "/problems/invalid-request");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains(bad.split('=').next().unwrap()),
            "{body}"
        );
    }
}

/// The seed's two pairs the issue names: a contained course and a shared nurse-aide
/// curriculum; and the welding agreement that grants partial credit is labelled so.
#[tokio::test]
async fn seed_contained_and_overlapping_pairs_are_found() {
    let app = spawn_seeded().await;
    let (_, jac) = app.get_json("/v1/duplicates?basis=competencies&limit=100000").await;
    assert!(
        !has_pair(&jac, "cc.hit-105", "hs.health-science-1"),
        "missed by Jaccard 0.5"
    );
    assert!(!has_pair(&jac, "cc.nat-101", "hs.nurse-aide"));
    let (_, con) = app
        .get_json("/v1/duplicates?basis=competencies&measure=containment&min_overlap=0.6&limit=100000")
        .await;
    let p = the_pair(&con, "cc.hit-105", "hs.health-science-1");
    assert_eq!(p["containment"], 1.0, "{p}");
    assert!(p["jaccard"].as_f64().unwrap() < 0.5, "{p}");
    let p = the_pair(&con, "cc.nat-101", "hs.nurse-aide");
    assert!(p["containment"].as_f64().unwrap() >= 0.6, "{p}");
    assert_eq!(p["shared"].as_array().unwrap().len(), 5, "{p}");

    let (_, all) = app
        .get_json("/v1/duplicates?basis=competencies&min_overlap=0.3&limit=100000")
        .await;
    let p = the_pair(&all, "cc.wld-101", "hs.welding");
    assert_eq!(p["articulation"], "partial", "{p}");
    assert_eq!(p["articulated"], false, "{p}");
}

#[tokio::test]
async fn gaps_rank_on_one_scale_and_foundational_tiers_are_apart() {
    let app = app_with(analytics_catalog()).await;
    let (status, body) = app.get_json("/v1/gaps?limit=1000").await;
    assert_eq!(status, 200, "{body}");
    let gaps = body["gaps"].as_array().unwrap();
    for g in gaps {
        assert_eq!(g["impact_unit"], "annual openings behind the gap");
        // The impact is the sum of the openings of the occupations it names.
        let openings = |soc: &str| match soc {
            "49-3023" => 1000.0,
            "17-3013" => 250.0,
            "29-2072" => 400.0,
            other => panic!("unknown occupation {other}"),
        };
        let want: f64 = g["occupations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| openings(s.as_str().unwrap()))
            .sum();
        assert_eq!(g["impact"].as_f64().unwrap(), want, "{g}");
    }
    // Integrity (tier 1) is uncovered for 49-3023, but reported apart by default.
    let uncovered = |body: &Value| -> Vec<String> {
        body["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["kind"] == "uncovered_competency")
            .map(|g| g["subjects"][0].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!uncovered(&body).contains(&"core.integrity".to_owned()), "{body}");
    let (_, all) = app.get_json("/v1/gaps?limit=1000&tier_min=1").await;
    let g = all["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "uncovered_competency" && g["subjects"][0] == "core.integrity")
        .unwrap_or_else(|| panic!("integrity listed with tier_min=1: {all}"));
    assert_eq!(g["tier"], 1);
    assert_eq!(g["impact"], 1000.0);
    let (status, body) = app.get_json("/v1/gaps?tier_min=0").await;
    assert_eq!(status, 422, "{body}");

    // top_gaps is ordered by impact, and the foundational gap is counted apart.
    let (_, report) = app.get_json("/v1/reports/alignment").await;
    let impacts: Vec<f64> = report["top_gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["impact"].as_f64().unwrap())
        .collect();
    assert!(!impacts.is_empty());
    assert!(impacts.windows(2).all(|w| w[0] >= w[1]), "{impacts:?}");
    assert_eq!(report["foundational_uncovered"], 1, "{report}");
    assert_eq!(report["tier_min"], 4);
}

/// The seed's missing adult on-ramp to a big occupation outranks a couple of lost credits.
#[tokio::test]
async fn seed_top_gaps_are_not_a_wall_of_equal_severities() {
    let app = spawn_seeded().await;
    let (status, report) = app.get_json("/v1/reports/alignment").await;
    assert_eq!(status, 200);
    let top = report["top_gaps"].as_array().unwrap();
    assert!(top.len() >= 5 && top.len() <= 10, "{report}");
    let impacts: Vec<f64> = top.iter().map(|g| g["impact"].as_f64().unwrap()).collect();
    assert!(impacts.windows(2).all(|w| w[0] >= w[1]), "{impacts:?}");
    assert!(impacts[0] > 0.0);
    for g in top {
        if g["kind"] == "uncovered_competency" {
            assert!(g["tier"].as_u64().unwrap() >= 4, "tiers 1-3 are apart: {g}");
        }
    }
    let distinct: std::collections::BTreeSet<u64> = impacts.iter().map(|x| x.to_bits()).collect();
    assert!(distinct.len() >= 3, "one scale separates the gaps: {impacts:?}");
    // The welding agreement's 2 lost credits and the missing adult on-ramp sit behind the same
    // openings; the blocking gap ranks first.
    let (_, gaps) = app.get_json("/v1/gaps?limit=1000").await;
    let all = gaps["gaps"].as_array().unwrap();
    let partial = all
        .iter()
        .find(|g| g["kind"] == "partial_credit" && g["subjects"][0] == "art.hs-welding-wld101")
        .expect("the welding partial credit");
    assert!(partial["impact"].as_f64().unwrap() > 0.0, "{partial}");
    assert!(
        report["foundational_uncovered"].as_u64().unwrap() > 0,
        "the seed's soft skills are apart"
    );
}

#[tokio::test]
async fn suggestions_for_an_untagged_nursing_course_come_from_its_cip_code() {
    let app = spawn_seeded().await;
    let course = json!({"courses": [{"id": "cc.nur-099", "title": "Nursing Concepts", "system": "postsecondary",
        "hours": 45, "credits": 3, "codes": {"cip": "51.3801"},
        "description": "Patient assessment, clinical judgment and care planning for registered nursing practice."}]});
    let (status, body) = app.import("merge", &course).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .get_json("/v1/courses/cc.nur-099/suggested-competencies?limit=100")
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, rn) = app.get_json("/v1/occupations/29-1141").await;
    let suggestions = body["suggestions"].as_array().unwrap();
    // The seed's competencies of 29-1141 (the seed has no O*NET elements) all come with CIP
    // evidence naming the occupation.
    for k in rn["competencies"].as_array().unwrap() {
        let s = suggestions
            .iter()
            .find(|s| &s["competency"] == k)
            .unwrap_or_else(|| panic!("{k} suggested: {body:#}"));
        let cip = s["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["basis"] == "cip")
            .unwrap_or_else(|| panic!("{k} has CIP evidence: {s}"));
        assert_eq!(cip["cip"], "51.3801");
        assert!(
            cip["occupations"].as_array().unwrap().contains(&json!("29-1141")),
            "{cip}"
        );
        let score = s["score"].as_f64().unwrap();
        assert!(score > 0.0 && score <= 1.0, "{s}");
    }
    // The course's words reach the competencies named like them.
    let assess = suggestions
        .iter()
        .find(|s| s["competency"] == "hc.t7.patient-assessment")
        .unwrap();
    let bases: Vec<&str> = assess["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["basis"].as_str().unwrap())
        .collect();
    assert!(bases.contains(&"text"), "{assess}");
    let scores: Vec<f64> = suggestions.iter().map(|s| s["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");

    let (status, _) = app.get_json("/v1/courses/nope/suggested-competencies").await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get_json("/v1/courses/cc.nur-099/suggested-competencies?min_score=2")
        .await;
    assert_eq!(status, 422);

    // Bulk: the review sheet lists the untagged course; the patch sheet imports back.
    let text = app.get("/v1/suggested-competencies").await.text().await.unwrap();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        vec![
            "accept",
            "course",
            "competency",
            "score",
            "basis",
            "evidence",
            "course_title",
            "competency_name"
        ]
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert!(
        rows.iter()
            .any(|r| &r[1] == "cc.nur-099" && &r[2] == "hc.t7.clinical-judgment" && r[4].contains("cip"))
    );
    let patch = app
        .get("/v1/suggested-competencies?layout=patch")
        .await
        .text()
        .await
        .unwrap();
    let mut rd = csv::Reader::from_reader(patch.as_bytes());
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["id", "competencies"]
    );
    let row = rd
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[0] == "cc.nur-099")
        .expect("the untagged course has a patch row");
    let ids: Vec<&str> = row[1].split(';').collect();
    assert!(ids.contains(&"hc.t7.care-planning"), "{ids:?}");
    // Accepting the row: the ids are valid competencies, so the course imports with them.
    let (status, body) = app
        .import(
            "merge",
            &json!({"courses": [{"id": "cc.nur-099", "title": "Nursing Concepts", "system": "postsecondary",
            "hours": 45, "credits": 3, "codes": {"cip": "51.3801"}, "competencies": ids}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, after) = app.get_json("/v1/courses/cc.nur-099/suggested-competencies").await;
    assert!(
        after["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| !ids.contains(&s["competency"].as_str().unwrap())),
        "accepted tags are not proposed again: {after}"
    );
}

#[tokio::test]
async fn supply_against_demand_flags_under_and_over_supply() {
    let app = app_with(analytics_catalog()).await;
    let (status, body) = app.get_json("/v1/reports/supply?region=US").await;
    assert_eq!(status, 200, "{body}");
    let rows = body["occupations"].as_array().unwrap();
    let row = |soc: &str| {
        rows.iter()
            .find(|r| r["soc"] == soc)
            .unwrap_or_else(|| panic!("{soc}: {body}"))
    };
    // 300 completers for 1000 openings; 500 for 250; unknown completers for 400.
    assert_eq!(row("49-3023")["completers"], 300.0);
    assert_eq!(row("49-3023")["ratio"], 0.3);
    assert_eq!(row("49-3023")["status"], "under_supply");
    assert_eq!(row("17-3013")["ratio"], 2.0);
    assert_eq!(row("17-3013")["status"], "over_supply");
    assert_eq!(row("29-2072")["status"], "unknown");
    assert_eq!(row("29-2072")["credentials_without_figures"], json!(["cert-health"]));
    assert_eq!(rows[0]["soc"], "49-3023", "under-supply first");
    assert_eq!(
        body["counts"],
        json!({"under_supply": 1, "over_supply": 1, "unknown": 1})
    );

    let (_, tight) = app
        .get_json("/v1/reports/supply?under=0.2&over=3&status=balanced")
        .await;
    assert_eq!(tight["occupations"].as_array().unwrap().len(), 2, "{tight}");

    let text = app.get("/v1/reports/supply?format=csv").await.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "soc,title,annual_openings,completers,ratio,status,credentials,credentials_without_figures"
    );
    assert_eq!(
        lines[1],
        "49-3023,Automotive Technicians,1000,300,0.3,under_supply,cert-auto,"
    );

    for bad in ["under=2&over=1", "status=short", "region=ZZ", "format=xml"] {
        let (status, body) = app.get_json(&format!("/v1/reports/supply?{bad}")).await;
        assert_eq!(status, 422, "{bad}: {body}");
    }
}

#[tokio::test]
async fn the_alignment_report_compares_dataset_versions() {
    let app = app_with(analytics_catalog()).await;
    let v = app.version().await;
    let (status, body) = app.get_json(&format!("/v1/reports/alignment?compare={v}")).await;
    assert_eq!(status, 200, "{body}");
    let cmp = &body["comparison"];
    assert_eq!(cmp["dataset_version"], v);
    let indicators = cmp["indicators"].as_array().unwrap();
    assert!(indicators.len() > 10, "{cmp}");
    assert!(
        indicators
            .iter()
            .all(|i| i["change"] == 0.0 && i["value"] == i["compared"]),
        "{cmp}"
    );
    let hours = indicators
        .iter()
        .find(|i| i["indicator"] == "hours_duplicated_without_articulation")
        .unwrap();
    assert_eq!(hours["value"], body["hours_duplicated_without_articulation"]);

    // A newer version: the store keeps the data of the newest 20 versions (the test settings,
    // as `CAREERMAP_KEEP_VERSIONS` by default), so the previous one is compared.
    let (status, _) = app
        .import(
            "merge",
            &json!({"articulations": [{"id": "art.draft", "from": "adult.cad", "to": "cc.dft-110",
            "credits": 3, "kind": "prior_learning"}]}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app.get_json(&format!("/v1/reports/alignment?compare={v}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["comparison"]["dataset_version"], v);
    let (status, body) = app.get_json("/v1/reports/alignment?compare=999").await;
    assert_eq!(status, 404, "{body}");
    let text = app
        .get(&format!("/v1/reports/alignment?compare={}&format=csv", v + 1))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("comparison,dead_ends:all,change,0\n"), "{text}");

    // A store that keeps one version has dropped the previous one's data, and says so (409).
    let one = spawn_http(|http| http.keep_versions = 1).await;
    let (status, body) = one.import("replace", &analytics_catalog()).await;
    assert_eq!(status, 200, "{body}");
    let old = one.version().await;
    let (status, body) = one
        .import(
            "merge",
            &json!({"articulations": [{"id": "art.draft", "from": "adult.cad", "to": "cc.dft-110",
            "credits": 3, "kind": "prior_learning"}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = one.get_json(&format!("/v1/reports/alignment?compare={old}")).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["type"], "/problems/version-not-retained");
    assert!(body["detail"].as_str().unwrap().contains(&old.to_string()), "{body}");
}

/// Every number in every analytics answer, walked.
fn negative_zeros(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Number(n) if n.as_f64().is_some_and(|x| x == 0.0 && x.is_sign_negative()) => {
            out.push(path.to_owned());
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| negative_zeros(x, &format!("{path}[{i}]"), out)),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| negative_zeros(x, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

#[tokio::test]
async fn no_negative_zero_in_any_answer() {
    for seed in [true, false] {
        let app = spawn_with(Options {
            seed,
            ..Default::default()
        })
        .await;
        if !seed {
            let (status, body) = app.import("replace", &analytics_catalog()).await;
            assert_eq!(status, 200, "{body}");
        }
        let v = app.version().await;
        let paths = [
            "/v1/duplicates?limit=100000".to_owned(),
            "/v1/duplicates?measure=containment&min_overlap=0.1&limit=100000".to_owned(),
            "/v1/gaps?limit=100000&tier_min=1".to_owned(),
            format!("/v1/reports/alignment?limit=100000&compare={v}"),
            "/v1/reports/supply?limit=100000".to_owned(),
            "/v1/suggested-competencies?format=json&all=true&limit=50".to_owned(),
        ];
        for p in &paths {
            let (status, body) = app.get_json(p).await;
            assert_eq!(status, 200, "{p}: {body}");
            let mut bad = Vec::new();
            negative_zeros(&body, "", &mut bad);
            assert!(bad.is_empty(), "{p}: negative zero at {bad:?}");
            // And a raw `-0` never appears in the text either.
            let text = app.get(p).await.text().await.unwrap();
            assert!(
                !text.contains(":-0.0") && !text.contains(":-0,") && !text.contains(":-0}"),
                "{p}"
            );
        }
        for p in [
            "/v1/reports/alignment?format=csv",
            "/v1/gaps?format=csv&tier_min=1",
            "/v1/duplicates?format=csv",
            "/v1/reports/supply?format=csv",
        ] {
            let text = app.get(p).await.text().await.unwrap();
            assert!(
                !text.split([',', '\n']).any(|c| c == "-0" || c == "-0.0"),
                "{p}: {text}"
            );
        }
    }
}
