//! A printable SVG of one plan, for a counselor to hand to a learner.
//!
//! Layout: a landscape page (A4/Letter width) with a header in plain words (who the plan is
//! for, how long it takes in hours, terms and weeks, what it costs before and after funding),
//! then one band per **term** of the plan from top to bottom, each labelled with its number,
//! stage and hours, holding that term's steps as cards left to right (wrapping inside the band
//! when a term has many). Courses are white cards,
//! exams lavender cards with their fee, credentials gold milestones with the wage and openings
//! of the jobs they open. Every step carries its number and the numbers of the steps it must
//! come after ("after 3, 4"): arrows across a grid of cards cannot be followed, numbers can.
//! What the learner already has or skips sits in a column on the left, saying what gave the
//! credit (with a dashed blue arrow where it reaches a card without crossing others); the
//! destination job is on the right, with
//! the credentials that qualify for it outlined in blue. Titles wrap inside their cards; the
//! legend is laid out by measured widths, so entries never overlap. Every fixed word comes
//! from the Fluent catalogs ([`crate::i18n`]), so the picture speaks the page's language; the
//! data's titles stay as the catalog gives them.

use super::{count, dollars, target_name, title, xml_escape as esc};
use crate::analysis::career_map::{CareerMap, LinkKind, Plan, SkipReason, Source, Step};
use crate::domain::EntryPoint;
use crate::graph::{CatalogGraph, Item};
use crate::i18n::{Lang, tr}; // messages `svg-*` in `src/locales/*.ftl`
use std::collections::HashMap;
use std::fmt::Write;

const W: f64 = 1123.0; // A4 landscape at 96 dpi
const MARGIN: f64 = 24.0;
const SIDE_W: f64 = 190.0; // "already has" column
const DEST_W: f64 = 210.0; // destination column
const LABEL_W: f64 = 92.0; // term labels
const CARD_W: f64 = 150.0;
const CARD_H: f64 = 96.0;
const CARD_GAP: f64 = 14.0;
const ROW_GAP: f64 = 26.0;
/// Average glyph width of the 11 px bold title font, for wrapping.
const GLYPH_11: f64 = 6.1;

/// Splits text into at most `lines` lines of at most `width` characters (a longer word is cut),
/// the last one ending in `…` when something was left out.
fn wrap(s: &str, width: usize, lines: usize) -> Vec<String> {
    let width = width.max(4);
    let mut out: Vec<String> = vec![String::new()];
    let mut cut = false;
    for word in s.split_whitespace() {
        let word: String = if word.chars().count() > width {
            cut = true;
            word.chars().take(width - 1).chain(['…']).collect()
        } else {
            word.to_owned()
        };
        let cur = out.last_mut().unwrap();
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            out.push(word);
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(&word);
        }
    }
    if out.len() > lines || cut && out.len() > lines {
        out.truncate(lines);
        let last = out.last_mut().unwrap();
        while last.chars().count() + 1 > width {
            last.pop();
        }
        last.push('…');
    }
    out
}

/// The entry point in plain words.
fn who(lang: Lang, e: EntryPoint) -> String {
    tr(lang, &format!("svg-who-{}", e.as_str()), &[])
}

/// Why an item is skipped, in plain words.
fn skip_words(lang: Lang, g: &CatalogGraph, reason: SkipReason, via: Option<Item>) -> String {
    let by = via.map(|i| title(g, i).to_owned());
    match (reason, by) {
        (SkipReason::Completed, _) => tr(lang, "svg-skip-done", &[]),
        (SkipReason::Articulated, Some(b)) => tr(lang, "svg-skip-credit-from", &[("source", b.into())]),
        (SkipReason::DualEnrollment, Some(b)) => tr(lang, "svg-skip-dual", &[("source", b.into())]),
        (SkipReason::Articulated | SkipReason::DualEnrollment, None) => tr(lang, "svg-skip-agreement", &[]),
        (SkipReason::PriorLearning, Some(b)) => tr(lang, "svg-skip-prior-by", &[("source", b.into())]),
        (SkipReason::PriorLearning, None) => tr(lang, "svg-skip-prior", &[]),
    }
}

