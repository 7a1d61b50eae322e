//! Evaluating a course set: the order a learner follows, duplicative steps, cost, credentials
//! earned, and the plan as reported (skipped items, exits, links).

use super::model::{Bits, Kind, Model};
use super::search::Found;
use super::*;
use crate::graph::Group;

/// The result of walking a course set in step order.
#[derive(Debug, Clone)]
pub struct Sim {
    /// Local index, duplicative, covered_by; credentials carry the system of their trigger.
    pub steps: Vec<(u32, bool, Vec<Source>, System)>,
    pub cost: Cost,
    pub total_hours: f64,
    pub duplicative_hours: f64,
    pub postsecondary_hours: f64,
    pub exit_value: f64,
    pub sat: Bits,
}

/// Per-request data for evaluating plans.
pub struct Evaluator<'a, 'g> {
    ctx: &'a MapContext<'a>,
    pub model: &'a Model<'g>,
    region: &'a str,
    objective: Objective,
    /// Satisfied before any step.
    pub initial_sat: Bits,
    /// Competencies held before any step (local competency bits) and who taught each.
    pub held0: Bits,
    source0: Vec<Option<Source>>,
    /// Courses duplicative whatever the order (everything they teach is held before step 1).
    pub always_dup: Bits,
    /// Per local credential: the best median wage of the occupations it qualifies for.
    value: Vec<f64>,
    hours_per_term: f64,
    weeks_per_term: f64,
    eligibility: Vec<String>,
    /// Per local unit: its lower-bound figures (see [`Evaluator::unit_cost`]).
    unit: Vec<[u64; 5]>,
}

/// Who a satisfied item's competencies are credited to, for `covered_by`: the item itself when
/// the learner holds it, the plan takes it or it is a credential earned; for a course waived by
/// an articulation, whoever its first satisfied source is credited to; for a prior-learning
/// waiver, prior learning. Names only what the learner holds or the plan contains.
fn attribute(m: &Model<'_>, sat: &Bits, i: u32) -> Source {
    let mut x = i;
    for _ in 0..m.len() {
        if m.kind[x as usize] != Kind::Course || m.given.get(x) {
            return Source::Item(m.item(x));
        }
        if m.prior_waived.get(x) {
            return Source::PriorLearning;
        }
        match m.arts_in[x as usize].iter().find(|(s, _)| sat.get(*s)) {
            Some(&(s, _)) => x = s,
            // Taken in the plan.
            None => return Source::Item(m.item(x)),
        }
    }
    Source::Item(m.item(i))
}

fn is_postsecondary(s: System) -> bool {
    matches!(s, System::Postsecondary | System::WorkBased)
}

