//! Credential Engine CTDL: pathways with their components and conditions, the round trip of a
//! pathway through a career map exported as CTDL, credentials, courses and programs, and
//! credential-to-occupation links from `occupationType` (imported and exported).

use crate::*;

#[actix_web::test]
async fn ctdl_pathways_keep_their_components_and_conditions() {
    need_shared_data!("ctdl/pathways-repo/PathwayConditions.json");
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let job = app
        .pull_ok(
            "ctdl",
            &format!("{up}/ok/data/ctdl/pathways-repo/PathwayConditions.json"),
        )
        .await;
    assert_eq!(job["counts"]["pathways"], 1);
    assert_eq!(job["counts"]["components"], 6);
    let snap = app.catalog.snapshot();
    let p = &snap.bundle().pathways[0];
    assert_eq!(p.id, "http://example.edu/a7f231f4-21cb-4ba3-8c03-4f7a5f67781c");
    assert_eq!(
        p.destination,
        ["http://example.edu/b5107f1f-07a3-49fc-827f-14ccc318dcdf"]
    );
    assert_eq!(p.components.len(), 6);
    let comp = |suffix: &str| p.components.iter().find(|c| c.id.ends_with(suffix)).unwrap();
    let credential = comp("b5107f1f-07a3-49fc-827f-14ccc318dcdf");
    assert_eq!(credential.kind, "CredentialComponent");
    assert_eq!(
        credential.has_child,
        ["http://example.edu/ec05c0e5-3215-4707-a58e-2123d35ffd38"]
    );
    assert_eq!(credential.conditions[0].required_number, Some(1));
    let assessment = comp("ec05c0e5-3215-4707-a58e-2123d35ffd38");
    assert_eq!(assessment.kind, "AssessmentComponent");
    assert_eq!(assessment.has_child.len(), 4);
    let either = &assessment.conditions[0];
    assert_eq!(either.logical_operator.as_deref(), Some("OR"));
    assert_eq!(either.conditions.len(), 2);
    assert_eq!(either.conditions[0].required_number, Some(2));
    assert_eq!(either.conditions[0].target_components.len(), 3);
    assert_eq!(either.conditions[1].required_number, Some(1));
    let course_a = comp("2a45a345-8431-4a01-b645-a103d0d40ab");
    assert_eq!(course_a.name.as_deref(), Some("Course A"));
    assert_eq!(
        comp("051a2f7a-ab1c-491a-8d97-abb4a4d83915").kind,
        "CourseComponent",
        "ceterms: prefix"
    );
    assert_eq!(app.get_value("/health").await["counts"]["pathways"], 1);
}

const IRI: &str = "urn:careermap:";

/// The catalog id a pulled pathway component became (see `src/sources/ctdl.rs`).
fn component_item(c: &careermap::domain::PathwayComponent) -> String {
    c.target
        .as_ref()
        .map(|t| t.as_str().to_owned())
        .or_else(|| c.ctid.clone())
        .unwrap_or_else(|| c.id.clone())
}

/// `(required number, target item ids)` of a condition and its nested conditions; a condition
/// without targets that nests nothing counts the component's children.
fn imported_conditions(
    c: &careermap::domain::ComponentCondition,
    comp: &careermap::domain::PathwayComponent,
    item: &HashMap<String, String>,
    out: &mut Vec<(u64, Vec<String>)>,
) {
    let targets = if !c.target_components.is_empty() {
        &c.target_components
    } else if c.conditions.is_empty() {
        &comp.has_child
    } else {
        &c.target_components
    };
    if let Some(n) = c.required_number {
        out.push((n as u64, targets.iter().filter_map(|t| item.get(t).cloned()).collect()));
    }
    for x in &c.conditions {
        imported_conditions(x, comp, item, out);
    }
}

