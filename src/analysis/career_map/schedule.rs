//! A plan's terms, weeks, cost and braided funding, computed from its ordered steps.
//!
//! # Terms
//!
//! Steps are placed in order into consecutive terms numbered from 1. A course goes in a term
//! after the terms of every plan step listed in its prerequisite groups; an assessment in the
//! term of (or after) the steps it requires; a credential in the term of the step that
//! completes it (the term so far). A term holds steps of one stage (the system of its
//! courses: a stage change starts a new term, except after a term of 0-hour milestones only),
//! and at most `hours_per_term` hours unless one step alone exceeds it. Steps never move back to an earlier term than the previous step's,
//! so the terms follow the step order. `weeks` is the number of terms times the entry point's
//! term length.
//!
//! # Cost and funding
//!
//! `total_cost` adds the known `cost` of the course and assessment steps; a secondary course
//! with no cost is free (public high school); any other step with no cost makes
//! `cost_complete` false. Funding sources the learner is eligible for (every flag of the
//! source's `eligibility` in `learner.eligibility`; an empty list is open to all) are braided
//! in order of the larger `share` first, then id: each pays `share` of the still-unpaid cost
//! of each step it covers (system, kind, credit-bearing, provider), up to its `cap` over the
//! plan. `net_cost` is `total_cost` less the funding.

use super::model::{Kind, Model};
use super::{Step, Term};
use crate::domain::{Funding, StepKind, System};
use crate::graph::{CatalogGraph, FundingIx, Item};

/// The cost of a step to the learner, if known (`Some(0)` for free secondary courses).
pub fn step_cost(g: &CatalogGraph, item: Item) -> Option<f64> {
    match item {
        Item::Course(c) => {
            let course = g.course(c);
            course.cost.or((course.system == System::Secondary).then_some(0.0))
        }
        Item::Assessment(a) => g.assessment(a).cost,
        Item::Credential(_) => Some(0.0),
    }
}

/// Places the steps into terms (see the module docs).
///
/// Time O(steps · group members).
pub fn terms(m: &Model<'_>, steps: &[Step], hours_per_term: f64) -> Vec<Term> {
    let mut out: Vec<Term> = Vec::new();
    // Term of each plan step, by local index.
    let mut term_of: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for s in steps {
        let Some(&i) = m.index.get(&s.item) else { continue };
        let u = i as usize;
        let last = out.len(); // 1-based number of the current term (0 = none yet)
        let need = |strict: bool| {
            m.groups[u]
                .iter()
                .flat_map(|g| g.members())
                .filter_map(|x| held_from(m, &term_of, x))
                .filter(|&t| t > 0)
                .map(|t| if strict { t + 1 } else { t })
                .max()
                .unwrap_or(1)
        };
        let t = match m.kind[u] {
            Kind::Credential | Kind::Root => last.max(1),
            Kind::Assessment => {
                let mut t = need(false).max(last.max(1));
                if out
                    .get(t - 1)
                    .is_some_and(|x| x.hours > 0.0 && x.hours + s.hours > hours_per_term)
                {
                    t += 1;
                }
                t
            }
            Kind::Course => {
                let mut t = need(true).max(last.max(1));
                if let Some(x) = out.get(t - 1)
                    && x.hours > 0.0
                    && (x.stage != s.system.as_str() || x.hours + s.hours > hours_per_term + 1e-9)
                {
                    t += 1;
                }
                t
            }
        };
        while out.len() < t {
            let n = out.len() + 1;
            out.push(Term {
                term: n,
                stage: s.system.as_str().to_owned(),
                steps: vec![],
                hours: 0.0,
            });
        }
        let term = &mut out[t - 1];
        // A term of milestones only (a diploma at graduation) takes the stage of its first course.
        if term.hours == 0.0 && s.item.step_kind() == StepKind::Course {
            term.stage = s.system.as_str().to_owned();
        }
        term.steps.push(s.item);
        term.hours += s.hours;
        term_of.insert(i, t);
    }
    out
}

/// The term from which the plan holds item `x` (0: from the start), or `None` when it does not
/// hold it so far: a plan step's own term; a course that is no step, the earliest term of a
/// source that waives it (an exam, a dual-enrollment course...), following chains.
fn held_from(m: &Model<'_>, term_of: &std::collections::HashMap<u32, usize>, x: u32) -> Option<usize> {
    fn rec(m: &Model<'_>, term_of: &std::collections::HashMap<u32, usize>, x: u32, depth: usize) -> Option<usize> {
        // Held before the plan (a diploma at graduation included), even when listed as a step.
        if m.given.get(x) || m.graduation.get(x) || m.prior_waived.get(x) {
            return Some(0);
        }
        if let Some(&t) = term_of.get(&x) {
            return Some(t);
        }
        if m.kind[x as usize] != Kind::Course || depth == 0 {
            return None;
        }
        m.arts_in[x as usize]
            .iter()
            .filter_map(|&(s, _)| rec(m, term_of, s, depth - 1))
            .min()
    }
    rec(m, term_of, x, 8)
}

