//! Spreadsheet imports (xlsx workbooks and zips of CSV files), `mode=patch`, `dry_run` and
//! merge warnings, and the template download, over real HTTP.

use crate::common::*;
use calamine::Reader;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const KINDS: [&str; 5] = ["competencies", "courses", "credentials", "occupations", "articulations"];
/// The sheets and columns docs/import-format.md documents, in template order.
const DOCUMENTED: [(&str, &[&str]); 6] = [
    (
        "competencies",
        &["id", "name", "tier", "framework", "parent", "description", "element_id"],
    ),
    (
        "courses",
        &[
            "id",
            "title",
            "system",
            "provider",
            "hours",
            "credits",
            "competencies",
            "prerequisites",
            "codes.sced",
            "codes.cip",
            "codes.local",
            "cost",
            "parts",
            "aliases",
            "i18n.es.title",
        ],
    ),
    (
        "assessments",
        &[
            "id",
            "title",
            "hours",
            "cost",
            "competencies",
            "provider",
            "max_score",
            "prerequisites",
            "source",
        ],
    ),
    (
        "credentials",
        &[
            "id",
            "title",
            "kind",
            "level",
            "requires",
            "competencies",
            "stacks_into",
            "codes.cip",
            "codes.local",
            "ctid",
            "provider",
            "aliases",
            "i18n.es.title",
        ],
    ),
    (
        "occupation_links",
        &[
            "soc",
            "title",
            "entry_credentials",
            "competencies",
            "aliases",
            "i18n.es.title",
        ],
    ),
    (
        "articulations",
        &[
            "id",
            "from",
            "to",
            "credits",
            "kind",
            "source",
            "start_date",
            "end_date",
            "min_score",
        ],
    ),
];

/// The documented columns of `sheet`, in template order (a header row).
fn documented_columns(sheet: &str) -> Vec<&'static str> {
    DOCUMENTED
        .iter()
        .find(|(name, _)| *name == sheet)
        .unwrap_or_else(|| panic!("{sheet} is documented"))
        .1
        .to_vec()
}

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/state-health-science")
}

