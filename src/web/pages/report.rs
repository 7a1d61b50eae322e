//! `/planner/report`: the alignment report and its comparison.

use super::*;
use crate::api::reports::{AlignmentOut, AlignmentQuery};

/// `/planner/report`: the alignment report with SVG charts.
pub async fn report(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let aq = AlignmentQuery {
        region: opt(&q, "region"),
        limit: Some(20),
        ..Default::default()
    };
    let result = async {
        let request = aq.request(&state.settings.high_demand)?;
        Ok::<_, ApiError>(crate::app::reports::alignment(&state, request).await?)
    }
    .await;
    let found = page_or_error!(page, result);
    let out = AlignmentOut::new(&found);
    let lang = page.lang;
    let tr = |k: &str| crate::i18n::tr(lang, k, &[]);
    // A chart of entry points' shares, each `(entry, share, n, of)`: `n` of `of`.
    let shares_chart = |title: &str, shares: &mut dyn Iterator<Item = (&str, f64, usize, usize)>| {
        let bars: Vec<_> = shares
            .map(|(entry, share, n, of)| {
                (
                    tr(&format!("entry-{entry}")),
                    share,
                    format!("{:.0}% ({n}/{of})", share * 100.0),
                )
            })
            .collect();
        charts::bars(&tr(title), &bars, 1.0)
    };
    let share_chart = shares_chart(
        "report-chart-pathways",
        &mut out
            .pathway_share
            .iter()
            .map(|s| (s.entry.as_str(), s.share, s.reachable, s.high_demand)),
    );
    let transitions_chart = shares_chart(
        "report-chart-transitions",
        &mut out
            .transitions
            .iter()
            .map(|t| (t.from.as_str(), t.share, t.articulated, t.transitions)),
    );
    let max_gaps = out.gaps_by_kind.values().copied().max().unwrap_or(1).max(1) as f64;
    let gaps_chart = charts::bars(
        &tr("report-chart-gaps"),
        &out.gaps_by_kind
            .iter()
            .map(|(k, n)| {
                (
                    tr(&format!("gap-kind-{}", k.replace('_', "-"))),
                    *n as f64,
                    n.to_string(),
                )
            })
            .collect::<Vec<_>>(),
        max_gaps,
    );
    let g = &found.snapshot.graph;
    let mut names = Names::default();
    for &c in &found.report.dead_ends {
        names.credential(g, c);
    }
    for c in found.report.complexity.iter().skip(found.offset).take(found.limit) {
        names.credential(g, c.credential);
    }
    page.render(
        StatusCode::OK,
        "report.html",
        context! {
            region => out.region.clone(),
            out => Value::from_serialize(out),
            names => names.into_value(),
            // Our own SVG (charts::bars escapes every text).
            share_chart => Value::from_safe_string(share_chart),
            transitions_chart => Value::from_safe_string(transitions_chart),
            gaps_chart => Value::from_safe_string(gaps_chart),
        },
    )
}
