//! Charts as SVG for the planner pages: horizontal bar charts with a title, text labels and
//! values, readable in print and by screen readers (`role="img"`, `<title>`; each chart sits
//! beside a table of the same figures). Every text is escaped.

use crate::render::xml_escape as esc;
use std::fmt::Write;

/// A horizontal bar chart: one bar per `(label, value, value_text)`, scaled to `max`.
pub fn bars(title: &str, rows: &[(String, f64, String)], max: f64) -> String {
    const W: f64 = 640.0;
    const LABEL_W: f64 = 220.0;
    const VALUE_W: f64 = 120.0;
    const ROW_H: f64 = 30.0;
    const TOP: f64 = 34.0;
    let h = TOP + ROW_H * rows.len() as f64 + 10.0;
    let bar_w = W - LABEL_W - VALUE_W;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {W} {h}" width="{W}" height="{h}" font-family="system-ui, sans-serif" font-size="14"><title>{t}</title><text x="0" y="20" font-weight="bold" font-size="15" fill="#1a1a1a">{t}</text>"##,
        t = esc(title)
    );
    for (i, (label, value, text)) in rows.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let frac = if max > 0.0 { (value / max).clamp(0.0, 1.0) } else { 0.0 };
        let label = if label.chars().count() > 30 {
            format!("{}…", label.chars().take(29).collect::<String>())
        } else {
            label.clone()
        };
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" fill="#1a1a1a">{l}</text><rect x="{LABEL_W}" y="{by}" width="{bw}" height="18" fill="#e6e9ef"/><rect x="{LABEL_W}" y="{by}" width="{fw:.1}" height="18" fill="#1f5fa8"/><text x="{vx}" y="{ty}" fill="#1a1a1a">{v}</text>"##,
            lx = LABEL_W - 8.0,
            ty = y + 14.0,
            by = y + 1.0,
            bw = bar_w,
            fw = bar_w * frac,
            vx = LABEL_W + bar_w + 8.0,
            l = esc(&label),
            v = esc(text),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_scale_to_max_and_escape_text() {
        let svg = super::bars(
            "Share <b>",
            &[("a & b".into(), 0.5, "50%".into()), ("c".into(), 1.0, "100%".into())],
            1.0,
        );
        assert!(svg.contains("Share &lt;b&gt;") && svg.contains("a &amp; b"));
        assert!(!svg.contains("<b>"));
        // Bar area is 300 wide: half and full bars.
        assert!(svg.contains(r#"width="150.0""#) && svg.contains(r#"width="300.0""#));
    }
}