fn source_words(lang: Lang, g: &CatalogGraph, s: &Source) -> String {
    match s {
        Source::Item(i) => title(g, *i).to_owned(),
        Source::PriorLearning => tr(lang, "svg-known-already", &[]),
    }
}

/// A term's stage (`secondary`, `adult`, `postsecondary`, `work_based`) in plain words.
fn stage_words(lang: Lang, stage: &str) -> String {
    tr(lang, &format!("svg-stage-{stage}"), &[])
}

/// `[1, 2, 3, 5, 7, 8]` -> `1-3, 5, 7-8`.
fn ranges(ns: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ns.len() {
        let mut j = i;
        while j + 1 < ns.len() && ns[j + 1] == ns[j] + 1 {
            j += 1;
        }
        out.push(if j > i {
            format!("{}-{}", ns[i], ns[j])
        } else {
            ns[i].to_string()
        });
        i = j + 1;
    }
    out.join(", ")
}

/// Width of `s` at `px` font size, approximately.
fn text_w(s: &str, px: f64) -> f64 {
    s.chars().count() as f64 * px * 0.55
}

struct Card {
    x: f64,
    y: f64,
    row: usize,
}

pub fn career_map(g: &CatalogGraph, map: &CareerMap, plan: Option<&Plan>, lang: Lang) -> String {
    let mut body = String::new();
    let defs = r##"<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#607d8b"/></marker>
<marker id="arrow-art" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1565c0"/></marker>
<pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffe0b2"/><line x1="0" y1="0" x2="0" y2="8" stroke="#ffb74d" stroke-width="4"/></pattern>
</defs>
"##;
    let main_x = MARGIN + SIDE_W + 12.0;
    let main_w = W - 2.0 * MARGIN - SIDE_W - DEST_W - 24.0;
    let per_line = (((main_w - LABEL_W) + CARD_GAP) / (CARD_W + CARD_GAP)).floor().max(1.0) as usize;

    // Header.
    let _ = writeln!(
        body,
        r##"<text x="{MARGIN}" y="40" font-size="24" font-weight="bold" fill="#263238">{}</text>"##,
        esc(&tr(lang, "svg-title", &[("target", target_name(g, map).into())]))
    );
    let mut sub: Vec<String> = Vec::new();
    match plan {
        Some(p) => {
            let credentials = p.steps.iter().filter(|s| matches!(s.item, Item::Credential(_))).count();
            let exams = p.steps.iter().filter(|s| matches!(s.item, Item::Assessment(_))).count();
            sub.push(tr(
                lang,
                "svg-summary",
                &[
                    ("who", who(lang, map.entry).into()),
                    ("region", map.region.clone().into()),
                    ("rank", p.rank.into()),
                    ("plans", map.paths.len().into()),
                    ("hours", count(p.total_hours).into()),
                    ("college", count(p.postsecondary_hours).into()),
                    ("exams", exams.into()),
                    ("credentials", credentials.into()),
                ],
            ));
            let cost = if p.cost_complete {
                "svg-time-cost"
            } else {
                "svg-time-cost-partial"
            };
            sub.push(tr(
                lang,
                cost,
                &[
                    ("terms", p.terms.len().into()),
                    ("weeks", count(p.weeks).into()),
                    ("cost", dollars(p.total_cost).into()),
                    ("net", dollars(p.net_cost).into()),
                ],
            ));
            if p.duplicative_hours > 0.0 {
                sub.push(tr(lang, "svg-repeats", &[("hours", count(p.duplicative_hours).into())]));
            }
        }
        None => sub.push(tr(
            lang,
            "svg-no-plan",
            &[
                ("who", who(lang, map.entry).into()),
                ("region", map.region.clone().into()),
                ("reason", map.reason.clone().unwrap_or_default().into()),
            ],
        )),
    }
    let mut y = 62.0;
    for s in &sub {
        for line in wrap(s, 165, 2) {
            let _ = writeln!(
                body,
                r##"<text x="{MARGIN}" y="{y}" font-size="13" fill="#455a64">{}</text>"##,
                esc(&line)
            );
            y += 17.0;
        }
    }
    let top = y + 14.0;

    // Terms as rows; cards placed left to right, wrapping inside the band.
    let mut cards: HashMap<Item, Card> = HashMap::new();
    let mut band_bottom = top;
    if let Some(p) = plan {
        let mut row_y = top + 26.0;
        let bands = &p.terms;
        for (ti, t) in bands.iter().enumerate() {
            let n = t.steps.len().max(1);
            let lines = n.div_ceil(per_line);
            let band_h = lines as f64 * (CARD_H + CARD_GAP) - CARD_GAP + 20.0;
            let fill = if ti % 2 == 0 { "#f5f7f8" } else { "#eceff1" };
            let _ = writeln!(
                body,
                r##"<rect x="{main_x}" y="{:.1}" width="{main_w}" height="{band_h:.1}" rx="6" fill="{fill}"/>"##,
                row_y - 10.0
            );
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="13" font-weight="bold" fill="#37474f">{}</text>"##,
                main_x + 8.0,
                row_y + 8.0,
                esc(&tr(lang, "svg-term", &[("n", t.term.into())])),
            );
            // The stage wraps inside the label column (11 px text, about 6 px a glyph).
            let stage = wrap(&stage_words(lang, &t.stage), ((LABEL_W - 8.0) / 5.5) as usize, 3);
            let mut ly = row_y + 24.0;
            for l in stage
                .iter()
                .chain([&tr(lang, "svg-hours-short", &[("hours", count(t.hours).into())])])
            {
                let _ = writeln!(
                    body,
                    r##"<text x="{:.1}" y="{ly:.1}" font-size="11" fill="#546e7a">{}</text>"##,
                    main_x + 8.0,
                    esc(l)
                );
                ly += 14.0;
            }
            for (i, &item) in t.steps.iter().enumerate() {
                let (line, col) = (i / per_line, i % per_line);
                cards.insert(
                    item,
                    Card {
                        x: main_x + LABEL_W + col as f64 * (CARD_W + CARD_GAP),
                        y: row_y + line as f64 * (CARD_H + CARD_GAP),
                        row: ti,
                    },
                );
            }
            row_y += band_h + ROW_GAP - 10.0;
            band_bottom = row_y;
        }
        if bands.is_empty() {
            let _ = writeln!(
                body,
                r##"<text x="{main_x}" y="{:.1}" font-size="14" fill="#2e7d32">{}</text>"##,
                top + 40.0,
                esc(&tr(lang, "svg-nothing-left", &[]))
            );
            band_bottom = top + 60.0;
        }
    }
    heading(
        &mut body,
        main_x + main_w / 2.0,
        top + 4.0,
        &tr(lang, "svg-plan-heading", &[]),
    );

    // Left column: what the learner has or skips.
    let mut skipped_y = top + 26.0;
    let side_x = MARGIN;
    let mut side: Vec<(Item, String)> = Vec::new();
    if let Some(p) = plan {
        for s in &p.skipped {
            if !cards.contains_key(&s.item) && !side.iter().any(|(i, _)| *i == s.item) {
                side.push((s.item, skip_words(lang, g, s.reason, s.via.map(|v| v.0))));
            }
        }
    }
    if !side.is_empty() {
        heading(
            &mut body,
            side_x + SIDE_W / 2.0,
            top + 4.0,
            &tr(lang, "svg-side-heading", &[]),
        );
    }
    let side_h = 62.0;
    for (item, why) in &side {
        let chars = ((SIDE_W - 14.0) / GLYPH_11) as usize;
        let _ = writeln!(
            body,
            r##"<rect x="{side_x}" y="{skipped_y:.1}" width="{SIDE_W}" height="{side_h}" rx="6" fill="#eeeeee" stroke="#9e9e9e" stroke-dasharray="4 3"/>"##
        );
        text_lines(
            &mut body,
            &wrap(title(g, *item), chars, 2),
            (side_x + 7.0, skipped_y + 15.0, 13.0),
            r##"font-size="11" font-weight="bold" fill="#616161""##,
        );
        text_lines(
            &mut body,
            &wrap(&tr(lang, "svg-skip", &[("why", why.clone().into())]), chars + 3, 2),
            (side_x + 7.0, skipped_y + 42.0, 12.0),
            r##"font-size="10" fill="#616161""##,
        );
        cards.insert(
            *item,
            Card {
                x: side_x,
                y: skipped_y,
                row: usize::MAX,
            },
        );
        skipped_y += side_h + 10.0;
    }

    // Destination column.
    let dest_x = W - MARGIN - DEST_W;
    let dest_y = top + 26.0;
    let chars = ((DEST_W - 16.0) / 6.4) as usize;
    let mut lines: Vec<(String, &str, bool)> = Vec::new();
    for l in wrap(&target_name(g, map), chars, 3) {
        lines.push((l, "#0d47a1", true));
    }
    for d in map.destination.iter().take(4) {
        let occ = g.occupation(d.occupation);
        for l in wrap(&format!("{}: {}", occ.soc, occ.title), chars + 2, 2) {
            lines.push((l, "#37474f", false));
        }
        let unknown = || tr(lang, "svg-unknown", &[]);
        lines.push((
            tr(
                lang,
                "svg-median-wage",
                &[(
                    "wage",
                    match d.median_wage {
                        // BLS publishes the top-coded median as a lower bound only.
                        Some(w) if d.flags.iter().any(|f| f == "median_wage_top_coded") => format!("≥ {}", dollars(w)),
                        Some(w) => dollars(w),
                        None => unknown(),
                    }
                    .into(),
                )],
            ),
            "#37474f",
            false,
        ));
        lines.push((
            tr(
                lang,
                "svg-openings",
                &[("openings", d.annual_openings.map(count).unwrap_or_else(unknown).into())],
            ),
            "#37474f",
            false,
        ));
        let demand = tr(
            lang,
            if d.high_demand {
                "svg-high-demand"
            } else {
                "svg-not-high-demand"
            },
            &[],
        );
        lines.push((
            if d.fallback {
                tr(
                    lang,
                    "svg-national-fallback",
                    &[("demand", demand.into()), ("region", map.region.clone().into())],
                )
            } else {
                demand
            },
            if d.high_demand { "#2e7d32" } else { "#37474f" },
            d.high_demand,
        ));
    }
    let dest_h = 22.0 + 15.0 * lines.len() as f64;
    heading(
        &mut body,
        dest_x + DEST_W / 2.0,
        top + 4.0,
        &tr(lang, "svg-destination", &[]),
    );
    let _ = writeln!(
        body,
        r##"<rect x="{dest_x:.1}" y="{dest_y:.1}" width="{DEST_W}" height="{dest_h:.1}" rx="10" fill="#e3f2fd" stroke="#0d47a1" stroke-width="2.5"/>"##
    );
    for (i, (l, color, bold)) in lines.iter().enumerate() {
        let _ = writeln!(
            body,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" {}fill="{color}">{}</text>"##,
            dest_x + 8.0,
            dest_y + 20.0 + 15.0 * i as f64,
            if *bold { r#"font-weight="bold" "# } else { "" },
            esc(l)
        );
    }

    // Arrows under the cards.
    if let Some(p) = plan {
        let mut drawn = std::collections::HashSet::new();
        for l in &p.links {
            if !drawn.insert((l.from, l.to)) {
                continue;
            }
            let (Some(a), Some(b)) = (cards.get(&l.from), cards.get(&l.to)) else {
                continue;
            };
            let art = matches!(l.kind, LinkKind::Articulation(_));
            if a.row != usize::MAX || !art || b.x > main_x + LABEL_W + 1.0 {
                // Between steps, the cards say "after 3, 4" instead, and the left column says
                // what gave credit: arrows across a grid of cards cannot be followed. Credit
                // into the first column of cards crosses nothing and is drawn.
                continue;
            }
            // From the left column: out of its right edge into the card's left edge.
            let (sx, sy) = (a.x + SIDE_W, a.y + side_h / 2.0);
            let (ex, ey) = (b.x, b.y + CARD_H / 2.0);
            let c1 = (sx + (ex - sx) / 2.0, sy);
            let c2 = (ex - (ex - sx) / 2.0, ey);
            let _ = writeln!(
                body,
                r##"<path d="M{sx:.1},{sy:.1} C{:.1},{:.1} {:.1},{:.1} {ex:.1},{ey:.1}" fill="none" stroke="{}" stroke-width="{}" stroke-opacity="0.8" {}marker-end="url(#{})"/>"##,
                c1.0,
                c1.1,
                c2.0,
                c2.1,
                if art { "#1565c0" } else { "#90a4ae" },
                if art { 1.8 } else { 1.3 },
                if art { r#"stroke-dasharray="6 4" "# } else { "" },
                if art { "arrow-art" } else { "arrow" }
            );
        }
    }

    // Cards.
    if let Some(p) = plan {
        for step in &p.steps {
            if let Some(card) = cards.get(&step.item) {
                draw_card(&mut body, g, p, card, step, lang);
            }
        }
    }

    // Legend, laid out by measured widths.
    let content_bottom = band_bottom.max(skipped_y).max(dest_y + dest_h + 10.0);
    let mut legend = Legend {
        lx: MARGIN,
        ly: content_bottom + 14.0,
    };
    let entries: [(&str, &str, &str, &str, f64); 6] = [
        ("#ffffff", "#78909c", "", "svg-legend-course", 6.0),
        ("#ffe082", "#b28704", "", "svg-legend-credential", 12.0),
        ("#ffe082", "#0d47a1", "", "svg-legend-qualifies", 12.0),
        ("#ede7f6", "#5e35b1", "", "svg-legend-exam", 6.0),
        ("url(#hatch)", "#e65100", "6 3", "svg-legend-repeats", 6.0),
        ("#eeeeee", "#9e9e9e", "4 3", "svg-legend-skipped", 6.0),
    ];
    for (fill, stroke, dash, key, rx) in &entries {
        legend.entry(&mut body, lang, key, (34.0, 32.0), |lx, ly| {
            format!(
                r#"<rect x="{lx:.1}" y="{ly:.1}" width="26" height="16" rx="{rx}" fill="{fill}" stroke="{stroke}" {}/>"#,
                if dash.is_empty() {
                    String::new()
                } else {
                    format!(r#"stroke-dasharray="{dash}""#)
                }
            )
        });
    }
    legend.entry(&mut body, lang, "svg-legend-number", (30.0, 26.0), |lx, ly| {
        format!(
            r##"<circle cx="{:.1}" cy="{:.1}" r="9" fill="#37474f"/><text x="{:.1}" y="{:.1}" font-size="10" font-weight="bold" fill="#ffffff" text-anchor="middle">7</text>"##,
            lx + 10.0,
            ly + 8.0,
            lx + 10.0,
            ly + 11.5
        )
    });
    legend.entry(&mut body, lang, "svg-legend-credit", (52.0, 50.0), |lx, ly| {
        format!(
            r##"<path d="M{lx:.1},{:.1} h40" stroke="#1565c0" stroke-width="2" stroke-dasharray="6 4" marker-end="url(#arrow-art)"/>"##,
            ly + 8.0
        )
    });
    let mut ly = legend.ly;
    ly += 40.0;
    let _ = writeln!(
        body,
        r##"<text x="{:.1}" y="{ly:.1}" font-size="10" fill="#90a4ae" text-anchor="end">{}</text>"##,
        W - MARGIN,
        esc(&tr(lang, "svg-footer", &[("version", g.version().into())]))
    );
    let h = (ly + 16.0).max(794.0);
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h:.0}" viewBox="0 0 {W} {h:.0}" font-family="Helvetica, Arial, sans-serif">
<title>{}</title>
{defs}<rect width="100%" height="100%" fill="#ffffff"/>
{body}</svg>
"##,
        esc(&tr(lang, "svg-title", &[("target", target_name(g, map).into())]))
    )
}