/// Pulls a CTDL pathway, plans a career map to its destination credential and exports it as
/// CTDL; checks that the export keeps the components (names) and conditions (required numbers)
/// of the import. Returns the job and the exported graph.
async fn ctdl_round_trip(app: &TestApp, url: &str) -> (Value, Vec<Value>) {
    let job = app.pull("ctdl", url).await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    let snap = app.catalog.snapshot();
    let p = snap
        .bundle()
        .pathways
        .iter()
        .find(|p| p.provenance.as_ref().and_then(|v| v.url.as_deref()) == Some(url))
        .expect("the pathway is kept")
        .clone();
    let item: HashMap<String, String> = p.components.iter().map(|c| (c.id.clone(), component_item(c))).collect();
    let by_item: HashMap<&str, &careermap::domain::PathwayComponent> =
        p.components.iter().map(|c| (item[&c.id].as_str(), c)).collect();
    let dest = item[&p.destination[0]].clone();

    let body = json!({"target": {"credential": dest}, "entry": "postsecondary",
        "learner": {"completed_courses": [], "credentials": [], "competencies": []}});
    let plan: Value = career_map(app, body.clone()).await.1;
    let steps: Vec<String> = plan["paths"][0]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("a plan to {dest}: {plan:#}"))
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(steps.contains(&dest), "{plan:#}");
    let (status, ld) = career_map_as(app, "ctdl", body).await;
    assert_eq!(status, 200);
    let graph = ld["@graph"].as_array().unwrap().clone();
    let pathway = &graph[0];
    assert_eq!(pathway["@type"], "ceterms:Pathway");
    assert_eq!(
        pathway["ceterms:hasDestinationComponent"],
        format!("{IRI}credential:{dest}")
    );
    // Pathway components (the credential resources they point to follow them).
    let components: HashMap<String, &Value> = graph[1..]
        .iter()
        .filter(|c| c["@type"].as_str().is_some_and(|t| t.ends_with("Component")))
        .map(|c| (c["ceterms:codedNotation"].as_str().unwrap().to_owned(), c))
        .collect();

    // A component for every step, named as the imported component.
    for s in &steps {
        let c = components
            .get(s)
            .unwrap_or_else(|| panic!("no component for step {s}: {ld:#}"));
        let imported = by_item
            .get(s.as_str())
            .unwrap_or_else(|| panic!("{s} is not a component"));
        assert_eq!(
            c["ceterms:name"]["en-US"].as_str(),
            Some(imported.name.clone().unwrap_or_else(|| imported.id.clone()).as_str()),
            "{s}"
        );
        let kind = if imported.kind == "CredentialComponent" || p.destination.contains(&imported.id) {
            "ceterms:CredentialComponent"
        } else {
            "ceterms:CourseComponent"
        };
        assert_eq!(c["@type"], kind, "{s}");
    }
    let d = components[&dest];
    assert_eq!(d["@id"], format!("{IRI}credential:{dest}"));
    assert_eq!(d["@type"], "ceterms:CredentialComponent");

    // Conditions: every imported condition over steps of the plan is exported with its number.
    for s in &steps {
        let imported = by_item[s.as_str()];
        let mut want = Vec::new();
        for c in &imported.conditions {
            imported_conditions(c, imported, &item, &mut want);
        }
        let exported: Vec<(u64, Vec<String>)> = components[s]["ceterms:hasCondition"]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|c| {
                let targets = c["ceterms:targetComponent"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().split(':').skip(3).collect::<Vec<_>>().join(":"))
                    .collect();
                (
                    c["ceterms:requiredNumber"].as_u64().expect("a required number"),
                    targets,
                )
            })
            .collect();
        for (n, targets) in &exported {
            assert!(
                want.iter()
                    .any(|(m, from)| m == n && targets.iter().all(|t| from.contains(t))),
                "{s}: exported condition {n} of {targets:?} is none of the imported {want:?}"
            );
        }
        let used = want
            .iter()
            .filter(|(_, from)| from.iter().any(|t| steps.contains(t)))
            .count();
        assert!(
            exported.len() >= used.min(1),
            "{s}: imported conditions over plan steps {want:?} were not exported: {:#}",
            components[s]
        );
    }
    (job, graph)
}

