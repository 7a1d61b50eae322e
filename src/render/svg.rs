//! A printable SVG of one plan: a landscape page (fits A4 and Letter), columns by stage
//! (what the learner already has, secondary, adult education, college, work-based learning,
//! destination), courses as cards in step order, credentials as gold milestones with the best
//! wage they open, arrows for prerequisites and requirements (grey) and articulations (dashed
//! blue), duplicative steps hatched orange with who already taught them, skipped items grey
//! and struck through with the reason.

use super::{count, dollars, items_of, target_name, title};
use crate::analysis::career_map::{CareerMap, LinkKind, Plan, SkipReason, Source};
use crate::domain::System;
use crate::graph::{CatalogGraph, Item};
use std::collections::HashMap;
use std::fmt::Write;

const W: f64 = 1123.0; // A4 landscape at 96 dpi
const MARGIN: f64 = 28.0;
const BOX_H: f64 = 62.0;
const GAP: f64 = 16.0;
const TOP: f64 = 118.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Splits text into at most `lines` lines of about `width` characters.
fn wrap(s: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    for word in s.split_whitespace() {
        let cur = out.last_mut().unwrap();
        if !cur.is_empty() && cur.len() + 1 + word.len() > width {
            out.push(word.to_owned());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    if out.len() > lines {
        out.truncate(lines);
        let last = out.last_mut().unwrap();
        last.truncate(width.saturating_sub(1));
        last.push('…');
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Col {
    Have,
    Stage(System),
    Destination,
}

fn col_title(c: Col) -> &'static str {
    match c {
        Col::Have => "Already has / skips",
        Col::Stage(System::Secondary) => "High school (secondary)",
        Col::Stage(System::Adult) => "Adult education",
        Col::Stage(System::Postsecondary) => "College (postsecondary)",
        Col::Stage(System::WorkBased) => "Work-based learning",
        Col::Destination => "Destination",
    }
}

fn source_name(g: &CatalogGraph, s: &Source) -> String {
    match s {
        Source::Item(i) => g.item_id(*i).to_owned(),
        Source::PriorLearning => "prior learning".to_owned(),
    }
}

pub fn career_map(g: &CatalogGraph, map: &CareerMap, plan: Option<&Plan>) -> String {
    let mut body = String::new();
    let mut defs = String::from(
        r##"<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#546e7a"/></marker>
<marker id="arrow-art" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1565c0"/></marker>
<pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffe0b2"/><line x1="0" y1="0" x2="0" y2="8" stroke="#ffb74d" stroke-width="4"/></pattern>
</defs>
"##,
    );
    let _ = &mut defs;
    // Columns that have something in them.
    let mut cols: Vec<Col> = Vec::new();
    let mut placed: Vec<(Item, Col)> = Vec::new();
    if let Some(p) = plan {
        for it in items_of(p) {
            let col = match p.steps.iter().find(|s| s.item == it) {
                Some(s) => Col::Stage(s.system),
                None => Col::Have,
            };
            placed.push((it, col));
            if !cols.contains(&col) {
                cols.push(col);
            }
        }
    }
    cols.push(Col::Destination);
    cols.sort();
    let ncols = cols.len() as f64;
    let col_w = (W - 2.0 * MARGIN) / ncols;
    let box_w = col_w - 26.0;
    let mut pos: HashMap<Item, (f64, f64)> = HashMap::new();
    let mut next_y: HashMap<Col, f64> = HashMap::new();
    for &(it, col) in &placed {
        let ci = cols.iter().position(|c| *c == col).unwrap() as f64;
        let y = *next_y.entry(col).or_insert(TOP + 34.0);
        pos.insert(it, (MARGIN + ci * col_w + 13.0, y));
        next_y.insert(col, y + BOX_H + GAP);
    }
    let dest_col = cols.len() as f64 - 1.0;
    let dest_x = MARGIN + dest_col * col_w + 13.0;
    let dest_h = 118.0 + 34.0 * map.destination.len().saturating_sub(1).min(3) as f64;
    let content_bottom = next_y.values().copied().fold(TOP + 34.0 + dest_h, f64::max);
    let legend_y = content_bottom + 10.0;
    let h = (legend_y + 74.0).max(794.0); // at least A4 landscape height

    // Header.
    let who = {
        let mut held: Vec<String> = Vec::new();
        if let Some(p) = plan {
            for s in &p.skipped {
                if s.reason == SkipReason::Completed {
                    held.push(g.item_id(s.item).to_owned());
                }
            }
        }
        if held.is_empty() {
            String::new()
        } else {
            format!(" · already has {}", held.join(", "))
        }
    };
    let _ = writeln!(
        body,
        r##"<text x="{MARGIN}" y="44" font-size="26" font-weight="bold" fill="#263238">Career map: {}</text>"##,
        esc(&target_name(g, map))
    );
    let sub = match plan {
        Some(p) => format!(
            "{} entry · region {}{} · plan {} of {}: {} new hours ({} in college and work-based), {} duplicative, {} credentials on the way",
            map.entry.as_str(),
            map.region,
            who,
            p.rank,
            map.paths.len(),
            p.total_hours,
            p.postsecondary_hours,
            p.duplicative_hours,
            p.credentials_earned.len()
        ),
        None => format!(
            "{} entry · region {} · no path: {}",
            map.entry.as_str(),
            map.region,
            map.reason.as_deref().unwrap_or("")
        ),
    };
    for (i, line) in wrap(&sub, 150, 3).iter().enumerate() {
        let _ = writeln!(
            body,
            r##"<text x="{MARGIN}" y="{}" font-size="14" fill="#455a64">{}</text>"##,
            70.0 + 18.0 * i as f64,
            esc(line)
        );
    }
    // Column headers and bands.
    for (i, c) in cols.iter().enumerate() {
        let x = MARGIN + i as f64 * col_w;
        let fill = if i % 2 == 0 { "#f5f7f8" } else { "#eceff1" };
        let _ = writeln!(
            body,
            r##"<rect x="{x}" y="{TOP}" width="{col_w}" height="{}" fill="{fill}"/>"##,
            content_bottom - TOP
        );
        let _ = writeln!(
            body,
            r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#37474f" text-anchor="middle">{}</text>"##,
            x + col_w / 2.0,
            TOP + 22.0,
            col_title(*c)
        );
    }
    // Arrows first, under the boxes.
    if let Some(p) = plan {
        let mut drawn = std::collections::HashSet::new();
        for l in &p.links {
            if !drawn.insert((l.from, l.to)) {
                continue;
            }
            let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(&l.from), pos.get(&l.to)) else {
                continue;
            };
            let art = matches!(l.kind, LinkKind::Articulation(_));
            let same = (x2 - x1).abs() < 1.0;
            if same && l.kind == LinkKind::Requirement {
                // The milestone closes its own column; the arrows would only tangle.
                continue;
            }
            let (sx, sy, ex, ey) = if same {
                // Same column: along the left edge.
                (x1, y1 + BOX_H / 2.0, x2, y2 + BOX_H / 2.0)
            } else if x2 > x1 {
                (x1 + box_w, y1 + BOX_H / 2.0, x2, y2 + BOX_H / 2.0)
            } else {
                (x1, y1 + BOX_H / 2.0, x2 + box_w, y2 + BOX_H / 2.0)
            };
            let bend = if same {
                -10.0 - ((ey - sy).abs() / 12.0).min(12.0)
            } else {
                (ex - sx) / 2.0
            };
            let (c1, c2) = if same {
                (sx + bend, ex + bend)
            } else {
                (sx + bend, ex - bend)
            };
            let _ = writeln!(
                body,
                r##"<path d="M{sx:.1},{sy:.1} C{c1:.1},{sy:.1} {c2:.1},{ey:.1} {ex:.1},{ey:.1}" fill="none" stroke="{}" stroke-width="{}" {} marker-end="url(#{})"/>"##,
                if art { "#1565c0" } else { "#90a4ae" },
                if art { 2.0 } else { 1.3 },
                if art { r#"stroke-dasharray="6 4""# } else { "" },
                if art { "arrow-art" } else { "arrow" }
            );
        }
        for &c in &p.reaches {
            if let Some(&(x, y)) = pos.get(&Item::Credential(c)) {
                let (sx, sy, ex, ey) = (x + box_w, y + BOX_H / 2.0, dest_x, TOP + 34.0 + 30.0);
                let _ = writeln!(
                    body,
                    r##"<path d="M{sx:.1},{sy:.1} C{:.1},{sy:.1} {:.1},{ey:.1} {ex:.1},{ey:.1}" fill="none" stroke="#0d47a1" stroke-width="3" marker-end="url(#arrow)"/>"##,
                    sx + (ex - sx) / 2.0,
                    ex - (ex - sx) / 2.0
                );
            }
        }
    }
    // Boxes.
    if let Some(p) = plan {
        for &(it, _) in &placed {
            let (x, y) = pos[&it];
            let step = p.steps.iter().find(|s| s.item == it);
            let skip = p.skipped.iter().find(|s| s.item == it);
            let name = title(g, it);
            let (fill, stroke, dash, width) = match (it, step, skip) {
                (_, _, Some(_)) => ("#eeeeee", "#9e9e9e", "4 3", 1.2),
                (Item::Credential(_), _, _) => ("#ffe082", "#b28704", "", 2.5),
                (_, Some(s), _) if s.duplicative => ("url(#hatch)", "#e65100", "6 3", 2.0),
                _ => ("#ffffff", "#78909c", "", 1.2),
            };
            let rx = if matches!(it, Item::Credential(_)) { 16 } else { 6 };
            let _ = writeln!(
                body,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{box_w:.1}" height="{BOX_H}" rx="{rx}" fill="{fill}" stroke="{stroke}" stroke-width="{width}" {}/>"##,
                if dash.is_empty() {
                    String::new()
                } else {
                    format!(r#"stroke-dasharray="{dash}""#)
                }
            );
            let chars = ((box_w - 14.0) / 6.6) as usize;
            let star = if matches!(it, Item::Credential(_)) { "★ " } else { "" };
            let lines = wrap(&format!("{star}{name}"), chars, 2);
            for (i, line) in lines.iter().enumerate() {
                let _ = writeln!(
                    body,
                    r##"<text x="{:.1}" y="{:.1}" font-size="12" font-weight="bold" fill="{}" {}>{}</text>"##,
                    x + 7.0,
                    y + 16.0 + 14.0 * i as f64,
                    if skip.is_some() { "#757575" } else { "#212121" },
                    if skip.is_some() {
                        r#"text-decoration="line-through""#
                    } else {
                        ""
                    },
                    esc(line)
                );
            }
            let detail = match (it, step, skip) {
                (_, _, Some(s)) => match s.via {
                    Some((by, _)) => format!("skip: {} by {}", s.reason.as_str().replace('_', " "), g.item_id(by)),
                    None => format!("skip: {}", s.reason.as_str()),
                },
                (Item::Credential(c), _, _) => {
                    let best = p.exits.iter().find(|e| e.credential == c).and_then(|e| {
                        e.occupations
                            .iter()
                            .filter(|o| o.median_wage.is_some())
                            .max_by(|a, b| a.median_wage.unwrap_or(0.0).total_cmp(&b.median_wage.unwrap_or(0.0)))
                    });
                    match best {
                        Some(o) => format!(
                            "exit: {} median{}",
                            dollars(o.median_wage.unwrap_or(0.0)),
                            if o.high_demand { " · HIGH DEMAND" } else { "" }
                        ),
                        None => "milestone".to_owned(),
                    }
                }
                (_, Some(s), _) if s.duplicative => {
                    let by: Vec<String> = s.covered_by.iter().map(|c| source_name(g, c)).collect();
                    format!("{} h · DUPLICATIVE: {}", s.hours, by.join(", "))
                }
                (_, Some(s), _) => format!("{} · {} h", g.item_id(it), s.hours),
                _ => String::new(),
            };
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="{}">{}</text>"##,
                x + 7.0,
                y + BOX_H - 9.0,
                match (step, skip) {
                    (_, Some(_)) => "#616161",
                    (Some(s), _) if s.duplicative => "#bf360c",
                    _ => "#455a64",
                },
                esc(&wrap(&detail, chars + 4, 1)[0])
            );
        }
    }
    // Destination card.
    let dy = TOP + 34.0;
    let _ = writeln!(
        body,
        r##"<rect x="{dest_x:.1}" y="{dy:.1}" width="{box_w:.1}" height="{dest_h:.1}" rx="10" fill="#e3f2fd" stroke="#0d47a1" stroke-width="2.5"/>"##
    );
    let chars = ((box_w - 14.0) / 7.0) as usize;
    let mut ty = dy + 20.0;
    for line in wrap(&target_name(g, map), chars, 3) {
        let _ = writeln!(
            body,
            r##"<text x="{:.1}" y="{ty:.1}" font-size="13" font-weight="bold" fill="#0d47a1">{}</text>"##,
            dest_x + 8.0,
            esc(&line)
        );
        ty += 16.0;
    }
    for d in map.destination.iter().take(4) {
        let occ = g.occupation(d.occupation);
        let lines = [
            format!("{}: {}", occ.soc, wrap(&occ.title, chars.saturating_sub(9), 1)[0]),
            format!(
                "{} median · {} openings/yr",
                d.median_wage.map(dollars).unwrap_or_else(|| "n/a".into()),
                d.annual_openings.map(count).unwrap_or_else(|| "n/a".into())
            ),
            format!(
                "{}{}",
                if d.high_demand {
                    "HIGH DEMAND"
                } else {
                    "not high demand"
                },
                if d.fallback {
                    format!(" (national figures for {})", map.region)
                } else {
                    String::new()
                }
            ),
        ];
        for (i, l) in lines.iter().enumerate() {
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{ty:.1}" font-size="11" {} fill="{}">{}</text>"##,
                dest_x + 8.0,
                if i == 2 && d.high_demand {
                    r#"font-weight="bold""#
                } else {
                    ""
                },
                if i == 2 && d.high_demand { "#2e7d32" } else { "#37474f" },
                esc(l)
            );
            ty += 14.0;
        }
        ty += 6.0;
    }
    // Legend.
    let ly = legend_y;
    let items = [
        ("#ffffff", "#78909c", "", "course to take"),
        ("#ffe082", "#b28704", "", "★ credential earned (an exit)"),
        ("url(#hatch)", "#e65100", "6 3", "duplicative: teaches nothing new"),
        ("#eeeeee", "#9e9e9e", "4 3", "skipped: completed or articulated"),
    ];
    for (i, (fill, stroke, dash, label)) in items.iter().enumerate() {
        let x = MARGIN + i as f64 * 215.0;
        let _ = writeln!(
            body,
            r##"<rect x="{x}" y="{ly}" width="26" height="16" rx="3" fill="{fill}" stroke="{stroke}" {}/><text x="{}" y="{}" font-size="12" fill="#37474f">{label}</text>"##,
            if dash.is_empty() {
                String::new()
            } else {
                format!(r#"stroke-dasharray="{dash}""#)
            },
            x + 32.0,
            ly + 13.0
        );
    }
    let ly2 = ly + 30.0;
    let _ = writeln!(
        body,
        r##"<path d="M{MARGIN},{ly2} h40" stroke="#90a4ae" stroke-width="1.5" marker-end="url(#arrow)"/><text x="{}" y="{}" font-size="12" fill="#37474f">needed for (prerequisite / requirement)</text>
<path d="M{},{ly2} h40" stroke="#1565c0" stroke-width="2" stroke-dasharray="6 4" marker-end="url(#arrow-art)"/><text x="{}" y="{}" font-size="12" fill="#37474f">earns credit for (articulation, dual enrollment, prior learning)</text>
<text x="{}" y="{}" font-size="10" fill="#90a4ae" text-anchor="end">careermap · dataset v{}</text>"##,
        MARGIN + 48.0,
        ly2 + 4.0,
        MARGIN + 320.0,
        MARGIN + 368.0,
        ly2 + 4.0,
        W - MARGIN,
        ly2 + 24.0,
        g.version()
    );
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h:.0}" viewBox="0 0 {W} {h:.0}" font-family="Helvetica, Arial, sans-serif">
<title>Career map: {}</title>
{defs}<rect width="100%" height="100%" fill="#ffffff"/>
{body}</svg>
"##,
        esc(&target_name(g, map))
    )
}