/// Lines of text one under the other, `step` apart, the first at (`x`, `y`), each with the
/// attributes `style`.
fn text_lines(body: &mut String, lines: &[String], (x, y, step): (f64, f64, f64), style: &str) {
    for (i, l) in lines.iter().enumerate() {
        let _ = writeln!(
            body,
            r##"<text x="{x:.1}" y="{:.1}" {style}>{}</text>"##,
            y + step * i as f64,
            esc(l)
        );
    }
}

/// A column heading, bold and centred on `x`.
fn heading(body: &mut String, x: f64, y: f64, label: &str) {
    let _ = writeln!(
        body,
        r##"<text x="{x:.1}" y="{y:.1}" font-size="13" font-weight="bold" fill="#37474f" text-anchor="middle">{}</text>"##,
        esc(label)
    );
}

/// Where the next legend entry goes: entries run left to right, wrapping to a new row
/// when one would cross the right margin.
struct Legend {
    lx: f64,
    ly: f64,
}

impl Legend {
    /// Writes one entry: the swatch `swatch(x, y)` draws, `swatch_w` wide, then the label
    /// `key` at `text_dx` right of the entry's start.
    fn entry(
        &mut self,
        body: &mut String,
        lang: Lang,
        key: &str,
        (swatch_w, text_dx): (f64, f64),
        swatch: impl FnOnce(f64, f64) -> String,
    ) {
        let label = &tr(lang, key, &[]);
        let w = swatch_w + text_w(label, 12.0) + 22.0;
        if self.lx + w > W - MARGIN {
            self.lx = MARGIN;
            self.ly += 24.0;
        }
        let (lx, ly) = (self.lx, self.ly);
        let _ = writeln!(
            body,
            r##"{}<text x="{:.1}" y="{:.1}" font-size="12" fill="#37474f">{}</text>"##,
            swatch(lx, ly),
            lx + text_dx,
            ly + 13.0,
            esc(label)
        );
        self.lx += w;
    }
}