impl<'a, 'g> Evaluator<'a, 'g> {
    pub fn new(
        ctx: &'a MapContext<'a>,
        model: &'a Model<'g>,
        learner: &Learner,
        region: &'a str,
        objective: Objective,
    ) -> Self {
        let g = ctx.graph;
        let n_comp = model.comp_global.len();
        let comp_local: HashMap<CompetencyIx, u32> = model
            .comp_global
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u32))
            .collect();
        let mut held0 = Bits::new(n_comp);
        let mut source0: Vec<Option<Source>> = vec![None; n_comp];
        let mut hold = |c: u32, s: Source, held: &mut Bits| {
            if !held.get(c) {
                held.set(c);
                source0[c as usize] = Some(s);
            }
        };
        for c in &learner.competencies {
            hold(comp_local[c], Source::PriorLearning, &mut held0);
        }
        let initial_sat = model.closure(&Bits::new(model.len()));
        for i in initial_sat.ones().filter(|&i| i != 0) {
            let by = attribute(model, &initial_sat, i);
            for &c in &model.comps[i as usize] {
                hold(c, by, &mut held0);
            }
        }
        // A held credential vouches for the courses of its all-of groups.
        for &cr in &learner.credentials {
            for grp in g.requirements(cr) {
                if let Group::Choose { n, from } = grp
                    && *n as usize == from.len()
                {
                    for it in from {
                        if let Item::Course(c) = it {
                            for gc in g.course_competencies(*c) {
                                if let Some(&l) = comp_local.get(gc) {
                                    hold(l, Source::Item(Item::Credential(cr)), &mut held0);
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut always_dup = Bits::new(model.len());
        for i in model
            .takeable
            .ones()
            .filter(|&i| model.kind[i as usize] == Kind::Course)
        {
            let cs = &model.comps[i as usize];
            if !cs.is_empty() && cs.iter().all(|&c| held0.get(c)) {
                always_dup.set(i);
            }
        }
        let value = (0..model.len())
            .map(|i| match model.items[i] {
                Some(Item::Credential(c)) => g
                    .qualifies_for(c)
                    .iter()
                    .filter_map(|&o| ctx.demand.occupation(g, o, region, ctx.policy).median_wage)
                    .fold(0.0, f64::max),
                _ => 0.0,
            })
            .collect();
        let defaults = learner.term_defaults.unwrap_or_else(|| model.entry.term_defaults());
        let hours_per_term = learner.hours_per_term.unwrap_or(defaults.hours_per_term);
        let unit = (0..model.len() as u32)
            .map(|i| {
                let u = i as usize;
                if !model.kind[u].is_unit() {
                    return [0; 5];
                }
                let h = centi(model.hours[u]);
                let dup = if always_dup.get(i) { h } else { 0 };
                let (obj, unknown, tie) = match objective {
                    // The search ranks `duplication` by the duplicative dimension and breaks
                    // its ties by this one (see `search::bounds::bound`).
                    Objective::Duplication | Objective::Hours => (h, 0, 0),
                    Objective::PostsecondaryHours => {
                        let ps = model.system[u].is_some_and(is_postsecondary);
                        (if ps { h } else { 0 }, 0, h)
                    }
                    Objective::Cost => {
                        let (c, unknown) =
                            schedule::net_cost_floor(g, model.item(i), model.system[u], &learner.eligibility);
                        (c, u64::from(unknown), h)
                    }
                    // Hours a term can hold of this step (see `objective_bound`).
                    Objective::Weeks => (h.min(centi(hours_per_term)), 0, h),
                };
                [dup, obj, unknown, tie, 1]
            })
            .collect();
        Evaluator {
            ctx,
            model,
            region,
            objective,
            initial_sat,
            held0,
            source0,
            always_dup,
            value,
            hours_per_term,
            weeks_per_term: defaults.weeks_per_term,
            eligibility: learner.eligibility.clone(),
            unit,
        }
    }

    /// Lower bounds of what taking unit `i` adds to a plan's [`Cost`], as (duplicative,
    /// objective, unknown costs, tie hours, steps); summed over a set of units (or a lower bound
    /// of that sum) and passed through [`Evaluator::objective_bound`], they bound the plan's
    /// cost field by field.
    ///
    /// - duplicative: the hours when the unit is duplicative whatever the order;
    /// - `hours`, `postsecondary_hours`: the unit's hours (in a postsecondary or work-based
    ///   system; an exam's stage is unknown, 0);
    /// - `cost`: [`schedule::net_cost_floor`]; unknown costs: 1 when unknown;
    /// - `weeks`: min(hours, hours per term), the hours it fills in the terms (a term holds at
    ///   most `hours_per_term` hours unless it holds one step alone).
    pub fn unit_cost(&self, i: u32) -> [u64; 5] {
        self.unit[i as usize]
    }

    /// The objective's lower bound from a lower bound of the summed `unit_cost` objectives:
    /// itself, except for `weeks`: ceil(sum / hours per term) terms times the term length.
    pub fn objective_bound(&self, sum: u64) -> u64 {
        match self.objective {
            Objective::Weeks => {
                let hpt = centi(self.hours_per_term).max(1);
                let terms = sum.div_ceil(hpt);
                centi(terms as f64 * self.weeks_per_term)
            }
            _ => sum,
        }
    }

    /// What the plans are ranked by.
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The hours a term holds.
    pub fn hours_per_term(&self) -> f64 {
        self.hours_per_term
    }

    /// For the `weeks` objective, the objective of a plan of at least `terms` terms; `None` for
    /// the other objectives.
    pub fn weeks_of_terms(&self, terms: u32) -> Option<u64> {
        (self.objective == Objective::Weeks).then(|| centi(terms as f64 * self.weeks_per_term))
    }

    /// Walks the course set `taken` in step order (see the module docs of `career_map`).
    /// `None` when some course never becomes takeable (the set is infeasible).
    ///
    /// Time O(|taken| · (closure + |taken|)).
    pub fn simulate(&self, taken: &Bits) -> Option<Sim> {
        let m = self.model;
        let g = self.ctx.graph;
        let mut sat = self.initial_sat.clone();
        let mut held = self.held0.clone();
        let mut source = self.source0.clone();
        let mut so_far = Bits::new(m.len());
        let mut remaining: Vec<u32> = taken.ones().collect();
        let mut steps = Vec::with_capacity(remaining.len() * 2);
        let (mut total, mut dup, mut ps) = (0.0, 0.0, 0.0);
        let mut cost = Cost::default();
        let mut exit_value = 0.0;
        let global = |i: u32| match m.item(i) {
            Item::Course(c) => c.0,
            Item::Credential(c) => c.0,
            Item::Assessment(a) => a.0,
        };
        // The stage so far: an assessment belongs to the stage of the step before it.
        let mut stage = match m.entry {
            EntryPoint::Secondary => System::Secondary,
            EntryPoint::Adult => System::Adult,
            EntryPoint::Postsecondary => System::Postsecondary,
        };
        // Depth and height of each taken course: the longest chain of taken courses it lists as
        // prerequisites (directly or through each other), and the longest chain of taken
        // courses that list it. Shallower first (introductions before a capstone), then higher
        // (a course others wait for first).
        let mut depth = vec![0u32; m.len()];
        let mut height = vec![0u32; m.len()];
        for _ in 0..remaining.len() {
            let mut changed = false;
            for &j in &remaining {
                if m.kind[j as usize] != Kind::Course {
                    continue;
                }
                for x in m.groups[j as usize].iter().flat_map(|gr| gr.members()) {
                    if !taken.get(x) || m.kind[x as usize] != Kind::Course {
                        continue;
                    }
                    if height[x as usize] < height[j as usize] + 1 {
                        height[x as usize] = height[j as usize] + 1;
                        changed = true;
                    }
                    if depth[j as usize] < depth[x as usize] + 1 {
                        depth[j as usize] = depth[x as usize] + 1;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        while !remaining.is_empty() {
            let ready = |i: u32, strict: bool| {
                m.groups[i as usize].iter().all(|gr| gr.holds(&sat))
                    && (!strict
                        || m.kind[i as usize] != Kind::Assessment
                        || m.after[i as usize].iter().all(|&o| !taken.get(o) || so_far.get(o)))
            };
            let key = |i: u32| {
                (
                    m.system[i as usize].unwrap_or(stage),
                    depth[i as usize],
                    std::cmp::Reverse(height[i as usize]),
                    m.comps[i as usize].len(),
                    global(i),
                )
            };
            let pick = remaining
                .iter()
                .enumerate()
                .filter(|(_, i)| ready(**i, true))
                .min_by_key(|(_, i)| key(**i))
                .or_else(|| {
                    // An exam some of its program's own units wait for: take it when it can be.
                    remaining
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| ready(**i, false))
                        .min_by_key(|(_, i)| key(**i))
                })
                .map(|(p, _)| p)?;
            let c = remaining.swap_remove(pick);
            let cu = c as usize;
            let comps = &m.comps[cu];
            let is_exam = m.kind[cu] == Kind::Assessment;
            let is_dup = !is_exam && !comps.is_empty() && comps.iter().all(|&k| held.get(k));
            let mut covered = Vec::new();
            if is_dup {
                for &k in comps {
                    if let Some(s) = source[k as usize]
                        && !covered.contains(&s)
                    {
                        covered.push(s);
                    }
                }
            }
            let h = m.hours[cu];
            let system = m.system[cu].unwrap_or(stage);
            stage = system;
            total += h;
            if is_postsecondary(system) {
                ps += h;
            }
            if is_dup {
                dup += h;
                cost.duplicative += centi(h);
            }
            // An exam's hours count in the stage it is sat in (as `postsecondary_hours` does);
            // `course_cost` (no system: 0) stays a lower bound for the search.
            let (o, t) = match self.objective {
                Objective::Duplication => (0, centi(h)),
                Objective::Hours => (centi(h), 0),
                Objective::PostsecondaryHours => (if is_postsecondary(system) { centi(h) } else { 0 }, centi(h)),
                // Set from the whole plan below.
                Objective::Cost | Objective::Weeks => (0, centi(h)),
            };
            cost.objective += o;
            cost.tie_hours += t;
            cost.courses += 1;
            steps.push((c, is_dup, covered, system));
            so_far.set(c);
            let next = m.closure(&so_far);
            // Credentials completed together are listed with what they require first.
            let mut fresh: Vec<u32> = next.ones().filter(|&i| !sat.get(i)).collect();
            fresh.sort_unstable_by_key(|&i| m.order_pos[i as usize]);
            for &k in comps {
                if !held.get(k) {
                    held.set(k);
                    source[k as usize] = Some(Source::Item(m.item(c)));
                }
            }
            for i in fresh {
                if i == 0 || i == c {
                    continue;
                }
                let by = attribute(m, &next, i);
                for &k in &m.comps[i as usize] {
                    if !held.get(k) {
                        held.set(k);
                        source[k as usize] = Some(by);
                    }
                }
                if m.kind[i as usize] == Kind::Credential {
                    exit_value += self.value[i as usize];
                    steps.push((i, false, vec![], system));
                }
            }
            sat = next;
        }
        let _ = g;
        if self.objective == Objective::Duplication {
            cost.objective = cost.duplicative;
        }
        if matches!(self.objective, Objective::Cost | Objective::Weeks) {
            // Exactly as the reported plan computes them.
            let full = self.full_steps(&steps, &sat);
            if self.objective == Objective::Cost {
                let (_, _, _, net) = schedule::cost_and_funding(g, &full, &self.eligibility);
                cost.objective = centi(net);
                cost.unknown_costs = full.iter().filter(|s| schedule::step_cost(g, s.item).is_none()).count() as u32;
            } else {
                let terms = schedule::terms(m, &full, self.hours_per_term);
                cost.objective = centi(terms.len() as f64 * self.weeks_per_term);
            }
        }
        Some(Sim {
            steps,
            cost,
            total_hours: total,
            duplicative_hours: dup,
            postsecondary_hours: ps,
            exit_value,
            sat,
        })
    }

    fn exit(&self, c: CredentialIx) -> Exit {
        let g = self.ctx.graph;
        Exit {
            credential: c,
            occupations: g
                .qualifies_for(c)
                .iter()
                .map(|&o| self.ctx.demand.occupation(g, o, self.region, self.ctx.policy))
                .collect(),
        }
    }

    /// The answer for a learner who already qualifies: no steps, their credentials as exits.
    pub fn already_qualified(&self, targets: &[CredentialIx]) -> Plan {
        let m = self.model;
        let mut held: Vec<CredentialIx> = self
            .initial_sat
            .ones()
            .filter(|&i| m.kind[i as usize] == Kind::Credential)
            .filter_map(|i| match m.item(i) {
                Item::Credential(c) => Some(c),
                _ => None,
            })
            .collect();
        held.sort();
        Plan {
            rank: 1,
            total_hours: 0.0,
            duplicative_hours: 0.0,
            postsecondary_hours: 0.0,
            cost: Cost::default(),
            exit_value: 0.0,
            steps: vec![],
            credentials_earned: vec![],
            reaches: targets.iter().copied().filter(|t| held.contains(t)).collect(),
            skipped: held
                .iter()
                .filter(|c| targets.contains(c))
                .map(|&c| Skip {
                    item: Item::Credential(c),
                    reason: SkipReason::Completed,
                    via: None,
                })
                .collect(),
            exits: held.iter().map(|&c| self.exit(c)).collect(),
            links: vec![],
            courses: vec![],
            terms: vec![],
            weeks: 0.0,
            total_cost: 0.0,
            cost_complete: true,
            funding: vec![],
            net_cost: 0.0,
            optimal: true,
            lower_bound: None,
        }
    }

    /// The reported steps of a walked course set: its steps, and the credentials earned at
    /// graduation that the plan relies on, after the last secondary step (at the start when
    /// there is none).
    fn full_steps(&self, sim_steps: &[(u32, bool, Vec<Source>, System)], sat: &Bits) -> Vec<Step> {
        let m = self.model;
        let mut steps: Vec<Step> = sim_steps
            .iter()
            .map(|(i, dup, cov, sys)| Step {
                item: m.item(*i),
                system: *sys,
                hours: m.hours[*i as usize],
                duplicative: *dup,
                covered_by: cov.clone(),
                unavoidable: false,
                alternatives: vec![],
            })
            .collect();
        let used = self.used(sat);
        let at = steps
            .iter()
            .rposition(|s| s.system == System::Secondary)
            .map_or(0, |p| p + 1);
        let grads: Vec<Step> = m
            .graduation
            .ones()
            .filter(|&i| used.get(i))
            .map(|i| Step {
                item: m.item(i),
                system: System::Secondary,
                hours: 0.0,
                duplicative: false,
                covered_by: vec![],
                unavoidable: false,
                alternatives: vec![],
            })
            .collect();
        steps.splice(at..at, grads);
        steps
    }

    /// The reported plan of a found course set.
    pub fn plan(&self, rank: usize, f: &Found) -> Plan {
        let m = self.model;
        let g = self.ctx.graph;
        let sim = &f.sim;
        let mut steps = self.full_steps(&sim.steps, &sim.sat);
        for (i, alts) in &f.alternatives {
            if let Some(s) = steps.iter_mut().find(|s| s.item == m.item(*i)) {
                s.alternatives = alts.iter().map(|&a| m.item(a)).collect();
            }
        }
        let credentials_earned: Vec<CredentialIx> = steps
            .iter()
            .filter_map(|s| match s.item {
                Item::Credential(c) => Some(c),
                _ => None,
            })
            .collect();
        let reaches: Vec<CredentialIx> = m.groups[0][0]
            .members()
            .filter(|&t| sim.sat.get(t))
            .filter_map(|t| match m.item(t) {
                Item::Credential(c) => Some(c),
                _ => None,
            })
            .collect();
        let earned_local: Bits = {
            let mut b = Bits::new(m.len());
            for (i, ..) in &sim.steps {
                b.set(*i);
            }
            b.union_with(&m.graduation);
            b
        };
        // Walk the requirement structure from the goal down through what the plan uses.
        let mut skipped = Vec::new();
        let mut links = Vec::new();
        let mut seen = Bits::new(m.len());
        let mut queue = vec![0u32];
        seen.set(0);
        while let Some(i) = queue.pop() {
            let parent = m.items[i as usize];
            for gr in &m.groups[i as usize] {
                for x in gr.members() {
                    if !sim.sat.get(x) {
                        continue;
                    }
                    if let Some(p) = parent {
                        let kind = if m.kind[i as usize] == Kind::Course {
                            LinkKind::Prerequisite
                        } else {
                            LinkKind::Requirement
                        };
                        links.push(Link {
                            from: m.item(x),
                            to: p,
                            kind,
                        });
                    }
                    if seen.get(x) {
                        continue;
                    }
                    seen.set(x);
                    self.follow(
                        x,
                        &earned_local,
                        &sim.sat,
                        &mut skipped,
                        &mut links,
                        &mut queue,
                        &mut seen,
                    );
                }
            }
        }
        let _ = g;
        let mut courses: Vec<CourseIx> = f
            .taken
            .ones()
            .filter_map(|i| match m.item(i) {
                Item::Course(c) => Some(c),
                _ => None,
            })
            .collect();
        courses.sort();
        let terms = schedule::terms(m, &steps, self.hours_per_term);
        let (total_cost, cost_complete, funding, net_cost) = schedule::cost_and_funding(g, &steps, &self.eligibility);
        Plan {
            weeks: terms.len() as f64 * self.weeks_per_term,
            terms,
            total_cost,
            cost_complete,
            funding,
            net_cost,
            rank,
            total_hours: sim.total_hours,
            duplicative_hours: sim.duplicative_hours,
            postsecondary_hours: sim.postsecondary_hours,
            cost: sim.cost,
            exit_value: sim.exit_value,
            exits: credentials_earned.iter().map(|&c| self.exit(c)).collect(),
            steps,
            credentials_earned,
            reaches,
            skipped,
            links,
            courses,
            optimal: true,
            lower_bound: None,
        }
    }

    /// The satisfied items the goal's requirement structure reaches through satisfied members.
    fn used(&self, sat: &Bits) -> Bits {
        let m = self.model;
        let mut seen = Bits::new(m.len());
        let mut queue = vec![0u32];
        seen.set(0);
        while let Some(i) = queue.pop() {
            let u = i as usize;
            let deps = m.groups[u]
                .iter()
                .flat_map(|g| g.members())
                .chain(m.arts_in[u].iter().map(|(s, _)| *s));
            for x in deps {
                if sat.get(x) && !seen.get(x) && !m.given.get(x) {
                    seen.set(x);
                    queue.push(x);
                }
            }
        }
        seen
    }

    /// Records how satisfied item `x` came about and queues what it depends on.
    #[allow(clippy::too_many_arguments)]
    fn follow(
        &self,
        x: u32,
        earned: &Bits,
        sat: &Bits,
        skipped: &mut Vec<Skip>,
        links: &mut Vec<Link>,
        queue: &mut Vec<u32>,
        seen: &mut Bits,
    ) {
        let m = self.model;
        if earned.get(x) {
            queue.push(x);
            return;
        }
        if m.given.get(x) || (m.kind[x as usize] == Kind::Credential && self.initial_sat.get(x)) {
            skipped.push(Skip {
                item: m.item(x),
                reason: SkipReason::Completed,
                via: None,
            });
            if !m.given.get(x) {
                // Earned before any step from credit (a course waived by a held exam): the
                // credit it rests on is listed too.
                queue.push(x);
            }
            return;
        }
        if m.prior_waived.get(x) {
            skipped.push(Skip {
                item: m.item(x),
                reason: SkipReason::PriorLearning,
                via: None,
            });
            return;
        }
        if m.kind[x as usize] == Kind::Course {
            // Waived: name the first satisfied source.
            if let Some(&(s, a)) = m.arts_in[x as usize].iter().find(|(s, _)| sat.get(*s)) {
                let kind = self.ctx.graph.articulation(a).kind;
                skipped.push(Skip {
                    item: m.item(x),
                    reason: skip_reason(kind),
                    via: Some((m.item(s), a)),
                });
                links.push(Link {
                    from: m.item(s),
                    to: m.item(x),
                    kind: LinkKind::Articulation(a),
                });
                if !seen.get(s) {
                    seen.set(s);
                    if earned.get(s) {
                        queue.push(s);
                    } else if m.prior_waived.get(s) || (!m.given.get(s) && !self.initial_sat.get(s)) {
                        // A chain of credit (a waived course waiving the next, or a course
                        // waived by prior learning giving credit for another): each link is a
                        // credit the plan uses.
                        self.follow(s, earned, sat, skipped, links, queue, seen);
                    }
                }
            }
        }
    }
}

use std::collections::HashMap;
