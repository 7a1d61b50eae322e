//! Plans that differ only by interchangeable choices are one plan.
//!
//! Two takeable courses are **interchangeable** when they are in the same system, with equal
//! hours, credits and cost (unknown for both, or the same figure), the same prerequisite
//! groups, and neither is the source of an articulation (its credit would count for more
//! than itself). Two found plans are **alike** when they rank the same ([`Cost`] and exit
//! value), earn the same credentials and take the same courses once each course is replaced
//! by its class of interchangeable courses. The search keeps the first plan of each class of
//! alike plans as a result and the others as its alternatives, so `k` results are `k`
//! different routes.

use super::super::schedule;
use super::Found;
use crate::analysis::career_map::Cost;
use crate::analysis::career_map::centi;
use crate::analysis::career_map::model::{Bits, Kind, Model};
use crate::graph::{Edge, Group, Item};
use std::collections::HashMap;

/// The class of every local item (its own index when nothing is interchangeable with it).
pub(super) struct Classes {
    class: Vec<u32>,
}

/// What alike plans share.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Signature {
    cost: Cost,
    exit_value: u64,
    credentials: Vec<u32>,
    classes: Vec<u32>,
}

impl Classes {
    /// Time O(U) hash lookups over the takeable courses, each hashing its prerequisite groups.
    pub(super) fn new(m: &Model<'_>) -> Classes {
        let g = m.graph;
        let mut class: Vec<u32> = (0..m.len() as u32).collect();
        let mut first: HashMap<(u8, u64, u64, Option<u64>, String), u32> = HashMap::new();
        for i in m.takeable.ones() {
            let Some(Item::Course(c)) = m.items[i as usize] else {
                continue;
            };
            if m.kind[i as usize] != Kind::Course
                || g.edges_from(Item::Course(c))
                    .any(|(e, _)| matches!(e, Edge::Articulation(_)))
            {
                continue;
            }
            let course = g.course(c);
            let key = (
                course.system as u8,
                centi(course.hours),
                centi(course.credits),
                schedule::step_cost(g, Item::Course(c)).map(centi),
                groups_key(g.prerequisites(c)),
            );
            class[i as usize] = *first.entry(key).or_insert(i);
        }
        Classes { class }
    }

    /// The class of local item `i`.
    pub(super) fn of(&self, i: u32) -> u32 {
        self.class[i as usize]
    }

    /// What a found plan shares with the plans alike to it.
    pub(super) fn signature(&self, m: &Model<'_>, f: &Found) -> Signature {
        let mut credentials: Vec<u32> = f
            .sim
            .steps
            .iter()
            .map(|s| s.0)
            .filter(|&i| m.kind[i as usize] == Kind::Credential)
            .collect();
        credentials.sort_unstable();
        let mut classes: Vec<u32> = f.taken.ones().map(|i| self.of(i)).collect();
        classes.sort_unstable();
        Signature {
            cost: f.sim.cost,
            exit_value: f.sim.exit_value.to_bits(),
            credentials,
            classes,
        }
    }

    /// Per course of `taken`, the courses that replace it alone in one of the alike plans
    /// `others` (sorted, without repeats); courses without any are left out. An alike plan
    /// that swaps several courses at once is not broken into single swaps.
    pub(super) fn alternatives(&self, taken: &Bits, others: &[&Bits]) -> Vec<(u32, Vec<u32>)> {
        let mut out: Vec<(u32, Vec<u32>)> = Vec::new();
        for o in others {
            let gone: Vec<u32> = taken.ones().filter(|&x| !o.get(x)).collect();
            let new: Vec<u32> = o.ones().filter(|&x| !taken.get(x)).collect();
            if let ([a], [b]) = (&gone[..], &new[..])
                && self.of(*a) == self.of(*b)
            {
                match out.iter_mut().find(|(x, _)| x == a) {
                    Some((_, alts)) => alts.push(*b),
                    None => out.push((*a, vec![*b])),
                }
            }
        }
        for (_, alts) in &mut out {
            alts.sort_unstable();
            alts.dedup();
        }
        out.sort_unstable();
        out
    }
}

/// Prerequisite groups as a hashable key (debug form: ids are indices, order as listed).
fn groups_key(groups: &[Group]) -> String {
    if groups.is_empty() {
        String::new()
    } else {
        format!("{groups:?}")
    }
}
