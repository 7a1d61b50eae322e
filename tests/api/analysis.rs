//! Duplicates, gaps and the alignment report over HTTP: a hand-made catalog with one known gap
//! of every kind and known duplicates across three systems, and the seed's deliberate
//! imperfections.

use crate::common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Known facts:
/// - `hs.intro` (secondary), `adult.intro` (adult) and `cc.intro` (postsecondary) teach the same
///   competencies; only `hs.intro -> cc.intro` is articulated. `hs.weld ~ cc.weld` is
///   articulated with partial credit (2 of 4).
/// - `adult.intro` contains `cc.intro` without articulation: missing_articulation, 45 hours.
/// - `cert-dead` (level 1, 29-0002) stacks into nothing while `assoc` (level 3) serves 29-0001.
/// - `k.cloud`, required by 29-0001, is taught by nothing.
/// - 15-0004 is high demand with no entry credential: no pathway.
/// - 49-0003 (high demand) needs `cc.adv`, whose prerequisite is secondary only.
fn gap_catalog() -> Value {
    let comp = |id: &str| json!({"id": id, "name": id, "tier": 5});
    let demand = |open: u32, wage: u32| json!([{"region": "US", "annual_openings": open, "median_wage": wage}]);
    let competencies: Vec<Value> = ["k.a", "k.b", "k.c", "k.d", "k.e", "k.f", "k.g", "k.cloud"]
        .into_iter()
        .map(comp)
        .collect();
    json!({
        "competencies": competencies,
        "courses": [
            {"id": "hs.intro", "title": "Intro (HS)", "system": "secondary", "hours": 120, "credits": 1, "competencies": ["k.a", "k.b"]},
            {"id": "adult.intro", "title": "Intro (adult)", "system": "adult", "hours": 60, "competencies": ["k.a", "k.b"]},
            {"id": "cc.intro", "title": "Intro (college)", "system": "postsecondary", "hours": 45, "credits": 3, "competencies": ["k.a", "k.b"]},
            {"id": "hs.weld", "title": "Welding (HS)", "system": "secondary", "hours": 150, "credits": 1, "competencies": ["k.c", "k.d"]},
            {"id": "cc.weld", "title": "Welding I", "system": "postsecondary", "hours": 60, "credits": 4, "competencies": ["k.c", "k.d"]},
            {"id": "hs.lab", "title": "Lab (HS)", "system": "secondary", "hours": 120, "credits": 1, "competencies": ["k.f"]},
            {"id": "cc.adv", "title": "Advanced", "system": "postsecondary", "hours": 45, "credits": 3, "competencies": ["k.e"],
             "prerequisites": [{"choose": 1, "from": ["hs.lab"]}]}
        ],
        "credentials": [
            {"id": "cert-intro", "title": "Intro certificate", "kind": "certificate", "level": 1,
             "requires": [{"choose": 1, "from": ["cc.intro"]}], "stacks_into": ["assoc"]},
            {"id": "assoc", "title": "Associate", "kind": "associate", "level": 3,
             "requires": [{"choose": 1, "from": ["cert-intro"]}, {"choose": 1, "from": ["cc.weld"]}]},
            {"id": "cert-dead", "title": "Dead-end certificate", "kind": "certificate", "level": 1,
             "requires": [{"choose": 1, "from": ["cc.weld"]}]},
            {"id": "cert-adv", "title": "Advanced certificate", "kind": "certificate", "level": 2,
             "requires": [{"choose": 1, "from": ["cc.adv"]}]}
        ],
        "occupations": [
            {"soc": "29-0001", "title": "Assoc job", "competencies": ["k.a", "k.cloud"], "entry_credentials": ["assoc"], "demand": demand(100, 50000)},
            {"soc": "29-0002", "title": "Dead-end job", "competencies": ["k.c"], "entry_credentials": ["cert-dead"], "demand": demand(200, 40000)},
            {"soc": "49-0003", "title": "Secondary-only job", "competencies": ["k.e"], "entry_credentials": ["cert-adv"], "demand": demand(300, 60000)},
            {"soc": "15-0004", "title": "Unmapped job", "competencies": ["k.g"], "entry_credentials": [], "demand": demand(5000, 90000)}
        ],
        "articulations": [
            {"id": "art.full", "from": "hs.intro", "to": "cc.intro", "credits": 3, "kind": "dual_enrollment"},
            {"id": "art.partial", "from": "hs.weld", "to": "cc.weld", "credits": 2, "kind": "statewide_agreement"}
        ]
    })
}