/// One step's card: title wrapped inside, and one or two lines of plain-word detail.
fn draw_card(body: &mut String, g: &CatalogGraph, p: &Plan, card: &Card, step: &Step, lang: Lang) {
    let item = step.item;
    let (x, y) = (card.x, card.y);
    let reaches = matches!(item, Item::Credential(c) if p.reaches.contains(&c));
    let (fill, stroke, dash, width, rx) = match item {
        Item::Credential(_) if reaches => ("#ffe082", "#0d47a1", "", 3.5, 14),
        Item::Credential(_) => ("#ffe082", "#b28704", "", 2.5, 14),
        Item::Assessment(_) => ("#ede7f6", "#5e35b1", "", 1.6, 6),
        Item::Course(_) if step.duplicative => ("url(#hatch)", "#e65100", "6 3", 2.0, 6),
        Item::Course(_) => ("#ffffff", "#78909c", "", 1.2, 6),
    };
    let _ = writeln!(
        body,
        r##"<rect x="{x:.1}" y="{y:.1}" width="{CARD_W}" height="{CARD_H}" rx="{rx}" fill="{fill}" stroke="{stroke}" stroke-width="{width}" {}/>"##,
        if dash.is_empty() {
            String::new()
        } else {
            format!(r#"stroke-dasharray="{dash}""#)
        }
    );
    let number = |it: Item| p.steps.iter().position(|s| s.item == it).map(|i| i + 1);
    let n = number(item).unwrap_or(0);
    let _ = writeln!(
        body,
        r##"<circle cx="{:.1}" cy="{:.1}" r="9" fill="#37474f"/><text x="{:.1}" y="{:.1}" font-size="10" font-weight="bold" fill="#ffffff" text-anchor="middle">{n}</text>"##,
        x + CARD_W - 12.0,
        y + 12.0,
        x + CARD_W - 12.0,
        y + 15.5
    );
    let chars = ((CARD_W - 30.0) / GLYPH_11) as usize;
    let name = match item {
        Item::Credential(_) => format!("★ {}", title(g, item)),
        Item::Assessment(_) => tr(lang, "svg-exam", &[("title", title(g, item).into())]),
        Item::Course(_) => title(g, item).to_owned(),
    };
    let title_lines = wrap(&name, chars, 4);
    text_lines(
        body,
        &title_lines,
        (x + 6.0, y + 14.0, 13.0),
        r##"font-size="11" font-weight="bold" fill="#212121""##,
    );
    let fee = |c: Option<f64>| match c {
        Some(c) => tr(lang, "svg-fee", &[("fee", dollars(c).into())]),
        None => tr(lang, "svg-fee-unknown", &[]),
    };
    let mut after: Vec<usize> = p
        .links
        .iter()
        .filter(|l| l.to == item && !matches!(l.kind, LinkKind::Articulation(_)))
        .filter_map(|l| number(l.from))
        .filter(|&m| m < n)
        .collect();
    after.sort_unstable();
    after.dedup();
    let mut detail: Vec<String> = Vec::new();
    if !after.is_empty() {
        detail.push(tr(lang, "svg-after", &[("steps", ranges(&after).into())]));
    }
    if reaches {
        detail.push(tr(lang, "svg-qualifies", &[]));
    }
    match item {
        Item::Credential(c) => {
            let best = p.exits.iter().find(|e| e.credential == c).and_then(|e| {
                e.occupations
                    .iter()
                    .filter(|o| o.median_wage.is_some())
                    .max_by(|a, b| a.median_wage.unwrap_or(0.0).total_cmp(&b.median_wage.unwrap_or(0.0)))
            });
            match best {
                // The destination box gives the target job's figures; the card says it qualifies.
                Some(_) if reaches => {}
                Some(o) => {
                    detail.push(tr(
                        lang,
                        if o.high_demand {
                            "svg-jobs-wage-high"
                        } else {
                            "svg-jobs-wage"
                        },
                        &[("wage", dollars(o.median_wage.unwrap_or(0.0)).into())],
                    ));
                    detail.push(tr(
                        lang,
                        "svg-openings",
                        &[(
                            "openings",
                            o.annual_openings
                                .map(count)
                                .unwrap_or_else(|| tr(lang, "svg-unknown", &[]))
                                .into(),
                        )],
                    ));
                }
                None => detail.push(tr(lang, "svg-ladder-step", &[])),
            }
        }
        Item::Course(_) if step.duplicative => {
            let by: Vec<String> = step.covered_by.iter().map(|s| source_words(lang, g, s)).collect();
            detail.push(tr(
                lang,
                "svg-course-repeats",
                &[
                    ("hours", step.hours.to_string().into()),
                    ("sources", by.join(", ").into()),
                ],
            ));
        }
        Item::Course(c) => detail.push(tr(
            lang,
            "svg-course",
            &[
                ("hours", step.hours.to_string().into()),
                (
                    "cost",
                    g.course(c).cost.map(dollars).unwrap_or_else(|| fee(None)).into(),
                ),
            ],
        )),
        Item::Assessment(a) => detail.push(tr(
            lang,
            "svg-course",
            &[
                ("hours", step.hours.to_string().into()),
                ("cost", fee(g.assessment(a).cost).into()),
            ],
        )),
    }
    let room = (((CARD_H - 8.0) - (14.0 + 13.0 * (title_lines.len() as f64 - 1.0)) - 4.0) / 12.0).floor() as usize;
    let dchars = ((CARD_W - 12.0) / 5.3) as usize;
    let mut lines: Vec<String> = Vec::new();
    for d in &detail {
        lines.extend(wrap(d, dchars, 2));
    }
    lines.truncate(room.max(1));
    let nl = lines.len() as f64;
    for (i, l) in lines.iter().enumerate() {
        let _ = writeln!(
            body,
            r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="{}">{}</text>"##,
            x + 6.0,
            y + CARD_H - 8.0 - 12.0 * (nl - 1.0 - i as f64),
            if step.duplicative { "#bf360c" } else { "#455a64" },
            esc(l)
        );
    }
}
