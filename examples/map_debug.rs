//! Prints a career map computed over the seed (development aid).
//!
//! `cargo run --release --example map_debug -- TARGET ENTRY [CREDENTIALS] [OBJECTIVE] [K]`
//! (OBJECTIVE: duplication, hours, postsecondary_hours, cost or weeks).
use careermap::analysis::career_map::*;
use careermap::analysis::demand::DemandIndex;
use careermap::graph::{CatalogGraph, Item};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bundle = careermap::domain::Bundle::from_json(careermap::service::SEED.as_bytes()).unwrap();
    let g = CatalogGraph::build(1, bundle);
    let demand = DemandIndex::build(&g);
    let ctx = MapContext::with_default_policy(&g, &demand);
    let target = match g.occupation_ix(&args[1]) {
        Some(o) => Target::Occupation(o),
        None => Target::Credential(g.credential_ix(&args[1]).unwrap()),
    };
    let entry = EntryPoint::parse(&args[2]).unwrap();
    let creds = args
        .get(3)
        .map(|s| {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(|c| g.credential_ix(c).unwrap())
                .collect()
        })
        .unwrap_or_default();
    let req = MapRequest {
        target,
        entry,
        region: "US".into(),
        k: args.get(5).map_or(3, |k| k.parse().unwrap()),
        optimize: match args.get(4).map(String::as_str) {
            None | Some("duplication") => Objective::Duplication,
            Some("hours") => Objective::Hours,
            Some("postsecondary_hours") => Objective::PostsecondaryHours,
            Some("cost") => Objective::Cost,
            Some("weeks") => Objective::Weeks,
            Some(o) => panic!("unknown objective {o}"),
        },
        learner: Learner {
            credentials: creds,
            ..Default::default()
        },
    };
    let t = std::time::Instant::now();
    let map = career_map(&ctx, &req, &Limits::default());
    println!("{:?} in {:?} reason={:?}", map.stats, t.elapsed(), map.reason);
    for p in &map.paths {
        println!(
            "rank {} hours {} dup {} net ${} weeks {} cost {:?} value {} optimal {} bound {:?}",
            p.rank,
            p.total_hours,
            p.duplicative_hours,
            p.net_cost,
            p.weeks,
            p.cost,
            p.exit_value,
            p.optimal,
            p.lower_bound
        );
        for s in &p.steps {
            println!(
                "   {:<22} {:?} {} dup={} alt={:?} {:?}",
                g.item_id(s.item),
                s.system,
                s.hours,
                s.duplicative,
                s.alternatives.iter().map(|&i| g.item_id(i)).collect::<Vec<_>>(),
                s.covered_by
                    .iter()
                    .map(|c| match c {
                        Source::Item(i) => g.item_id(*i).to_string(),
                        Source::PriorLearning => "prior".into(),
                    })
                    .collect::<Vec<_>>()
            );
        }
        for s in &p.skipped {
            println!(
                "   skip {} {:?} {:?}",
                g.item_id(s.item),
                s.reason,
                s.via.map(|(i, _)| g.item_id(i).to_string())
            );
        }
        let _ = Item::Course;
    }
}
