//! Why a target is out of reach: follow the first blocked requirement down to the missing
//! piece (a course closed to the entry point, a group with too few reachable members, ...).

use super::Target;
use super::model::{Bits, Kind, LGroup, Model};
use crate::graph::Item;

/// A sentence naming the missing piece. `possible` is the closure with every takeable course
/// taken, which does not contain the goal.
pub fn why_unreachable(m: &Model<'_>, possible: &Bits, target: Target) -> String {
    let g = m.graph;
    let head = match target {
        Target::Occupation(o) => {
            let occ = g.occupation(o);
            format!(
                "no entry credential of {} ({}) can be earned from {} entry",
                occ.soc,
                occ.title,
                m.entry.as_str()
            )
        }
        Target::Credential(c) => format!(
            "credential `{}` cannot be earned from {} entry",
            g.credential(c).id,
            m.entry.as_str()
        ),
    };
    let mut seen = Bits::new(m.len());
    let first = m.groups[0][0].members().next();
    match first.and_then(|t| blocker(m, possible, t, &mut seen, 0)) {
        Some(why) => format!("{head}: {why}"),
        None => head,
    }
}

fn name(m: &Model<'_>, i: u32) -> String {
    format!("`{}`", m.graph.item_id(m.item(i)))
}

fn blocker(m: &Model<'_>, possible: &Bits, i: u32, seen: &mut Bits, depth: usize) -> Option<String> {
    if seen.get(i) || depth > 12 {
        return None;
    }
    seen.set(i);
    let u = i as usize;
    if m.kind[u] == Kind::Course {
        let system = m.system[u].expect("a course");
        if let Item::Course(c) = m.item(i)
            && let Err(rule) = m.entry.may_take(m.graph.course(c))
        {
            return Some(format!(
                "required course {} is a {} course, closed to {} entry ({}: {}), and no articulation waives it",
                name(m, i),
                system.as_str(),
                m.entry.as_str(),
                rule.as_str(),
                rule.explain()
            ));
        }
    }
    for grp in &m.groups[u] {
        if grp.holds(possible) {
            continue;
        }
        let members: Vec<u32> = grp.members().collect();
        let reachable = members.iter().filter(|&&x| possible.get(x)).count();
        let what = match grp {
            LGroup::Choose { n, .. } => format!("{n} of"),
            LGroup::Credits { min, .. } => format!("{min} credits from"),
        };
        let list: Vec<String> = members.iter().map(|&x| name(m, x)).collect();
        let role = if m.kind[u] == Kind::Course {
            "as prerequisite"
        } else {
            ""
        };
        let mut s = format!(
            "{} needs {what} [{}]{}{} but only {reachable} can be reached",
            name(m, i),
            list.join(", "),
            if role.is_empty() { "" } else { " " },
            role
        );
        if members.is_empty() {
            s = format!("{} needs {what} an empty list", name(m, i));
        }
        if let Some(deeper) = members
            .iter()
            .filter(|&&x| !possible.get(x))
            .find_map(|&x| blocker(m, possible, x, seen, depth + 1))
        {
            s.push_str("; ");
            s.push_str(&deeper);
        }
        return Some(s);
    }
    None
}