async fn app_with(bundle: Value) -> TestApp {
    spawn_imported(&bundle).await
}

fn pairs(body: &Value) -> Vec<(String, String, f64, bool)> {
    body["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["a"].as_str().unwrap().to_owned(),
                p["b"].as_str().unwrap().to_owned(),
                p["jaccard"].as_f64().unwrap(),
                p["articulated"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn s(x: &str) -> String {
    x.to_owned()
}

#[tokio::test]
async fn duplicates_across_three_systems_with_and_without_articulation() {
    let app = app_with(gap_catalog()).await;
    let (status, body) = app.get_json("/v1/duplicates?min_overlap=0.5&basis=competencies").await;
    assert_eq!(status, 200, "{body}");
    // The welding agreement grants 2 of 4 credits: linked, but not `articulated` (partial).
    assert_eq!(
        pairs(&body),
        vec![
            (s("adult.intro"), s("cc.intro"), 1.0, false),
            (s("adult.intro"), s("hs.intro"), 1.0, false),
            (s("cc.intro"), s("hs.intro"), 1.0, true),
            (s("cc.weld"), s("hs.weld"), 1.0, false),
        ]
    );
    let labels: Vec<&str> = body["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["articulation"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["none", "none", "full", "partial"]);
    assert_eq!(body["pairs"][0]["shared"], json!(["k.a", "k.b"]));
    assert_eq!(
        body["clusters"],
        json!([["adult.intro", "cc.intro", "hs.intro"], ["cc.weld", "hs.weld"]])
    );

    let (_, body) = app
        .get_json("/v1/duplicates?unarticulated=true&basis=competencies")
        .await;
    assert_eq!(
        body["total"], 3,
        "the two adult pairs and the partial one are not fully articulated: {body}"
    );
    assert_eq!(
        body["clusters"],
        json!([["adult.intro", "cc.intro", "hs.intro"], ["cc.weld", "hs.weld"]])
    );
    let (_, body) = app
        .get_json("/v1/duplicates?systems=secondary,postsecondary&basis=competencies")
        .await;
    assert_eq!(
        pairs(&body).into_iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(),
        vec![(s("cc.intro"), s("hs.intro")), (s("cc.weld"), s("hs.weld"))]
    );

    let r = app.get("/v1/duplicates?format=csv&basis=competencies").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = r.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], DUPLICATES_CSV_HEADER);
    assert_eq!(
        lines[1],
        "adult.intro,cc.intro,1,k.a;k.b,false,adult,postsecondary,0,competencies,1,,,,none"
    );
    assert_eq!(lines.len(), 5);

    for bad in ["0", "1.5", "-0.2", "nan"] {
        let (status, body) = app.get_json(&format!("/v1/duplicates?min_overlap={bad}")).await;
        assert_eq!(status, 422, "min_overlap={bad}: {body}");
        assert_eq!(body["type"], "/problems/invalid-request");
    }
}

fn gap_set(body: &Value) -> BTreeSet<(String, Vec<String>, i64, Option<String>)> {
    body["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            for field in ["detail", "suggestion", "element"] {
                assert!(g[field].as_str().is_some_and(|t| !t.is_empty()), "{field} in {g}");
            }
            (
                g["kind"].as_str().unwrap().to_owned(),
                g["subjects"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_owned())
                    .collect(),
                g["severity"].as_f64().unwrap() as i64,
                g["entry"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn gap(
    kind: &str,
    subjects: &[&str],
    severity: i64,
    entry: Option<&str>,
) -> (String, Vec<String>, i64, Option<String>) {
    (
        kind.into(),
        subjects.iter().map(|x| x.to_string()).collect(),
        severity,
        entry.map(Into::into),
    )
}

#[tokio::test]
async fn known_gaps_of_every_kind() {
    let app = app_with(gap_catalog()).await;
    let (status, body) = app.get_json("/v1/gaps").await;
    assert_eq!(status, 200, "{body}");
    let want: BTreeSet<_> = [
        gap("missing_articulation", &["adult.intro", "cc.intro"], 45, None),
        gap("partial_credit", &["art.partial", "hs.weld", "cc.weld"], 2, None),
        gap("dead_end_credential", &["cert-dead", "29-0002"], 2, None),
        gap("uncovered_competency", &["k.cloud", "29-0001"], 1, None),
        gap("no_pathway", &["15-0004"], 5000, None),
        gap("missing_entry_point", &["49-0003"], 300, Some("adult")),
        gap("missing_entry_point", &["49-0003"], 300, Some("postsecondary")),
    ]
    .into();
    assert_eq!(gap_set(&body), want);
    assert_eq!(body["total"], 7);
    let kinds: Vec<&str> = body["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[0], "missing_articulation", "sorted by kind");
    assert_eq!(body["gaps"][0]["element"], "POS 7: credit transfer agreements");

    // Per entry point: the adult learner has no pathway to either high-demand occupation.
    let (_, body) = app
        .get_json("/v1/gaps?entry=adult&kind=no_pathway,missing_entry_point")
        .await;
    let want: BTreeSet<_> = [
        gap("no_pathway", &["15-0004"], 5000, Some("adult")),
        gap("no_pathway", &["49-0003"], 300, Some("adult")),
        gap("missing_entry_point", &["49-0003"], 300, Some("adult")),
    ]
    .into();
    assert_eq!(gap_set(&body), want);

    // Paging and counts.
    let (_, body) = app.get_json("/v1/gaps?limit=2&offset=1").await;
    assert_eq!(body["gaps"].as_array().unwrap().len(), 2);
    assert_eq!(body["total"], 7);
    assert_eq!(body["counts"]["missing_entry_point"], 2);

    // A lower containment finds nothing more here; policy percentiles change what is high demand.
    let (_, body) = app
        .get_json("/v1/gaps?kind=no_pathway&min_openings_percentile=0&min_wage_percentile=0")
        .await;
    assert_eq!(body["total"], 1);

    let r = app.get("/v1/gaps?format=csv&kind=partial_credit").await;
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = r.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "partial_credit");
    assert_eq!(&rows[0][6], "art.partial;hs.weld;cc.weld");

    for bad in [
        "kind=nope",
        "entry=prison",
        "region=ZZ",
        "containment=0",
        "min_wage_percentile=2",
        "format=xml",
        "limit=100001",
    ] {
        let (status, body) = app.get_json(&format!("/v1/gaps?{bad}")).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert_eq!(body["type"], "/problems/invalid-request", "{bad}");
    }
}

#[tokio::test]
async fn alignment_report_indicators_and_complexity() {
    let app = app_with(gap_catalog()).await;
    let (status, body) = app.get_json("/v1/reports/alignment?region=US").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["high_demand_occupations"], json!(["15-0004", "49-0003"]));
    let share: Vec<(&str, u64, f64)> = body["pathway_share"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["entry"].as_str().unwrap(),
                s["reachable"].as_u64().unwrap(),
                s["share"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        share,
        vec![("secondary", 1, 0.5), ("adult", 0, 0.0), ("postsecondary", 0, 0.0)]
    );
    assert_eq!(body["transitions"][0]["from"], "secondary");
    assert_eq!(body["transitions"][0]["transitions"], 2);
    assert_eq!(body["transitions"][0]["articulated"], 2);
    assert_eq!(body["transitions"][1]["from"], "adult");
    assert_eq!(body["transitions"][1]["transitions"], 1);
    assert_eq!(body["transitions"][1]["share"], 0.0);
    assert_eq!(body["hours_duplicated_without_articulation"], 45.0);
    assert_eq!(body["dead_ends"], json!(["cert-dead"]));
    assert_eq!(body["gaps_by_kind"]["missing_entry_point"], 2);
    assert_eq!(body["top_gaps"].as_array().unwrap().len(), 7);
    let adv = body["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["credential"] == "cert-adv")
        .expect("cert-adv has a complexity");
    assert_eq!(adv["structural_complexity"], 5, "{adv}");
    assert_eq!(
        adv["courses"],
        json!([{"course": "cc.adv", "delay": 2, "blocking": 0}, {"course": "hs.lab", "delay": 2, "blocking": 1}])
    );

    let r = app.get("/v1/reports/alignment?format=csv").await;
    assert_eq!(r.status().as_u16(), 200);
    let text = r.text().await.unwrap();
    assert!(text.starts_with("section,subject,metric,value\n"), "{text}");
    assert!(text.contains("pathway_share,secondary,share,0.5\n"), "{text}");
    assert!(text.contains("credential,cert-adv,structural_complexity,5\n"), "{text}");
    assert!(text.contains("course,cert-adv/hs.lab,blocking,1\n"), "{text}");
}

/// Every deliberate imperfection listed in seed/README.md shows up.
#[tokio::test]
async fn seed_imperfections_show_up_as_gaps_and_duplicates() {
    let app = spawn_seeded().await;

    let (status, body) = app.get_json("/v1/duplicates?min_overlap=0.5&basis=competencies").await;
    assert_eq!(status, 200);
    let dup = pairs(&body);
    let find = |a: &str, b: &str| dup.iter().find(|p| p.0 == a && p.1 == b).cloned();
    // #2: identical, unarticulated; #3: identical, articulated; #5: adult vs postsecondary.
    assert_eq!(
        find("cc.hit-105", "hs.medical-terminology"),
        Some((s("cc.hit-105"), s("hs.medical-terminology"), 1.0, false))
    );
    assert_eq!(
        find("cc.cis-110", "hs.it-essentials"),
        Some((s("cc.cis-110"), s("hs.it-essentials"), 1.0, true))
    );
    assert_eq!(
        find("adult.mfg-safety", "cc.mfg-101"),
        Some((s("adult.mfg-safety"), s("cc.mfg-101"), 1.0, false))
    );
    for (a, b) in [
        ("cc.mac-101", "hs.machining"),
        ("cc.mfg-110", "hs.blueprint"),
        ("cc.cis-130", "hs.networking"),
        ("cc.ems-110", "hs.emt"),
        ("adult.welding-intro", "cc.wld-101"),
    ] {
        assert_eq!(find(a, b).map(|p| p.3), Some(true), "articulated look-alike {a} ~ {b}");
    }

    let (status, body) = app.get_json("/v1/gaps?limit=1000").await;
    assert_eq!(status, 200);
    let all = gap_set(&body);
    let has = |kind: &str, subjects: &[&str], entry: Option<&str>| {
        all.iter().any(|g| {
            g.0 == kind && g.1 == subjects.iter().map(|x| x.to_string()).collect::<Vec<_>>() && g.3.as_deref() == entry
        })
    };
    // #1
    assert!(
        has("dead_end_credential", &["phlebotomy-cpt", "31-9097"], None),
        "{all:?}"
    );
    // #2 and #5
    assert!(has(
        "missing_articulation",
        &["hs.medical-terminology", "cc.hit-105"],
        None
    ));
    assert!(has("missing_articulation", &["adult.mfg-safety", "cc.mfg-101"], None));
    // #3: the articulated duplicate is not a gap.
    assert!(
        !all.iter()
            .any(|g| g.0 == "missing_articulation" && g.1.contains(&s("hs.it-essentials")))
    );
    // #4
    assert!(has(
        "partial_credit",
        &["art.hs-welding-wld101", "hs.welding", "cc.wld-101"],
        None
    ));
    assert!(has(
        "partial_credit",
        &["art.epa608-hvc110", "epa-608", "cc.hvc-110"],
        None
    ));
    // #6
    assert!(has("uncovered_competency", &["it.t7.cloud-security", "15-1212"], None));
    // #7
    assert!(has("missing_entry_point", &["49-9041"], Some("adult")));
    assert!(has("missing_entry_point", &["49-9041"], Some("postsecondary")));
    assert!(!has("missing_entry_point", &["49-9041"], Some("secondary")));
    for entry in ["adult", "postsecondary"] {
        let (_, body) = app.get_json(&format!("/v1/gaps?kind=no_pathway&entry={entry}")).await;
        assert!(
            gap_set(&body).iter().any(|g| g.1 == vec![s("49-9041")]),
            "no_pathway for {entry}: {body}"
        );
    }
    let (_, body) = app.get_json("/v1/gaps?kind=no_pathway&entry=secondary").await;
    assert!(!gap_set(&body).iter().any(|g| g.1 == vec![s("49-9041")]));

    let (status, body) = app.get_json("/v1/reports/alignment").await;
    assert_eq!(status, 200);
    assert_eq!(body["dead_ends"], json!(["phlebotomy-cpt"]));
    assert!(body["hours_duplicated_without_articulation"].as_f64().unwrap() >= 90.0);
    assert!(
        body["high_demand_occupations"]
            .as_array()
            .unwrap()
            .contains(&json!("49-9041"))
    );
}