/// A zip holding `name -> text` files.
fn zip_of(files: &[(&str, String)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The example's CSV files, zipped as a user would.
fn example_csv_zip() -> Vec<u8> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(example_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name = format!("state/{}", path.file_name().unwrap().to_str().unwrap());
            files.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert_eq!(files.len(), 6);
    let files: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    zip_of(&files)
}

/// An xlsx workbook of string cells, one `(sheet, rows)` per sheet.
fn xlsx_of(sheets: &[(&str, Vec<Vec<&str>>)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let Ok(n) = cell.parse::<f64>() {
                    ws.write_number(r as u32, c as u16, n).unwrap();
                } else if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Every record of the catalog, kind by kind.
async fn dump(app: &TestApp) -> Value {
    let mut out = serde_json::Map::new();
    for kind in KINDS {
        let (status, page) = app.get_json(&format!("/v1/{kind}?limit=100")).await;
        assert_eq!(status, 200);
        out.insert(kind.into(), page["items"].clone());
    }
    // Assessments have no list endpoint: the plans that sit them show their hours and fees.
    let mut maps = Vec::new();
    for soc in ["31-1131", "29-2061", "29-1141"] {
        let listed = out["occupations"].as_array().unwrap().iter().any(|o| o["soc"] == soc);
        let (status, map) = app
            .post_json(
                "/v1/career-maps",
                &json!({"target": {"occupation": soc}, "entry": "adult", "k": 2}),
            )
            .await;
        // A catalog without the occupation answers 404 (`/problems/not-found`), alike.
        assert_eq!(status, if listed { 200 } else { 404 }, "{soc}: {map}");
        maps.push(map["paths"].clone());
    }
    out.insert("maps".into(), Value::Array(maps));
    Value::Object(out)
}

/// (sheet, row, column) of each problem of a 422 answer.
fn places(body: &Value) -> Vec<(String, u64, Option<String>)> {
    let mut v: Vec<_> = body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {body}"))
        .iter()
        .map(|e| {
            (
                e["sheet"]
                    .as_str()
                    .unwrap_or_else(|| panic!("no sheet in {e}"))
                    .to_owned(),
                e["row"].as_u64().unwrap(),
                e["column"].as_str().map(str::to_owned),
            )
        })
        .collect();
    v.sort();
    v
}

fn place(sheet: &str, row: u64, column: Option<&str>) -> (String, u64, Option<String>) {
    (sheet.into(), row, column.map(str::to_owned))
}

#[tokio::test]
async fn a_workbook_and_a_csv_zip_import_the_same_catalog_as_the_json_bundle() {
    let bundle: Value = serde_json::from_slice(&std::fs::read(example_dir().join("bundle.json")).unwrap()).unwrap();
    let from_json = spawn_app().await;
    let (status, body) = from_json.import("merge", &bundle).await;
    assert_eq!(status, 200, "{body}");
    let expected = dump(&from_json).await;
    assert_eq!(expected["courses"].as_array().unwrap().len(), 12);
    assert_eq!(expected["occupations"].as_array().unwrap().len(), 4);

    let workbook = std::fs::read(example_dir().join("workbook.xlsx")).unwrap();
    for (what, ctype, bytes) in [
        ("xlsx", XLSX, workbook.clone()),
        ("csv zip", "application/zip", example_csv_zip()),
        ("xlsx sent as a zip", "application/zip", workbook),
    ] {
        let app = spawn_app().await;
        let (status, body) = app.import_bytes("mode=merge", ctype, bytes).await;
        assert_eq!(status, 200, "{what}: {body}");
        assert_eq!(body["received"]["courses"], 12, "{what}");
        assert_eq!(body["received"]["occupations"], 4, "{what}");
        assert_eq!(dump(&app).await, expected, "{what}");
    }

    // The example answers a career map for a real occupation from every entry point.
    for entry in ["secondary", "adult", "postsecondary"] {
        let (status, map) = from_json
            .post_json(
                "/v1/career-maps",
                &json!({"target": {"occupation": "29-1141"}, "entry": entry, "k": 3}),
            )
            .await;
        assert_eq!(status, 200, "{map}");
        assert!(!map["paths"].as_array().unwrap().is_empty(), "{entry}: {map}");
    }
}

/// A catalog with an exam, a credential requiring it and an AP-style credit-by-exam rule.
fn exam_catalog() -> Value {
    json!({
        "competencies": [{"id": "k.bio", "name": "College biology", "tier": 2},
                         {"id": "k.aide", "name": "Nurse aide skills", "tier": 6}],
        "courses": [
            {"id": "c.aide", "title": "Nurse aide training", "system": "adult", "hours": 100, "competencies": ["k.aide"]},
            {"id": "c.bio", "title": "General biology", "system": "postsecondary", "hours": 60, "credits": 4,
             "competencies": ["k.bio"]},
            {"id": "c.pn", "title": "Practical nursing", "system": "postsecondary", "hours": 300, "credits": 10,
             "prerequisites": [{"choose": 1, "from": ["c.bio"]}]}
        ],
        "assessments": [
            {"id": "ex.aide", "title": "State nurse aide competency exam", "hours": 4, "cost": 125,
             "competencies": ["k.aide"], "provider": "State testing vendor",
             "prerequisites": [{"choose": 1, "from": ["c.aide"]}], "source": "seed/README.md#exam-fees"},
            {"id": "ex.ap-bio", "title": "AP Biology exam", "hours": 3, "cost": 99, "competencies": ["k.bio"],
             "provider": "College Board", "max_score": 5}
        ],
        "credentials": [
            {"id": "cred.aide", "title": "Nurse aide certification", "kind": "license", "level": 1,
             "requires": [{"choose": 1, "from": ["c.aide"]}, {"choose": 1, "from": ["ex.aide"]}],
             "stacks_into": ["cred.pn"]},
            {"id": "cred.pn", "title": "Practical nursing certificate", "kind": "certificate", "level": 3,
             "requires": [{"choose": 2, "from": ["c.bio", "c.pn"]}]}
        ],
        "articulations": [
            {"id": "art.ap-bio", "from": "ex.ap-bio", "to": "c.bio", "credits": 4, "kind": "credit_by_exam",
             "min_score": 3, "source": "AP credit policy: AP Biology, score 3 or higher"}
        ],
        "occupations": [
            {"soc": "31-1131", "title": "Nursing Assistants", "entry_credentials": ["cred.aide"]},
            {"soc": "29-2061", "title": "Licensed Practical and Licensed Vocational Nurses", "entry_credentials": ["cred.pn"]}
        ]
    })
}

/// [`exam_catalog`] as a state would type it: one sheet per kind, levels by name.
fn exam_sheets() -> Vec<(&'static str, Vec<Vec<&'static str>>)> {
    vec![
        (
            "competencies",
            vec![
                vec!["id", "name", "tier"],
                vec!["k.bio", "College biology", "2"],
                vec!["k.aide", "Nurse aide skills", "6"],
            ],
        ),
        (
            "courses",
            vec![
                vec![
                    "id",
                    "title",
                    "system",
                    "hours",
                    "credits",
                    "competencies",
                    "prerequisites",
                ],
                vec!["c.aide", "Nurse aide training", "adult", "100", "", "k.aide", ""],
                vec!["c.bio", "General biology", "postsecondary", "60", "4", "k.bio", ""],
                vec![
                    "c.pn",
                    "Practical nursing",
                    "postsecondary",
                    "300",
                    "10",
                    "",
                    "1 of: c.bio",
                ],
            ],
        ),
        (
            "assessments",
            vec![
                documented_columns("assessments"),
                vec!["# exams", "", "", "", "", "", "", "", ""],
                vec![
                    "ex.aide",
                    "State nurse aide competency exam",
                    "4",
                    "125",
                    "k.aide",
                    "State testing vendor",
                    "",
                    "c.aide",
                    "seed/README.md#exam-fees",
                ],
                vec![
                    "ex.ap-bio",
                    "AP Biology exam",
                    "3",
                    "99",
                    "k.bio",
                    "College Board",
                    "5",
                    "",
                    "",
                ],
            ],
        ),
        (
            "credentials",
            vec![
                vec!["id", "title", "kind", "level", "requires", "stacks_into"],
                vec![
                    "cred.aide",
                    "Nurse aide certification",
                    "license",
                    "entry",
                    "1 of: c.aide | ex.aide",
                    "cred.pn",
                ],
                vec![
                    "cred.pn",
                    "Practical nursing certificate",
                    "certificate",
                    "Advanced",
                    "2 of: c.bio; c.pn",
                    "",
                ],
            ],
        ),
        (
            "articulations",
            vec![
                vec!["id", "from", "to", "credits", "kind", "source", "min_score"],
                vec![
                    "art.ap-bio",
                    "ex.ap-bio",
                    "c.bio",
                    "4",
                    "credit_by_exam",
                    "AP credit policy: AP Biology, score 3 or higher",
                    "3",
                ],
            ],
        ),
        (
            "occupation_links",
            vec![
                vec!["soc", "title", "entry_credentials"],
                vec!["31-1131", "Nursing Assistants", "cred.aide"],
                vec![
                    "29-2061",
                    "Licensed Practical and Licensed Vocational Nurses",
                    "cred.pn",
                ],
            ],
        ),
    ]
}

/// An exam, a credential that requires it and an AP-style `min_score` articulation, typed
/// into a workbook (and a zip of CSV files), import as the same catalog as the JSON bundle:
/// the JSON imported over the spreadsheet's catalog as a dry run changes nothing (assessments
/// included, field by field), and the career maps plan the exam and honour the minimum score.
#[tokio::test]
async fn assessments_and_min_scores_import_from_a_workbook_as_from_json() {
    let bundle = exam_catalog();
    let from_json = spawn_app().await;
    let (status, body) = from_json.import("merge", &bundle).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["counts"]["assessments"], 2, "{body}");
    let expected = dump(&from_json).await;

    let sheets = exam_sheets();
    let csv = |rows: &Vec<Vec<&str>>| {
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in rows {
            w.write_record(r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    };
    let files: Vec<(String, String)> = sheets.iter().map(|(n, rows)| (format!("{n}.csv"), csv(rows))).collect();
    let files: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    for (what, ctype, bytes) in [
        ("xlsx", XLSX, xlsx_of(&sheets)),
        ("csv zip", "application/zip", zip_of(&files)),
    ] {
        let app = spawn_app().await;
        let (status, body) = app.import_bytes("mode=merge", ctype, bytes).await;
        assert_eq!(status, 200, "{what}: {body}");
        assert_eq!(body["received"]["assessments"], 2, "{what}: {body}");
        assert_eq!(dump(&app).await, expected, "{what}");
        let version = app.version().await;
        let (status, same) = app.post_json("/v1/imports?mode=merge&dry_run=true", &bundle).await;
        assert_eq!(status, 200, "{what}: {same}");
        assert_eq!(
            same["diff"],
            json!({"added": [], "changed": [], "removed": []}),
            "{what}: the JSON bundle changes nothing"
        );
        assert_eq!(app.version().await, version);

        // The licence's exam is a step of its plan.
        let (status, map) = app
            .post_json(
                "/v1/career-maps",
                &json!({"target": {"occupation": "31-1131"}, "entry": "adult"}),
            )
            .await;
        assert_eq!(status, 200, "{map}");
        let steps: Vec<(&str, &str)> = map["paths"][0]["steps"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: {map}"))
            .iter()
            .map(|s| (s["id"].as_str().unwrap(), s["kind"].as_str().unwrap()))
            .collect();
        assert!(steps.contains(&("ex.aide", "assessment")), "{what}: {steps:?}");
        // An AP score of 3 or more earns the biology credit; a 2 does not.
        for (score, skipped) in [(4, true), (2, false)] {
            let (status, map) = app
                .post_json(
                    "/v1/career-maps",
                    &json!({"target": {"occupation": "29-2061"}, "entry": "postsecondary",
                            "learner": {"assessments": [{"id": "ex.ap-bio", "score": score}]}}),
                )
                .await;
            assert_eq!(status, 200, "{map}");
            let path = &map["paths"][0];
            let skip = path["skipped"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["id"] == "c.bio")
                .cloned();
            assert_eq!(skip.is_some(), skipped, "{what}, AP score {score}: {path}");
            if let Some(skip) = skip {
                assert_eq!(skip["articulated_by"], "ex.ap-bio");
                assert_eq!(skip["articulation"], "art.ap-bio");
            }
        }
    }
}

#[tokio::test]
async fn each_class_of_cell_problem_names_sheet_row_and_column_all_at_once() {
    let app = spawn_app().await;
    let courses = "id,title,system,hours,competencies,prerequisites,colour\n\
                   c1,Course One,college,12,,,\n\
                   c2,Course Two,adult,abc,,,\n\
                   c3,Course Three,adult,10,,two of: c1; c2,\n\
                   ,No id,adult,5,,,\n\
                   c5,Course Five,adult,5,,,blue\n\
                   c5,Course Five again,adult,5,,,\n";
    let credentials = "id,kind,level\ncred1,license,one\ncred2,license,1\n";
    let zip = zip_of(&[
        ("courses.csv", courses.into()),
        ("credentials.csv", credentials.into()),
        ("widgets.csv", "id\nw1\n".into()),
    ]);
    let (status, body) = app.import_bytes("mode=merge", "application/zip", zip).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["type"], "/problems/validation");
    assert_eq!(
        places(&body),
        [
            place("courses", 2, Some("system")),
            place("courses", 3, Some("hours")),
            place("courses", 4, Some("prerequisites")),
            place("courses", 5, Some("id")),
            place("courses", 6, Some("colour")),
            place("courses", 7, Some("id")),
            place("credentials", 2, Some("level")),
            place("credentials", 3, Some("title")),
            place("widgets", 1, None),
        ],
        "{body:#}"
    );
    let messages: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("`abc` is not a number")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("unknown variant `college`")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("2 of: a; b; c")),
        "the syntax is explained: {messages:?}"
    );
    assert_eq!(app.version().await, 0, "nothing written");

    // Problems found when the catalog is checked as a whole (references, ranges) also name
    // the cell, in an xlsx workbook whose second row is a comment.
    let wb = xlsx_of(&[
        (
            "courses",
            vec![
                vec!["id", "title", "system", "hours", "competencies", "prerequisites"],
                vec!["# id", "title", "system", "hours", "; separated", "2 of: a; b"],
                vec!["c1", "One", "adult", "10", "k.none", ""],
                vec!["c2", "Two", "adult", "10", "", "3 of: c1"],
            ],
        ),
        (
            "articulations",
            vec![
                vec!["id", "from", "to", "credits", "kind"],
                vec!["a1", "c1", "c404", "1", "statewide_agreement"],
            ],
        ),
        (
            "occupation_links",
            vec![vec!["soc", "entry_credentials"], vec!["29-1141", "nope"]],
        ),
    ]);
    let (status, body) = app.import_bytes("mode=merge", XLSX, wb).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        places(&body),
        [
            place("articulations", 2, Some("to")),
            place("courses", 3, Some("competencies")),
            place("courses", 4, Some("prerequisites")),
            place("occupation_links", 2, Some("title")),
        ],
        "{body:#}"
    );
    assert_eq!(app.version().await, 0, "nothing written");
}

fn pulled_catalog() -> Value {
    let prov = |source: &str| json!({"source": source, "url": "http://127.0.0.1:1/x", "release": "2024-34", "retrieved_at": "2026-11-30T10:00:00Z"});
    json!({
        "competencies": [{"id": "2.A.1.a", "name": "Reading Comprehension", "tier": 2, "provenance": prov("onet_db")}],
        "credentials": [{"id": "adn", "title": "Associate Degree in Nursing", "kind": "associate", "level": 3}],
        "occupations": [{
            "soc": "29-1141", "title": "Registered Nurses", "job_zone": 3,
            "competencies": ["2.A.1.a"],
            "demand": [{"region": "US", "employment": 3391000.0, "projected_employment": 3588900.0, "growth_pct": 5.8,
                        "annual_openings": 189100.0, "median_wage": 93600.0, "typical_entry_education": "Bachelor's degree",
                        "period": "2024-34", "provenance": prov("bls_projections")}],
            "cluster": "Healthcare & Human Services",
            "programs": [{"cip": "51.3801", "evidence": "crosswalk", "provenance": prov("cip_soc")}],
            "wages": [{"region": "US", "employment": 3282010.0, "annual": {"median": 93600.0, "p90": 135320.0},
                       "hourly": {"median": 45.0}, "provenance": prov("bls_oews")}],
            "onet_codes": ["29-1141.00", "29-1141.01"],
            "provenance": prov("onet_db")
        }]
    })
}

#[tokio::test]
async fn patch_adds_links_and_keeps_pulled_fields_byte_for_byte() {
    let app = spawn_app().await;
    let (status, body) = app.import("replace", &pulled_catalog()).await;
    assert_eq!(status, 200, "{body}");
    let (_, before) = app.get_json("/v1/occupations/29-1141").await;
    assert!(before["entry_credentials"].as_array().unwrap().is_empty());

    let same_but = |after: &Value, changed: &[&str]| {
        let (b, a) = (before.as_object().unwrap(), after.as_object().unwrap());
        for (k, v) in b {
            if !changed.contains(&k.as_str()) {
                assert_eq!(
                    serde_json::to_string(v).unwrap(),
                    serde_json::to_string(&a[k]).unwrap(),
                    "`{k}` must be kept byte for byte"
                );
            }
        }
        for k in a.keys() {
            assert!(b.contains_key(k) || changed.contains(&k.as_str()), "new field `{k}`");
        }
    };

    // A state's workbook links its credential to the pulled occupation (merge, the default).
    let wb = xlsx_of(&[(
        "occupation_links",
        vec![vec!["soc", "title", "entry_credentials"], vec!["29-1141", "", "adn"]],
    )]);
    let (status, body) = app.import_bytes("", XLSX, wb).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["warnings"], json!([]), "a link drops nothing");
    let (_, after) = app.get_json("/v1/occupations/29-1141").await;
    assert_eq!(after["entry_credentials"], json!(["adn"]));
    same_but(&after, &["entry_credentials"]);

    // JSON mode=patch: lists replace lists, null clears, the rest stays.
    let (status, body) = app
        .import(
            "patch",
            &json!({"occupations": [{"soc": "29-1141", "entry_credentials": [], "cluster": null}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, patched) = app.get_json("/v1/occupations/29-1141").await;
    assert_eq!(patched["entry_credentials"], json!([]));
    assert!(patched.get("cluster").is_none(), "null clears: {patched}");
    same_but(&patched, &["entry_credentials", "cluster"]);

    // A patch that would make an invalid record is refused and names it.
    let (status, body) = app
        .import("patch", &json!({"occupations": [{"soc": "29-1141", "demand": "lots"}]}))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["id"], "29-1141");

    // A whole-record merge still replaces, but says which pulled fields it drops.
    let (status, body) = app
        .import(
            "merge",
            &json!({"occupations": [{"soc": "29-1141", "title": "Registered Nurses", "entry_credentials": ["adn"]}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let w = &body["warnings"][0];
    assert_eq!(w["id"], "29-1141");
    let fields: Vec<&str> = w["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for f in ["demand", "wages", "programs", "competencies", "onet_codes"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert!(w["message"].as_str().unwrap().contains("mode=patch"));
}

#[tokio::test]
async fn dry_run_writes_nothing_and_reports_the_diff() {
    let app = spawn_app().await;
    let (status, _) = app.import("replace", &small_bundle()).await;
    assert_eq!(status, 200);
    let version = app.version().await;
    let (_, before) = app.get_json("/v1/courses/adult.cna").await;

    let change = json!({"courses": [
        {"id": "adult.cna", "title": "Nurse Aide Training (2026)", "system": "adult", "hours": 100,
         "competencies": ["k.safety", "k.care"]},
        {"id": "adult.math", "title": "Contextualized Math", "system": "adult", "hours": 40, "competencies": ["k.math"]}
    ]});
    let (status, body) = app.post_json("/v1/imports?mode=merge&dry_run=true", &change).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dry_run"], true);
    assert_eq!(body["dataset_version"], version);
    assert_eq!(body["counts"]["courses"], 4, "what the dataset would hold");
    assert_eq!(
        body["diff"]["added"],
        json!([{"record_kind": "course", "id": "adult.math"}])
    );
    assert_eq!(
        body["diff"]["changed"],
        json!([{"record_kind": "course", "id": "adult.cna", "fields": ["title"]}])
    );
    assert_eq!(body["diff"]["removed"], json!([]));
    assert_eq!(app.version().await, version, "nothing written");
    assert_eq!(app.get_json("/v1/courses/adult.cna").await.1, before);
    assert_eq!(app.get_json("/v1/courses/adult.math").await.0, 404);

    // Replace, as a spreadsheet patch and as an invalid import: still nothing written.
    let only = json!({"competencies": [{"id": "k.safety", "name": "Safety", "tier": 4}]});
    let (status, body) = app.post_json("/v1/imports?mode=replace&dry_run=true", &only).await;
    assert_eq!(status, 200, "{body}");
    let removed = body["diff"]["removed"].as_array().unwrap();
    assert_eq!(removed.len(), 2 + 3 + 2 + 1 + 1, "{body}");
    assert!(removed.contains(&json!({"record_kind": "occupation", "id": "31-1131"})));
    let csv = zip_of(&[("courses.csv", "id,hours\nadult.cna,95\n".into())]);
    let (status, body) = app
        .import_bytes("mode=patch&dry_run=true", "application/zip", csv)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["diff"]["changed"],
        json!([{"record_kind": "course", "id": "adult.cna", "fields": ["hours"]}])
    );
    let (status, _) = app
        .post_json(
            "/v1/imports?dry_run=true",
            &json!({"courses": [{"id": "x", "title": "X", "system": "adult", "hours": 1, "competencies": ["nope"]}]}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(app.version().await, version, "nothing written");
}

#[tokio::test]
async fn templates_open_with_calamine_and_have_the_documented_columns() {
    let app = spawn_app().await;
    let r = app.get("/v1/imports/template?format=xlsx").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], XLSX);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let names: Vec<String> = wb.sheet_names();
    assert_eq!(names, DOCUMENTED.map(|(s, _)| s.to_owned()));
    for (sheet, columns) in DOCUMENTED {
        let range = wb.worksheet_range(sheet).unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows.len(), 2, "{sheet}: header and comment rows only");
        assert_eq!(rows[0], columns, "{sheet}");
        assert!(rows[1][0].starts_with('#'), "{sheet}: the comment row starts with #");
        assert!(rows[1].iter().all(|c| c.len() > 3), "{sheet}: every column explained");
    }
    // The template itself imports as nothing.
    let (status, body) = app.import_bytes("mode=merge", XLSX, bytes).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.version().await, 1);
    assert_eq!(body["counts"]["courses"], 0);

    let r = app.get("/v1/imports/template?format=csv").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for (sheet, columns) in DOCUMENTED {
        let file = zip.by_name(&format!("{sheet}.csv")).unwrap();
        let mut rdr = csv::Reader::from_reader(file);
        let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(header, columns, "{sheet}.csv");
        assert_eq!(rdr.records().count(), 1, "{sheet}.csv: one comment row");
    }
    let (status, body) = app.get_json("/v1/imports/template?format=pdf").await;
    assert_eq!(status, 422);
    assert!(body["detail"].as_str().unwrap().contains("pdf"));

    // The example workbook, read as a spreadsheet user would: its sheets are the CSV files.
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(example_dir().join("workbook.xlsx")).unwrap();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let text = std::fs::read_to_string(example_dir().join(format!("{name}.csv"))).unwrap();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let csv_rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let xlsx_rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(xlsx_rows, csv_rows, "sheet {name}");
    }
}

#[tokio::test]
async fn other_bodies_are_refused_clearly() {
    let app = spawn_app().await;
    let (status, body) = app.import_bytes("", "text/plain", b"id,title".to_vec()).await;
    assert_eq!(status, 415, "{body}");
    let (status, body) = app.import_bytes("", XLSX, b"not a workbook".to_vec()).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("not a zip"));
    let zip = zip_of(&[("notes.txt", "hello".into())]);
    let (status, body) = app.import_bytes("", "application/zip", zip).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("notes.txt"));
    assert_eq!(app.version().await, 0);
}
