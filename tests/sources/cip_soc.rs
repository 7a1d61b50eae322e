//! Credential-to-occupation links from the CIP-SOC crosswalk.

use crate::*;

/// A credential carrying `codes.cip` qualifies, after a CIP-SOC pull, for the occupations the
/// crosswalk maps that program to (evidence `cip_soc`), and a career map to such an occupation
/// reaches it; a stated `entry_credentials` link keeps evidence `stated`.
#[actix_web::test]
async fn a_cip_coded_credential_links_to_its_crosswalk_occupations() {
    let (up, _) = start_upstream().await;
    let app = app_with_fixture_onet(&up).await;
    let import = json!({
    "courses": [{"id": "adult.na-theory", "title": "Nurse aide theory", "system": "adult", "hours": 60},
                {"id": "adult.na-clinical", "title": "Nurse aide clinical", "system": "adult", "hours": 40}],
    "credentials": [
        {"id": "st.na", "title": "State nurse aide certificate", "kind": "certificate", "level": 1,
         "codes": {"cip": "51.3902"},
         "requires": [{"choose": 2, "from": ["adult.na-theory", "adult.na-clinical"]}]},
        {"id": "st.other", "title": "Unrelated certificate", "kind": "certificate", "level": 1,
         "codes": {"cip": "11.0101"}, "requires": [{"choose": 1, "from": ["adult.na-theory"]}]}
    ]});
    let (status, answer) = app.post_json("/v1/imports", &import).await;
    assert_eq!(status, 200, "{answer}");
    let map_body = json!({"target": {"occupation": "31-1131"}, "entry": "adult"});
    let map = |body: Value| career_map(&app, body);
    let (status, before) = map(map_body.clone()).await;
    assert_eq!(status, 200, "{before:#}");
    assert_eq!(
        before["paths"],
        json!([]),
        "no link before the crosswalk is pulled: {before:#}"
    );

    app.pull_ok("cip_soc", &format!("{up}/ok/fixtures/cip_soc.csv")).await;
    let na = app.get_value("/v1/occupations/31-1131").await;
    let program = &na["programs"][0];
    assert_eq!(program["cip"], "51.3902");
    assert_eq!(program["evidence"], "cip_soc");
    assert_eq!(program["credentials"], json!(["st.na"]));
    assert_eq!(
        app.get_value("/v1/occupations/29-1141").await["programs"][0]["credentials"],
        Value::Null,
        "no catalog credential carries 51.3801"
    );

    let (status, after) = map(map_body).await;
    assert_eq!(status, 200, "{after:#}");
    let path = &after["paths"][0];
    assert_eq!(path["reaches"], json!(["st.na"]), "{after:#}");
    let exit = path["exits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["credential"] == "st.na")
        .unwrap_or_else(|| panic!("st.na is an exit: {after:#}"));
    assert_eq!(exit["occupations"][0]["soc"], "31-1131");
    assert_eq!(exit["occupations"][0]["evidence"], "cip_soc");

    // The credential as a target leads to the occupation, saying how.
    let (status, cred_map) = map(json!({"target": {"credential": "st.na"}, "entry": "adult"})).await;
    assert_eq!(status, 200, "{cred_map:#}");
    assert_eq!(cred_map["target"]["occupations"][0]["soc"], "31-1131");
    assert_eq!(cred_map["target"]["occupations"][0]["evidence"], "cip_soc");
    // The unrelated credential leads nowhere.
    let (_, other) = map(json!({"target": {"credential": "st.other"}, "entry": "adult"})).await;
    assert_eq!(other["target"]["occupations"], json!([]), "{other:#}");

    // The ladder reaches the occupation through the crosswalk link too.
    let ladder = app.get_value("/v1/occupations/31-1131/ladder").await;
    let rung = ladder["rungs"]
        .as_array()
        .unwrap_or_else(|| panic!("{ladder:#}"))
        .iter()
        .find(|r| r["credential"] == "st.na")
        .unwrap_or_else(|| panic!("st.na is a rung: {ladder:#}"));
    assert_eq!(rung["occupations"][0]["evidence"], "cip_soc");
}
