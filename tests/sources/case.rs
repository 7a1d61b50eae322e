//! 1EdTech CASE packages.

use crate::*;

#[actix_web::test]
async fn a_case_package_imports_with_its_hierarchy() {
    need_shared_data!("case/opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json");
    let (up, _) = start_upstream().await;
    let app = spawn_tweaked(|_| {}).await;
    let url = format!("{up}/ok/data/case/opensalt-framework-20c5134f-423d-4097-a971-3dd5152bf507.json");
    let job = app
        .pull_with(json!({"source": "case", "url": url,
            "options": {"case_tiers": {"Cluster": 2, "Standard": 2, "Component": 3}}}))
        .await;
    assert_eq!(job["state"], "succeeded", "{job:#}");
    assert_eq!(job["counts"]["items"], 16);
    assert_eq!(job["counts"]["associations_isChildOf"], 16);
    assert_eq!(job["counts"]["associations_exactMatchOf"], 16);
    assert_eq!(
        job["counts"]["hierarchy_links"], 14,
        "two clusters are children of the document"
    );
    let b = app.catalog.snapshot();
    let comps = &b.bundle().competencies;
    assert_eq!(comps.len(), 16);
    let by_code = |code: &str| comps.iter().find(|c| c.element_id.as_deref() == Some(code)).unwrap();
    let a3a = by_code("CCSS.Math.Content.6.RP.A.3a");
    let a3 = by_code("CCSS.Math.Content.6.RP.A.3");
    let cluster = by_code("CCSS.Math.Content.6.RP.A");
    assert_eq!(a3a.parent.as_ref(), Some(&a3.id));
    assert_eq!(a3.parent.as_ref(), Some(&cluster.id));
    assert_eq!(cluster.parent, None);
    assert_eq!(a3a.tier, 3);
    assert_eq!(a3.tier, 2);
    assert_eq!(a3.framework.as_deref(), Some("What Standards Could Be"));
    assert_eq!(
        a3.id.as_str(),
        a3.id.as_str().to_lowercase(),
        "the CFItem GUID is the id"
    );
    let via_api = app.get_value(&format!("/v1/competencies/{}", a3a.id)).await;
    assert_eq!(via_api["provenance"]["source"], "case");
    assert_eq!(via_api["parent"], a3.id.as_str());
}
