//! Prints a career map computed over the seed (development aid).
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
        k: 3,
        optimize: Objective::Hours,
        learner: Learner {
            credentials: creds,
            ..Default::default()
        },
    };
    let t = std::time::Instant::now();
    let map = career_map(&ctx, &req, &Limits::default()).unwrap();
    println!("{:?} in {:?} reason={:?}", map.stats, t.elapsed(), map.reason);
    for p in &map.paths {
        println!(
            "rank {} hours {} dup {} cost {:?} value {}",
            p.rank, p.total_hours, p.duplicative_hours, p.cost, p.exit_value
        );
        for s in &p.steps {
            println!(
                "   {:<22} {:?} {} dup={} {:?}",
                g.item_id(s.item),
                s.system,
                s.hours,
                s.duplicative,
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
