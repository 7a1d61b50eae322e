//! The web pages over HTTP: every page answers HTML with a strict CSP, in English or Spanish,
//! escapes what it shows, works from plain GET forms (no JavaScript) and saves plans.

use crate::common::*;
use serde_json::json;

async fn page(app: &crate::common::TestApp, path: &str) -> (u16, String) {
    let r = app.get(path).await;
    let status = r.status().as_u16();
    let csp = r
        .headers()
        .get("content-security-policy")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{path}: strict CSP, got `{csp}`"
    );
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    // minijinja escapes `/` as `&#x2f;`; the browser reads both the same.
    (status, r.text().await.unwrap().replace("&#x2f;", "/"))
}

#[tokio::test]
async fn every_page_renders_in_english_and_spanish() {
    let app = spawn_seeded().await;
    let pages = [
        ("/", "Find a job", "Encuentre un empleo"),
        ("/?q=nurse", "Registered Nurses", "Enfermeros registrados"),
        ("/?q=CNA", "Nursing Assistants", "Auxiliares de enfermería"),
        ("/credentials/cna", "What it requires", "Qué exige"),
        ("/courses/cc.nur-101", "What it counts toward", "Para qué cuenta"),
        ("/occupations/53-3032", "No route to this job", "Aún no hay ruta"),
        ("/occupations/29-1141", "Credential ladder", "Escalera de credenciales"),
        ("/map", "Make a career map", "Hacer un mapa de carrera"),
        (
            "/map?occupation=29-1141&entry=adult&has=cna",
            "Step by step",
            "Paso a paso",
        ),
        ("/planner/duplicates", "Duplicate courses", "Cursos duplicados"),
        ("/planner/gaps", "Gaps in the system", "Brechas del sistema"),
        ("/planner/report", "Alignment report", "Informe de alineación"),
    ];
    for (path, en, es) in pages {
        let (status, html) = page(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains(en), "{path} in English shows `{en}`");
        assert!(html.contains("<html lang=\"en\">"));
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, html) = page(&app, &format!("{path}{sep}lang=es")).await;
        assert_eq!(status, 200, "{path} es");
        assert!(html.contains(es), "{path} in Spanish shows `{es}`");
        assert!(html.contains("<html lang=\"es\">"));
    }
    // Accept-Language picks Spanish too.
    let html = app
        .client
        .get(app.url("/"))
        .header("Accept-Language", "es-MX,es;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Encuentre un empleo"));
}

#[tokio::test]
async fn the_map_page_shows_the_engines_answer_in_plain_language() {
    let app = spawn_seeded().await;
    let req =
        json!({"target": {"occupation": "29-1141"}, "entry": "adult", "k": 5, "learner": {"credentials": ["cna"]}});
    let (_, answer) = app.post_json("/v1/career-maps", &req).await;
    let (status, html) = page(&app, "/map?occupation=29-1141&entry=adult&has=cna&k=5").await;
    assert_eq!(status, 200);
    for path in answer["paths"].as_array().unwrap() {
        let rank = path["rank"].as_u64().unwrap();
        assert!(html.contains(&format!("id=\"plan-{rank}\"")), "plan {rank} is shown");
        for step in path["steps"].as_array().unwrap() {
            assert!(
                html.contains(step["title"].as_str().unwrap()),
                "step {} is listed",
                step["id"]
            );
        }
    }
    let (rank, lpn) = plan_with_exit(&answer, "lpn");
    let card = html.split(&format!("id=\"plan-{rank}\"")).nth(1).unwrap();
    let wage = lpn["occupations"][0]["median_wage"].as_f64().unwrap();
    let money = format!("${},{:03}", (wage as u64) / 1000, (wage as u64) % 1000);
    assert!(card.contains(&format!("You can stop here: {}", lpn["title"].as_str().unwrap())));
    assert!(card.contains(&money), "the LPN wage {money} is shown");
    assert!(html.contains("<svg"), "each plan has its picture");
    // Unknown ids and targets are explained on the page, not as JSON.
    let (status, html) = page(&app, "/map?occupation=29-1141&entry=adult&has=nope").await;
    assert_eq!(status, 422);
    assert!(html.contains("`nope`"), "the unknown id is named on the page");
    let (status, _) = page(&app, "/map?occupation=99-9999&entry=adult").await;
    assert_eq!(status, 404);
    let (status, _) = page(&app, "/occupations/99-9999").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn catalog_text_and_query_values_are_escaped() {
    let app = spawn_app().await;
    let mut bundle = small_bundle();
    bundle["courses"][1]["title"] = json!("<script>alert('x')</script> Nurse Aide");
    bundle["occupations"][0]["title"] = json!("Nursing <b>Assistants</b>");
    assert_eq!(app.import("replace", &bundle).await.0, 200);
    let (status, html) = page(&app, "/map?credential=cna&entry=adult").await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert"), "the course title is not markup");
    assert!(html.contains("&lt;script&gt;alert("), "it is shown as text");
    let (_, html) = page(&app, "/?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;script&gt;alert(1)"));
    let (_, html) = page(&app, "/?q=nurs").await;
    assert!(html.contains("Nursing &lt;b&gt;Assistants&lt;/b&gt;"));
    assert!(!html.contains("<b>Assistants</b>"));
}

