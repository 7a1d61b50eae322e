//! Mermaid flowchart of one plan: one subgraph per stage of consecutive steps in one system (number, system and hours), milestones
//! for credentials, slanted boxes for exams with their fee, dashed arrows for articulations,
//! classes for duplicative and skipped items.

use super::{dollars, node_id, target_name, title};
use crate::analysis::career_map::{CareerMap, LinkKind, Plan};
use crate::graph::{CatalogGraph, Item};
use std::fmt::Write;

/// Text safe inside a quoted Mermaid label: on one line, with `#`, quotes, angle brackets and
/// backticks written as Mermaid entity codes (`#` first, so a title's own `#quot;` stays text).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::one_line(s).chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            c => out.push(c),
        }
    }
    out
}

pub fn career_map(g: &CatalogGraph, map: &CareerMap, plan: Option<&Plan>) -> String {
    let mut out = String::from("flowchart TB\n");
    let Some(plan) = plan else {
        let _ = writeln!(out, "  none[\"{}\"]", esc(map.reason.as_deref().unwrap_or("no path")));
        return out;
    };
    if !plan.skipped.is_empty() {
        out.push_str("  subgraph have[\"Already has or skips\"]\n");
        for s in &plan.skipped {
            let _ = writeln!(
                out,
                "    {}[\"{}<br/>skipped: {}\"]:::skipped",
                node_id(g, s.item),
                esc(title(g, s.item)),
                s.reason.as_str().replace('_', " ")
            );
        }
        out.push_str("  end\n");
    }
    for t in super::bands(plan) {
        let _ = writeln!(
            out,
            "  subgraph stage{}[\"Stage {} · {} · {} h\"]",
            t.number,
            t.number,
            super::system_words(t.system),
            t.hours
        );
        for &item in &t.steps {
            let Some(s) = plan.steps.iter().find(|s| s.item == item) else {
                continue;
            };
            let id = node_id(g, item);
            let tt = esc(title(g, item));
            match item {
                Item::Credential(_) => {
                    let _ = writeln!(out, "    {id}{{{{\"{tt}\"}}}}:::credential");
                }
                Item::Assessment(a) => {
                    let fee = g
                        .assessment(a)
                        .cost
                        .map(dollars)
                        .unwrap_or_else(|| "fee not published".into());
                    let _ = writeln!(out, "    {id}[/\"Exam: {tt}<br/>{} h, {fee}\"/]:::exam", s.hours);
                }
                Item::Course(_) if s.duplicative => {
                    let _ = writeln!(out, "    {id}[\"{tt}<br/>{} h, duplicative\"]:::dup", s.hours);
                }
                Item::Course(_) => {
                    let _ = writeln!(out, "    {id}[\"{tt}<br/>{} h\"]", s.hours);
                }
            }
        }
        out.push_str("  end\n");
    }
    for l in &plan.links {
        let arrow = if matches!(l.kind, LinkKind::Articulation(_)) {
            "-.->|articulates|"
        } else {
            "-->"
        };
        let _ = writeln!(out, "  {} {arrow} {}", node_id(g, l.from), node_id(g, l.to));
    }
    let _ = writeln!(out, "  destination([\"{}\"]):::destination", esc(&target_name(g, map)));
    for &c in &plan.reaches {
        let _ = writeln!(out, "  {} ==> destination", node_id(g, Item::Credential(c)));
    }
    out.push_str(
        "  classDef credential fill:#ffd54f,stroke:#8d6e00\n  classDef exam fill:#ede7f6,stroke:#5e35b1\n  \
         classDef dup fill:#ffb74d,stroke:#e65100,stroke-dasharray: 4 2\n  \
         classDef skipped fill:#eeeeee,stroke:#9e9e9e,color:#616161\n  classDef destination fill:#bbdefb,stroke:#0d47a1\n",
    );
    out
}