/// Our own pathway: a certificate needing 2 of 3 courses, one of which has a prerequisite;
/// `ceasn:hasChild` and `ceterms:hasChild` spellings; a condition with no targets counts the
/// component's children.
#[actix_web::test]
async fn ctdl_pathway_round_trips_through_a_career_map() {
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let url = format!("{up}/ok/fixtures/ctdl_pathway_roundtrip.json");
    let (job, graph) = ctdl_round_trip(&app, &url).await;
    assert_eq!(job["counts"]["component_credentials"], 1, "{job:#}");
    assert_eq!(job["counts"]["component_courses"], 4, "{job:#}");
    let pharm = app
        .get_value("/v1/courses/https%3A%2F%2Fpathways.example.org%2Fpt%2Fpharmacology")
        .await;
    assert_eq!(pharm["credits"], 3.0, "{pharm:#}");
    assert_eq!(pharm["hours"], 45.0);
    assert_eq!(pharm["system"], "postsecondary");
    assert_eq!(pharm["codes"]["local"], "PHT 110");
    assert_eq!(
        pharm["prerequisites"],
        json!([{"choose": 1, "from": ["https://pathways.example.org/pt/terminology"]}]),
        "ceterms:hasChild, no targets"
    );
    // The cheapest plan: terminology, pharmacology and law (105 hours) rather than compounding.
    let node = |id: &str| {
        graph
            .iter()
            .find(|c| c["ceterms:codedNotation"] == format!("https://pathways.example.org/pt/{id}"))
            .unwrap_or_else(|| panic!("{id} in {graph:#?}"))
            .clone()
    };
    let cert = node("certificate");
    assert_eq!(cert["ceterms:name"]["en-US"], "Pharmacy Technician Certificate");
    assert_eq!(cert["ceterms:hasCondition"][0]["ceterms:requiredNumber"], 2);
    assert_eq!(
        cert["ceterms:hasCondition"][0]["ceterms:targetComponent"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        node("pharmacology")["ceterms:hasCondition"][0]["ceterms:requiredNumber"],
        1
    );
    assert!(
        graph
            .iter()
            .all(|c| c["ceterms:codedNotation"] != "https://pathways.example.org/pt/compounding")
    );
}

/// The Credential Engine sample: a credential needing an assessment that needs either 2 of
/// courses B-D or course A (an OR, simplified with a warning), A needing 2 of B-D.
#[actix_web::test]
async fn ctdl_sample_pathway_round_trips_through_a_career_map() {
    need_shared_data!("ctdl/pathways-repo/PathwayConditions.json");
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let url = format!("{up}/ok/data/ctdl/pathways-repo/PathwayConditions.json");
    let (job, graph) = ctdl_round_trip(&app, &url).await;
    let simplified = warning(&job, "or_condition_simplified").expect("the OR is reported");
    assert!(
        simplified["examples"][0]
            .as_str()
            .unwrap()
            .contains("ec05c0e5-3215-4707-a58e-2123d35ffd38"),
        "{simplified}"
    );
    let number = |suffix: &str| {
        graph
            .iter()
            .find(|c| c["@id"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix} in {graph:#?}"))["ceterms:hasCondition"][0]["ceterms:requiredNumber"]
            .clone()
    };
    assert_eq!(
        number("b5107f1f-07a3-49fc-827f-14ccc318dcdf"),
        1,
        "credential: 1 assessment"
    );
    assert_eq!(
        number("ec05c0e5-3215-4707-a58e-2123d35ffd38"),
        1,
        "assessment: course A"
    );
    assert_eq!(number("2a45a345-8431-4a01-b645-a103d0d40ab"), 2, "course A: 2 of B-D");
}

#[actix_web::test]
async fn ctdl_credentials_courses_and_programs_import() {
    need_shared_data!(
        "ctdl/ingest-examples",
        "ctdl/json-validation-schema/test_data/credentialSchema"
    );
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let ex = format!("{up}/ok/data/ctdl/ingest-examples");
    let job = app
        .pull_ok("ctdl", &format!("{ex}/LearningProgram/1/LearningProgram-1-graph.json"))
        .await;
    assert_eq!(job["counts"]["learning_programs"], 1);
    assert_eq!(job["counts"]["courses"], 3);
    let program = app
        .get_value("/v1/courses/ce-23b0e606-545c-4383-8630-f97ec3b190fa")
        .await;
    assert_eq!(program["title"], "Lifelong Learning Accelerator");
    assert_eq!(program["system"], "postsecondary");
    assert_eq!(
        program["parts"],
        json!([
            "ce-7160aae4-5185-4564-95ab-428419974643",
            "ce-3c5e4bbc-40c3-44eb-90c2-3f27d98d88f1",
            "ce-991d72b1-c0fd-4d98-8294-6c47bc3a2122"
        ])
    );
    assert_eq!(program["provenance"]["source"], "ctdl");
    let course = app
        .get_value("/v1/courses/ce-7160aae4-5185-4564-95ab-428419974643")
        .await;
    assert_eq!(course["title"], "Personal Growth Mastery");
    assert_eq!(course["cost"], 995.0);

    let job = app
        .pull_ok("ctdl", &format!("{ex}/Credential/1/Credential-1.json"))
        .await;
    let dropped = warning(&job, "dropped_reference").expect("the program it requires is another document");
    assert!(
        dropped["examples"][0]
            .as_str()
            .unwrap()
            .contains("LearningProgram-2.json")
    );
    let bsc = app
        .get_value("/v1/credentials/ce-edc318c1-aa67-47e2-9638-a8529e6612d4")
        .await;
    assert_eq!(bsc["kind"], "bachelor");
    assert_eq!(bsc["ctid"], "ce-edc318c1-aa67-47e2-9638-a8529e6612d4");
    // Both documents are kept: records are keyed by source and URL.
    assert_eq!(app.get_value("/health").await["counts"]["courses"], 4);

    let td = format!("{up}/ok/data/ctdl/json-validation-schema/test_data/credentialSchema");
    let job = app
        .pull_ok("ctdl", &format!("{td}/2018-03-15_credential_1135_payload.json"))
        .await;
    assert_eq!(job["counts"]["credentials"], 1);
    assert_eq!(app.get_value("/health").await["counts"]["credentials"], 2);
}

/// A CTDL credential whose `occupationType` names an occupation by SOC or O*NET-SOC code
/// qualifies for it with evidence `ctdl`: the occupation lists the link, and a career map, a
/// credential target and the ladder reach the occupation through that credential, saying so.
/// A later CIP-SOC pull that maps the credential's program to the same occupation does not
/// weaken the link (ctdl outranks cip_soc); a re-pull of the document without the claim
/// removes it.
#[actix_web::test]
async fn a_ctdl_credential_with_occupation_type_leads_to_its_occupation() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let fixture = std::fs::read(fixtures().join("ctdl_occupation_type.json")).unwrap();
    server.publish("ctdl.json", fixture.clone());
    let url = format!("{up}/ok/live/ctdl.json");
    let aide = "ce-00000000-0000-4000-8000-0000000000e1";
    let adn = "ce-00000000-0000-4000-8000-0000000000e2";
    let map = |body: Value| {
        let app = &app;
        async move {
            let (status, answer) = career_map(app, body).await;
            assert_eq!(status, 200);
            answer
        }
    };
    let aide_map = json!({"target": {"occupation": "31-1131"}, "entry": "adult"});
    assert_eq!(
        map(aide_map.clone()).await["paths"],
        json!([]),
        "no link before the pull"
    );

    let job = app.pull_ok("ctdl", &url).await;
    assert_eq!(job["counts"]["occupation_links"], 2, "{job:#}");
    assert_eq!(warning(&job, "occupation_type_uncoded").unwrap()["count"], 1);
    assert_eq!(warning(&job, "occupation_type_not_credential").unwrap()["count"], 1);

    // The occupation shows the publisher's claim.
    let na = app.get_value("/v1/occupations/31-1131").await;
    let links = na["programs"].as_array().unwrap_or_else(|| panic!("{na:#}"));
    assert_eq!(links.len(), 1, "{na:#}");
    assert_eq!(links[0]["evidence"], "ctdl");
    assert_eq!(links[0]["credentials"], json!([aide]));
    assert_eq!(links[0]["cip"], "51.3902");
    assert_eq!(links[0]["title"], "State Nurse Aide Certification");
    assert_eq!(links[0]["provenance"]["source"], "ctdl");
    // An O*NET-SOC code in a target-node URL rolls up to its SOC code.
    let rn = app.get_value("/v1/occupations/29-1141").await;
    assert_eq!(rn["programs"][0]["credentials"], json!([adn]), "{rn:#}");
    assert!(rn["programs"][0].get("cip").is_none(), "the degree states no CIP code");

    // A career map reaches the occupation through the credential.
    let after = map(aide_map.clone()).await;
    let path = &after["paths"][0];
    assert_eq!(path["reaches"], json!([aide]), "{after:#}");
    let exit = first_exit(&after, aide);
    assert_eq!(exit["occupations"][0]["soc"], "31-1131");
    assert_eq!(exit["occupations"][0]["evidence"], "ctdl");
    let rn_map = map(json!({"target": {"occupation": "29-1141"}, "entry": "adult"})).await;
    assert_eq!(rn_map["paths"][0]["reaches"], json!([adn]), "{rn_map:#}");

    // The credential as a target, and the ladder, say how it leads to the occupation.
    let cred_map = map(json!({"target": {"credential": aide}, "entry": "adult"})).await;
    assert_eq!(cred_map["target"]["occupations"][0]["soc"], "31-1131");
    assert_eq!(cred_map["target"]["occupations"][0]["evidence"], "ctdl");
    let ladder = app.get_value("/v1/occupations/31-1131/ladder").await;
    let rung = ladder["rungs"]
        .as_array()
        .unwrap_or_else(|| panic!("{ladder:#}"))
        .iter()
        .find(|r| r["credential"] == aide)
        .unwrap_or_else(|| panic!("the certification is a rung: {ladder:#}"));
    assert_eq!(rung["occupations"][0]["evidence"], "ctdl");

    // The crosswalk maps the credential's program (51.3902) to the same occupation: the link
    // is now known two ways and keeps the stronger, the publisher's claim.
    app.pull_ok("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv")).await;
    let na = app.get_value("/v1/occupations/31-1131").await;
    let evidence: Vec<&str> = na["programs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["evidence"].as_str().unwrap())
        .collect();
    assert_eq!(evidence.len(), 2, "{na:#}");
    assert!(evidence.contains(&"ctdl") && evidence.contains(&"cip_soc"), "{na:#}");
    let after = map(aide_map.clone()).await;
    let exit = first_exit(&after, aide);
    assert_eq!(exit["occupations"][0]["evidence"], "ctdl", "{after:#}");

    // The same document re-published without the claim: the link goes with it; the crosswalk
    // link remains and is now the evidence.
    let mut doc: Value = serde_json::from_slice(&fixture).unwrap();
    doc["@graph"][0]
        .as_object_mut()
        .unwrap()
        .remove("ceterms:occupationType");
    server.publish("ctdl.json", serde_json::to_vec(&doc).unwrap());
    let job = app.pull_ok("ctdl", &url).await;
    assert_ne!(job["not_modified"], true, "{job:#}");
    let na = app.get_value("/v1/occupations/31-1131").await;
    let links = na["programs"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{na:#}");
    assert_eq!(links[0]["evidence"], "cip_soc");
    assert_eq!(links[0]["credentials"], json!([aide]));
    let after = map(aide_map).await;
    let exit = first_exit(&after, aide);
    assert_eq!(exit["occupations"][0]["evidence"], "cip_soc", "{after:#}");
}

/// The CTDL export of a career map writes each credential's stated and CTDL links as
/// `ceterms:occupationType` on the credential resource its component points to (never the
/// derived `cip_soc` ones), and a `ctdl` pull of that export into another catalog gives the
/// same credentials the same occupations, with evidence `ctdl`.
#[actix_web::test]
async fn the_ctdl_export_writes_occupation_type_and_a_re_import_keeps_the_links() {
    let (up, server) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    // Two CTDL credentials with occupationType (the aide certification for 31-1131, the ADN
    // for 29-1141), the crosswalk, and two catalog credentials: an RN licence the catalog
    // states for 29-1141 and a BSN whose CIP code the crosswalk maps to 29-1141 (cip_soc only).
    server.publish(
        "ctdl.json",
        std::fs::read(fixtures().join("ctdl_occupation_type.json")).unwrap(),
    );
    app.pull_ok("ctdl", &format!("{up}/ok/live/ctdl.json")).await;
    app.pull_ok("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv")).await;
    let aide = "ce-00000000-0000-4000-8000-0000000000e1";
    let adn = "ce-00000000-0000-4000-8000-0000000000e2";
    let import = |mode: &str, body: Value| {
        let app = &app;
        let url = format!("{}/v1/imports?mode={mode}", app.address);
        async move {
            let r = app
                .client
                .post(url)
                .bearer_auth(TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            assert_eq!(status, 200, "{}", r.text().await.unwrap());
        }
    };
    import(
        "merge",
        json!({"credentials": [
            {"id": "rn-license", "title": "Registered Nurse License", "kind": "license", "level": 4,
             "requires": [{"choose": 1, "from": [adn]}]},
            {"id": "bsn", "title": "Bachelor of Science in Nursing", "kind": "bachelor", "level": 5,
             "requires": [{"choose": 1, "from": ["rn-license"]}], "codes": {"cip": "51.3801"}}]}),
    )
    .await;
    import(
        "patch",
        json!({"occupations": [{"soc": "29-1141", "entry_credentials": ["rn-license"]}]}),
    )
    .await;

    // The occupations a credential leads to, by evidence, as a credential-target map says.
    let leads_to = |app: &TestApp, id: String| {
        let body = json!({"target": {"credential": id}, "entry": "adult"});
        let app_base = app.address.clone();
        let client = app.client.clone();
        async move {
            let r = client
                .post(format!("{app_base}/v1/career-maps"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let answer: Value = r.json().await.unwrap();
            let mut out: Vec<(String, String)> = answer["target"]["occupations"]
                .as_array()
                .unwrap_or_else(|| panic!("{answer:#}"))
                .iter()
                .map(|o| {
                    (
                        o["soc"].as_str().unwrap().to_owned(),
                        o["evidence"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            out.sort();
            out
        }
    };
    let before = |id: &str| leads_to(&app, id.to_owned());
    assert_eq!(before(aide).await, [("31-1131".to_owned(), "ctdl".to_owned())]);
    assert_eq!(before(adn).await, [("29-1141".to_owned(), "ctdl".to_owned())]);
    assert_eq!(
        before("rn-license").await,
        [("29-1141".to_owned(), "stated".to_owned())]
    );
    assert_eq!(before("bsn").await, [("29-1141".to_owned(), "cip_soc".to_owned())]);

    // The export of a map to the BSN passes through all four credentials.
    let body = json!({"target": {"credential": "bsn"}, "entry": "adult"});
    let (status, ld) = career_map_as(&app, "ctdl", body).await;
    assert_eq!(status, 200);
    let graph = ld["@graph"].as_array().unwrap();
    let node = |iri: &str| {
        graph
            .iter()
            .find(|n| n["@id"] == iri)
            .unwrap_or_else(|| panic!("{iri} in {ld:#}"))
    };
    let mut resource_of: HashMap<String, Value> = HashMap::new();
    for id in [aide, adn, "rn-license", "bsn"] {
        let component = node(&format!("{IRI}credential:{id}"));
        assert_eq!(component["@type"], "ceterms:CredentialComponent");
        let resource = node(component["ceterms:sourceData"].as_str().unwrap());
        resource_of.insert(id.to_owned(), resource.clone());
    }
    let occupation_type = |id: &str| -> Vec<String> {
        resource_of[id]["ceterms:occupationType"]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|a| {
                assert_eq!(a["@type"], "ceterms:CredentialAlignmentObject");
                assert_eq!(a["ceterms:framework"], "https://www.bls.gov/soc/");
                a["ceterms:codedNotation"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    assert_eq!(occupation_type(aide), ["31-1131"]);
    assert_eq!(occupation_type(adn), ["29-1141"]);
    assert_eq!(occupation_type("rn-license"), ["29-1141"]);
    assert!(
        occupation_type("bsn").is_empty(),
        "a cip_soc link is derived, not stated: {}",
        resource_of["bsn"]
    );
    assert_eq!(
        resource_of["bsn"]["ceterms:instructionalProgramType"][0]["ceterms:codedNotation"],
        "51.3801"
    );
    assert_eq!(resource_of[aide]["@type"], "ceterms:Certification");
    assert_eq!(resource_of[aide]["ceterms:ctid"], aide);
    assert_eq!(resource_of[adn]["@type"], "ceterms:AssociateDegree");
    assert_eq!(resource_of["rn-license"]["@type"], "ceterms:License");
    assert_eq!(resource_of["bsn"]["@type"], "ceterms:BachelorDegree");

    // Pulled into another catalog with the same occupations: each credential (under its CTID,
    // else the resource's IRI) leads to the occupations it was exported with, by ctdl.
    let other = app_with_fixture_onet(&up).await;
    server.publish("export.json", serde_json::to_vec(&ld).unwrap());
    let job = other.pull_ok("ctdl", &format!("{up}/ok/live/export.json")).await;
    assert_eq!(job["counts"]["occupation_links"], 3, "{job:#}");
    for id in [aide, adn, "rn-license", "bsn"] {
        let resource = &resource_of[id];
        let again = resource["ceterms:ctid"]
            .as_str()
            .unwrap_or_else(|| resource["@id"].as_str().unwrap())
            .to_owned();
        let want: Vec<(String, String)> = occupation_type(id)
            .into_iter()
            .map(|soc| (soc, "ctdl".to_owned()))
            .collect();
        assert_eq!(
            leads_to(&other, again.clone()).await,
            want,
            "{id} re-imported as {again}"
        );
        let kind = other
            .get_value(&format!("/v1/credentials/{}", again.replace(':', "%3A")))
            .await;
        assert_eq!(
            kind["kind"],
            app.get_value(&format!("/v1/credentials/{id}")).await["kind"],
            "{kind:#}"
        );
    }
}
