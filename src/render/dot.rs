//! Graphviz DOT: one cluster per stage of consecutive steps in one system (number, system, hours) from left to right, credentials as
//! milestones, exams as lavender notes with their fee, dashed edges for articulations,
//! duplicative steps filled orange and skipped items grey.

use super::{dollars, node_id, target_name, title};
use crate::analysis::career_map::{CareerMap, LinkKind, Plan, SkipReason};
use crate::graph::{CatalogGraph, Item};
use std::fmt::Write;

/// Text safe inside a quoted DOT string: on one line, backslashes and quotes escaped.
fn esc(s: &str) -> String {
    super::one_line(s).replace('\\', "\\\\").replace('"', "\\\"")
}

pub fn career_map(g: &CatalogGraph, map: &CareerMap, plan: Option<&Plan>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph career_map {{");
    let _ = writeln!(out, "  rankdir=LR;");
    let _ = writeln!(
        out,
        "  labelloc=t; label=\"Career map: {}\";",
        esc(&target_name(g, map))
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica];"
    );
    let Some(plan) = plan else {
        let _ = writeln!(
            out,
            "  none [label=\"{}\"];\n}}",
            esc(map.reason.as_deref().unwrap_or("no path"))
        );
        return out;
    };
    let node = |out: &mut String, item: Item, indent: &str| {
        let id = node_id(g, item);
        let step = plan.steps.iter().find(|s| s.item == item);
        let skip = plan.skipped.iter().find(|s| s.item == item);
        let (shape, fill, extra) = match (item, step, skip) {
            (_, _, Some(s)) => (
                "box",
                "gray90",
                format!(
                    "\\nskipped: {}",
                    match s.reason {
                        SkipReason::Completed => "completed".to_owned(),
                        r => format!(
                            "{} by {}",
                            r.as_str().replace('_', " "),
                            s.via.map(|(i, _)| esc(title(g, i))).unwrap_or_default()
                        ),
                    }
                ),
            ),
            (Item::Credential(_), _, _) => ("octagon", "gold", String::new()),
            (Item::Assessment(a), Some(s), _) => (
                "note",
                "lavender",
                format!(
                    "\\nexam, {} h, fee {}",
                    s.hours,
                    g.assessment(a)
                        .cost
                        .map(dollars)
                        .unwrap_or_else(|| "not published".into())
                ),
            ),
            (_, Some(s), _) if s.duplicative => ("box", "orange", "\\nDUPLICATIVE".to_owned()),
            (_, Some(s), _) => ("box", "white", format!("\\n{} h", s.hours)),
            _ => ("box", "white", String::new()),
        };
        let _ = writeln!(
            out,
            "{indent}{id} [shape={shape}, fillcolor={fill}, label=\"{}\\n({}){}\"];",
            esc(title(g, item)),
            esc(g.item_id(item)),
            extra
        );
    };
    let mut shown = Vec::new();
    for t in super::bands(plan) {
        let _ = writeln!(out, "  subgraph cluster_stage{} {{", t.number);
        let _ = writeln!(
            out,
            "    label=\"Stage {} · {} · {} h\"; style=rounded; color=gray70;",
            t.number,
            super::system_words(t.system),
            t.hours
        );
        for &item in &t.steps {
            node(&mut out, item, "    ");
            shown.push(item);
        }
        out.push_str("  }\n");
    }
    for s in &plan.skipped {
        if !shown.contains(&s.item) {
            node(&mut out, s.item, "  ");
        }
    }
    for l in &plan.links {
        let style = match l.kind {
            LinkKind::Articulation(_) => "[style=dashed, color=blue, label=\"articulates\"]",
            LinkKind::Prerequisite => "[color=gray40]",
            LinkKind::Requirement => "[color=gray20]",
        };
        let _ = writeln!(out, "  {} -> {} {style};", node_id(g, l.from), node_id(g, l.to));
    }
    let _ = writeln!(
        out,
        "  destination [shape=doubleoctagon, fillcolor=lightblue, label=\"{}\"];",
        esc(&target_name(g, map))
    );
    for &c in &plan.reaches {
        let _ = writeln!(
            out,
            "  {} -> destination [penwidth=2];",
            node_id(g, Item::Credential(c))
        );
    }
    out.push_str("}\n");
    out
}