/// Whether funding source `f` covers step `s`.
fn covers(g: &CatalogGraph, f: &Funding, s: &Step) -> bool {
    covers_unit(g, f, s.item, Some(s.system))
}

/// Whether funding source `f` covers unit `item` taken in stage `system` (`None`: in some
/// stage, the systems rule ignored).
fn covers_unit(g: &CatalogGraph, f: &Funding, item: Item, system: Option<System>) -> bool {
    let kind = item.step_kind();
    if kind == StepKind::Credential {
        return false;
    }
    let c = &f.covers;
    if !c.kinds.is_empty() && !c.kinds.contains(&kind) {
        return false;
    }
    if let Some(system) = system
        && !c.systems.is_empty()
        && !c.systems.contains(&system)
    {
        return false;
    }
    let (credits, provider) = match item {
        Item::Course(x) => (g.course(x).credits, g.course(x).provider.as_deref()),
        Item::Assessment(x) => (0.0, g.assessment(x).provider.as_deref()),
        Item::Credential(_) => (0.0, None),
    };
    if c.credit_bearing_only && credits <= 0.0 {
        return false;
    }
    if !c.providers.is_empty() && !provider.is_some_and(|p| c.providers.iter().any(|x| x == p)) {
        return false;
    }
    true
}

/// A lower bound, in cents, of what unit `item` adds to any plan's `net_cost`, and whether its
/// cost is unknown (it then adds 0). Every funding source the learner is eligible for that may
/// cover the unit pays its `share` of what is left, caps ignored (a cap only lowers funding);
/// a course's stage is its system, an assessment's is left open (any source that covers it in
/// some stage counts). Rounded down.
pub fn net_cost_floor(g: &CatalogGraph, item: Item, system: Option<System>, eligibility: &[String]) -> (u64, bool) {
    let Some(cost) = step_cost(g, item) else {
        return (0, true);
    };
    let mut left = cost.max(0.0);
    for i in 0..g.n_funding() {
        let f = g.funding(FundingIx(i as u32));
        if f.eligibility.iter().all(|e| eligibility.contains(e)) && covers_unit(g, f, item, system) {
            left *= 1.0 - f.share.clamp(0.0, 1.0);
        }
    }
    (((left * 100.0) - 1e-6).floor().max(0.0) as u64, false)
}

/// Total known cost, whether every cost is known, the braided funding and the net cost.
pub fn cost_and_funding(
    g: &CatalogGraph,
    steps: &[Step],
    eligibility: &[String],
) -> (f64, bool, Vec<(FundingIx, f64)>, f64) {
    let mut unpaid: Vec<f64> = Vec::with_capacity(steps.len());
    let mut complete = true;
    for s in steps {
        match step_cost(g, s.item) {
            Some(c) => unpaid.push(c),
            None => {
                complete = false;
                unpaid.push(0.0);
            }
        }
    }
    let total: f64 = unpaid.iter().sum();
    let mut sources: Vec<FundingIx> = (0..g.n_funding())
        .map(|i| FundingIx(i as u32))
        .filter(|&f| g.funding(f).eligibility.iter().all(|e| eligibility.contains(e)))
        .collect();
    sources.sort_by(|&a, &b| {
        g.funding(b)
            .share
            .total_cmp(&g.funding(a).share)
            .then(g.funding(a).id.cmp(&g.funding(b).id))
    });
    let mut funding = Vec::new();
    for f in sources {
        let src = g.funding(f);
        let mut left = src.cap.unwrap_or(f64::INFINITY);
        let mut paid = 0.0;
        for (s, u) in steps.iter().zip(unpaid.iter_mut()) {
            if *u <= 0.0 || left <= 0.0 || !covers(g, src, s) {
                continue;
            }
            let pay = (*u * src.share).min(left);
            *u -= pay;
            left -= pay;
            paid += pay;
        }
        if paid > 0.0 {
            funding.push((f, round2(paid)));
        }
    }
    let net = round2(unpaid.iter().sum());
    (round2(total), complete, funding, net)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