/// Saves a CNA-to-RN plan labelled `label` through the page's form (no JavaScript): the page
/// that answers, which must be 201.
async fn save_rn_plan(app: &TestApp, label: &str) -> String {
    let r = app
        .post_form(
            "/plans",
            &[
                ("label", label),
                ("query", "occupation=29-1141&entry=adult&has=cna&k=2"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    r.text().await.unwrap()
}

#[tokio::test]
async fn saving_from_the_page_works_without_javascript() {
    let app = spawn_seeded().await;
    let html = save_rn_plan(&app, "Evening route").await;
    let id = id_after(&html, "/plans/");
    let key = id_after(&html, "id=\"delete-key\">");
    let (_, plan) = app.get_json(&format!("/v1/plans/{id}")).await;
    assert_eq!(plan["label"], "Evening route");
    assert_eq!(plan["request"]["learner"]["credentials"], json!(["cna"]));
    let (status, html) = page(&app, &format!("/plans/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Evening route") && html.contains("Nothing changed"));
    // A wrong key does not delete; the right one does.
    let r = app.post_form(&format!("/plans/{id}/delete"), &[("key", "wrong")]).await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .post_form(&format!("/plans/{id}/delete"), &[("key", key.as_str())])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(page(&app, &format!("/plans/{id}")).await.0, 404);
}

#[tokio::test]
async fn planner_tables_sort_on_the_server_and_link_their_csv() {
    let app = spawn_seeded().await;
    let (_, html) = page(&app, "/planner/duplicates?sort=a&dir=asc&min_overlap=0.5").await;
    let (_, api) = app.get_json("/v1/duplicates?min_overlap=0.5&limit=1000").await;
    let mut a: Vec<String> = api["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["a"].as_str().unwrap().to_owned())
        .collect();
    assert!(a.len() > 2, "the seed has duplicates");
    a.sort();
    let first = html.find(&format!("data-sort=\"{}\"", a[0])).expect("first row");
    let last = html
        .find(&format!("data-sort=\"{}\"", a[a.len() - 1]))
        .expect("last row");
    assert!(first < last, "rows sorted by course a, ascending");
    assert!(html.contains("href=\"/v1/duplicates?format=csv&amp;min_overlap=0.5"));
    let csv = app
        .get("/v1/duplicates?format=csv&min_overlap=0.5&limit=100000")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), a.len() + 1, "the CSV link gives every pair");
    let (_, html) = page(&app, "/planner/gaps?kind=missing_articulation").await;
    assert!(html.contains("Missing articulation"));
    assert!(!html.contains(">Dead-end credential</td>"), "the kind filter applies");
    let (_, html) = page(&app, "/planner/report").await;
    assert!(html.matches("<svg").count() >= 3, "three charts");
    assert!(html.contains("role=\"img\""));
}

/// The plan picture has one band per term of the plan (labelled with its number, stage and
/// hours) and speaks the page's language; the API's picture is English.
#[tokio::test]
async fn the_plan_picture_is_laid_out_by_term_in_the_pages_language() {
    let app = spawn_seeded().await;
    let req = json!({"target": {"occupation": "29-1141"}, "entry": "secondary", "k": 1});
    let (_, answer) = app.post_json("/v1/career-maps", &req).await;
    let terms = answer["paths"][0]["terms"].as_array().unwrap();
    assert!(terms.len() >= 3, "the secondary RN plan spans several terms");
    let svg = app.career_map_as("svg", &req).await.text().await.unwrap();
    for t in terms {
        let n = t["term"].as_u64().unwrap();
        assert!(svg.contains(&format!(">Term {n}<")), "term {n} has its band");
    }
    let n = terms.len() + 1;
    assert!(!svg.contains(&format!(">Term {n}<")), "no band past the last term");
    assert!(svg.contains("Plan, term by term") && svg.contains(">College<"));
    let weeks = answer["paths"][0]["weeks"].as_f64().unwrap();
    assert!(svg.contains(&format!("({weeks} weeks)")), "the header gives the weeks");
    assert!(!svg.contains("svg-"), "no message key leaks into the picture");

    let (status, html) = page(&app, "/map?occupation=29-1141&entry=secondary&k=1&lang=es").await;
    assert_eq!(status, 200);
    let pic = &html[html.find("<svg").expect("the page has the picture")..];
    assert!(pic.contains("Plan, periodo a periodo") && pic.contains(">Periodo 1<") && pic.contains(">Universidad<"));
    assert!(!pic.contains("Plan, term by term") && !pic.contains(">Term 1<") && !pic.contains("svg-"));
}

/// A top-coded median (BLS `>=$239,200`) is shown as a lower bound, never as an exact wage.
#[tokio::test]
async fn a_top_coded_wage_reads_as_at_least() {
    let app = spawn_app().await;
    let (status, body) = app
        .import(
            "replace",
            &json!({"occupations": [
                {"soc": "29-1023", "title": "Orthodontists",
                 "demand": [{"region": "US", "annual_openings": 300, "median_wage": 239200, "flags": ["median_wage_top_coded"]}]},
                {"soc": "29-1141", "title": "Registered Nurses",
                 "demand": [{"region": "US", "annual_openings": 189100, "median_wage": 93600}]}
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, html) = page(&app, "/occupations/29-1023").await;
    assert_eq!(status, 200);
    assert!(html.contains("≥ $239,200"), "{html}");
    let (_, html) = page(&app, "/occupations/29-1141").await;
    assert!(html.contains("$93,600") && !html.contains("≥ $93,600"), "{html}");
}

/// Templates render with strict undefined values: a variable a template reads and its page
/// does not give fails the render (a 500 page) instead of printing nothing. Every template is
/// rendered here with its page's real context on the seed catalog, with and without the
/// optional parameters, in both languages: `home.html` (with and without a search and its
/// filters), `occupation.html`, `map.html` (form, occupation and credential targets, a
/// refused request), `plan.html`, `duplicates.html`, `gaps.html`, `report.html`,
/// `error.html` (unknown occupation, unknown region, bad number); `base.html` and
/// `macros.html` through them; `loading.html` in the unit test of `web` (a catalog still
/// loading).
#[tokio::test]
async fn every_template_renders_with_its_pages_real_context() {
    // A failed render is logged with the template's error (line and variable): show it.
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let app = spawn_seeded().await;
    let html = save_rn_plan(&app, "Strict").await;
    let plan = id_after(&html, "/plans/");
    let plan = format!("/plans/{plan}");
    let pages: Vec<(&str, u16)> = vec![
        ("/", 200),
        ("/?q=nurse", 200),
        ("/?q=zzzz-nothing", 200),
        ("/?q=nurse&region=TX&group=29", 200),
        ("/?cluster=Health%20Science", 200),
        ("/occupations/29-1141", 200),
        ("/occupations/29-1141?region=TX", 200),
        ("/occupations/00-0000", 404),
        ("/map", 200),
        ("/map?occupation=29-1141&entry=adult&has=cna", 200),
        ("/map?occupation=29-1141&entry=secondary&k=1&plan=1", 200),
        ("/map?credential=cna&entry=adult", 200),
        ("/map?occupation=29-1141&entry=postsecondary&has=rn", 422),
        (&plan, 200),
        ("/planner/duplicates", 200),
        (
            "/planner/duplicates?sort=shared_count&dir=asc&cross_system=true&unarticulated=true",
            200,
        ),
        (
            "/planner/duplicates?systems=secondary,postsecondary&min_overlap=0.9",
            200,
        ),
        ("/planner/duplicates?min_overlap=x", 422),
        ("/planner/gaps", 200),
        ("/planner/gaps?kind=no_pathway&entry=adult&region=US", 200),
        ("/planner/gaps?region=ZZ", 422),
        ("/planner/report", 200),
        ("/planner/report?region=ZZ", 422),
    ];
    for (path, want) in pages {
        for lang in ["en", "es"] {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = format!("{path}{sep}lang={lang}");
            let (status, html) = page(&app, &url).await;
            assert!(
                !html.contains("Internal error; it has been logged"),
                "{url}: the template failed to render (an undefined variable?)"
            );
            assert_eq!(status, want, "{url}: {html}");
        }
    }
    app.stop().await;
}

/// The visible text of a page: its markup, scripts and styles removed.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    for tag in ["<script", "<style"] {
        while let Some(i) = rest.find(tag) {
            out.push_str(&rest[..i]);
            let end = rest[i..].find("</").map_or(rest.len(), |j| i + j);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    let mut text = String::new();
    let mut in_tag = false;
    for ch in out.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[tokio::test]
async fn credential_and_course_pages_say_what_a_counselor_asks_without_raw_ids() {
    let app = spawn_seeded().await;
    let (status, html) = page(&app, "/credentials/cna").await;
    assert_eq!(status, 200);
    let text = visible_text(&html);
    // What it requires, by name; its exam and fee; who offers it; what it stacks into; the jobs.
    for want in [
        "Certified Nursing Assistant",
        "What it requires",
        "Exams and fees",
        "Where it is offered",
        "Licensed Practical Nurse",
        "Nursing Assistants",
        "the occupation names it",
    ] {
        assert!(text.contains(want), "`{want}` on /credentials/cna:\n{text}");
    }
    for id in [
        "adult.cna-clinical",
        "ex.nurse-aide",
        "hs.nurse-aide",
        "31-1131 ",
        "lpn ",
    ] {
        assert!(!text.contains(id), "no raw id `{id}` in the visible text");
    }
    assert!(
        html.contains("href=\"/occupations/31-1131"),
        "the jobs link to their pages"
    );
    assert!(
        html.contains("href=\"/courses/adult.cna-clinical\""),
        "the courses link to theirs"
    );
    let (status, html) = page(&app, "/credentials/cna?lang=es").await;
    assert_eq!(status, 200);
    assert!(html.contains("Auxiliar de enfermería certificado"), "the Spanish title");
    assert!(
        html.contains("href=\"/courses/adult.cna-clinical?lang=es\""),
        "links keep the language"
    );

    let (status, html) = page(&app, "/courses/adult.cna-clinical").await;
    assert_eq!(status, 200);
    let text = visible_text(&html);
    assert!(
        text.contains("Certified Nursing Assistant"),
        "what it counts toward: {text}"
    );
    assert!(!text.contains("adult.cna-clinical"), "no raw id");
    assert_eq!(page(&app, "/credentials/no-such").await.0, 404);
    assert_eq!(page(&app, "/courses/no-such").await.0, 404);
    app.stop().await;
}

#[tokio::test]
async fn an_occupation_without_a_route_says_so_and_offers_related_ones_instead_of_a_map() {
    let app = spawn_seeded().await;
    // Truck drivers: demand figures, no entry credential in the seed.
    let (status, html) = page(&app, "/occupations/53-3032").await;
    assert_eq!(status, 200);
    assert!(html.contains("No route to this job in this catalog yet"), "{html}");
    assert!(!html.contains("Make the map"), "no map form for a job with no route");
    assert!(!html.contains("/map?occupation=53-3032"), "no map link either");
    // A routed occupation keeps its map form and offers nothing instead.
    let (_, html) = page(&app, "/occupations/29-1141").await;
    assert!(html.contains("Make the map") && !html.contains("No route to this job"));
    // A no-route nursing job offers the routed nursing jobs of its group.
    let (_, html) = page(&app, "/occupations/29-1171").await;
    assert!(
        html.contains("Related jobs this catalog does have a route to"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/occupations/29-1141"),
        "registered nurses are offered: {html}"
    );
    app.stop().await;
}
