//! The articulation gaps: `missing_articulation` (a secondary or adult course teaches what a
//! postsecondary course teaches, found by a containment join, and no articulation links them)
//! and `partial_credit` (an articulation grants fewer credits than its target carries).

use super::*;

/// Pairs (source course, postsecondary course) where the source, a secondary or adult course,
/// teaches at least `containment` of the postsecondary course's competencies:
/// `|x ∩ y| >= containment · |y|` (within 1e-9), `y` with at least one competency.
///
/// An inverted index maps each competency to the source courses teaching it; a target `y`
/// needs only its first `|y| - ceil(containment·|y|) + 1` competencies (rarest first) probed,
/// since a source missing all of those cannot contain enough of `y`; candidates are verified
/// exactly. Time O(T log T + scanned lists + verification); with the default containment 1.0
/// one list is scanned per target.
pub fn containment_pairs(g: &CatalogGraph, containment: f64) -> Vec<(CourseIx, CourseIx)> {
    let courses = (0..g.n_courses()).map(|i| CourseIx(i as u32));
    let sources: Vec<CourseIx> = courses
        .clone()
        .filter(|&c| matches!(g.course(c).system, System::Secondary | System::Adult))
        .collect();
    let targets: Vec<CourseIx> = courses
        .filter(|&c| g.course(c).system == System::Postsecondary && !g.course_competencies(c).is_empty())
        .collect();
    let mut freq = vec![0u32; g.n_competencies()];
    let mut index: Vec<Vec<CourseIx>> = vec![Vec::new(); g.n_competencies()];
    for &s in &sources {
        for k in g.course_competencies(s) {
            freq[k.ix()] += 1;
            index[k.ix()].push(s);
        }
    }
    let mut out = Vec::new();
    let mut seen: Vec<bool> = vec![false; g.n_courses()];
    let mut touched: Vec<CourseIx> = Vec::new();
    for &y in &targets {
        let ys = g.course_competencies(y);
        let need = containment * ys.len() as f64 - 1e-9;
        let alpha = (need - 1e-6).ceil().max(1.0) as usize;
        let probe = ys.len() - alpha.min(ys.len()) + 1;
        let mut by_rarity: Vec<CompetencyIx> = ys.to_vec();
        by_rarity.sort_by_key(|k| (freq[k.ix()], *k));
        for k in &by_rarity[..probe] {
            for &x in &index[k.ix()] {
                if !seen[x.ix()] {
                    seen[x.ix()] = true;
                    touched.push(x);
                }
            }
        }
        for &x in &touched {
            seen[x.ix()] = false;
            let inter = intersection_size(g.course_competencies(x), ys);
            if inter as f64 >= need {
                out.push((x, y));
            }
        }
        touched.clear();
    }
    out.sort_unstable();
    out
}

/// `missing_articulation` gaps: [`containment_pairs`] not [`articulated`].
pub fn missing_articulations(g: &CatalogGraph, containment: f64) -> Vec<Gap> {
    containment_pairs(g, containment)
        .into_iter()
        .filter(|&(x, y)| !articulated(g, x, y))
        .map(|(x, y)| {
            let (cx, cy) = (g.course(x), g.course(y));
            let n = g.course_competencies(y).len();
            let taught = intersection_size(g.course_competencies(x), g.course_competencies(y));
            Gap {
                kind: GapKind::MissingArticulation,
                severity: cy.hours,
                relative_severity: 0.0,
                occupations: Vec::new(),
                impact: 0.0,
                tier: None,
                subjects: vec![cx.id.to_string(), cy.id.to_string()],
                detail: format!(
                    "{} course `{}` teaches {taught} of the {n} competencies of postsecondary course `{}` ({} hours, {} credits), and no articulation links them: a learner who completed `{}` must repeat what they already know.",
                    cx.system.as_str(),
                    cx.id,
                    cy.id,
                    fmt_num(cy.hours),
                    fmt_num(cy.credits),
                    cx.id
                ),
                suggestion: format!(
                    "Add an articulation agreement ({}) from `{}` to `{}` granting its {} credits.",
                    if cx.system == System::Secondary {
                        "dual enrollment or statewide agreement"
                    } else {
                        "statewide agreement or credit for prior learning"
                    },
                    cx.id,
                    cy.id,
                    fmt_num(cy.credits)
                ),
                entry: None,
            }
        })
        .collect()
}

/// `partial_credit` gaps: articulations granting fewer credits than their target carries.
pub fn partial_credits(g: &CatalogGraph) -> Vec<Gap> {
    let mut out = Vec::new();
    for a in &g.bundle().articulations {
        let Some(to) = g.course_ix(a.to.as_str()) else { continue };
        let target = g.course(to);
        if a.credits + 1e-9 < target.credits {
            let lost = target.credits - a.credits;
            out.push(Gap {
                kind: GapKind::PartialCredit,
                severity: lost,
                relative_severity: 0.0,
                occupations: Vec::new(),
                impact: 0.0,
                tier: None,
                subjects: vec![a.id.to_string(), a.from.to_string(), a.to.to_string()],
                detail: format!(
                    "Articulation `{}` grants {} of the {} credits of `{}` for `{}`: {} credits are lost and the course is still required.",
                    a.id,
                    fmt_num(a.credits),
                    fmt_num(target.credits),
                    a.to,
                    a.from,
                    fmt_num(lost)
                ),
                suggestion: format!(
                    "Align `{}` with `{}` (or add an assessment) so the agreement can grant all {} credits.",
                    a.from,
                    a.to,
                    fmt_num(target.credits)
                ),
                entry: None,
            });
        }
    }
    out
}
