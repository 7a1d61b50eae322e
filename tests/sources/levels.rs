//! One credential-level scale across the seed, CTDL and spreadsheets.

use crate::*;

/// The same credential gets the same level whichever way it comes in: the seed's JSON, a
/// pulled CTDL document (which states only the credential's class) and a spreadsheet row that
/// names the level. A CTDL associate degree once came in at 3 and the seed's at 4.
#[actix_web::test]
async fn seed_ctdl_and_spreadsheets_share_one_credential_level_scale() {
    use careermap::domain::{CredentialKind, CredentialLevel};
    // (seed id, CTDL class, spreadsheet kind, level name a state would write)
    let cases = [
        ("hs-diploma", "ceterms:SecondarySchoolDiploma", "diploma", "entry"),
        ("hse", "ceterms:GeneralEducationDevelopment", "hse", "entry"),
        (
            "apprent-electrician",
            "ceterms:ApprenticeshipCertificate",
            "apprenticeship",
            "advanced",
        ),
        ("adn-rn", "ceterms:AssociateDegree", "associate", "associate"),
        ("bsn", "ceterms:BachelorDegree", "bachelor", "bachelor"),
    ];
    let seed: Value = serde_json::from_slice(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/catalog.json")).unwrap(),
    )
    .unwrap();
    let seed_creds = seed["credentials"].as_array().unwrap();
    let seed_level = |id: &str| {
        seed_creds
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("seed has {id}"))["level"]
            .as_u64()
            .unwrap()
    };
    // The whole seed sits on the scale: every level is a named one, and every credential of
    // a kind that fixes its level (degrees, diplomas) is at that level.
    for c in seed_creds {
        let level = c["level"].as_u64().unwrap() as u32;
        assert!(CredentialLevel::from_number(level).is_some(), "{c}");
        let kind: CredentialKind = serde_json::from_value(c["kind"].clone()).unwrap();
        if matches!(
            kind,
            CredentialKind::Diploma
                | CredentialKind::Hse
                | CredentialKind::Associate
                | CredentialKind::Bachelor
                | CredentialKind::Master
                | CredentialKind::Doctorate
        ) {
            assert_eq!(level, CredentialLevel::of_kind(kind).number(), "{c}");
        }
    }

    let (up, server) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let graph: Vec<Value> = cases
        .iter()
        .enumerate()
        .map(|(i, (_, class, _, _))| {
            json!({"@id": format!("https://registry.example.org/resources/ce-lvl-{i}"), "@type": class,
                   "ceterms:ctid": format!("ce-lvl-{i}"), "ceterms:name": {"en-US": format!("Credential {i}")}})
        })
        .collect();
    server.publish("levels.json", serde_json::to_vec(&json!({"@graph": graph})).unwrap());
    app.pull_ok("ctdl", &format!("{up}/ok/live/levels.json")).await;

    let mut sheet = String::from("id,title,kind,level\n");
    for (i, (_, _, kind, name)) in cases.iter().enumerate() {
        sheet.push_str(&format!("st-{i},State credential {i},{kind},{name}\n"));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("credentials.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(sheet.as_bytes()).unwrap();
    let resp = app
        .client
        .post(format!("{}/v1/imports?mode=merge", app.address))
        .bearer_auth(TOKEN)
        .header("Content-Type", "application/zip")
        .body(zip.finish().unwrap().into_inner())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());

    for (i, (seed_id, class, _, name)) in cases.iter().enumerate() {
        let ctdl = app.get_value(&format!("/v1/credentials/ce-lvl-{i}")).await;
        let sheet = app.get_value(&format!("/v1/credentials/st-{i}")).await;
        let want = seed_level(seed_id);
        assert_eq!(ctdl["level"], want, "{class} from CTDL vs seed {seed_id}: {ctdl}");
        assert_eq!(
            sheet["level"], want,
            "`{name}` in a spreadsheet vs seed {seed_id}: {sheet}"
        );
    }
}
