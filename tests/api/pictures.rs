//! Reading the Graphviz DOT and Mermaid renderings of a career map back as graphs: a small
//! parser for each (node and edge statements), and one check that a plan's drawing has a node
//! for every step and an edge for every prerequisite or requirement linking two steps.

use crate::common::TestApp;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A drawing read back: node ids with their label, and edges `from -> to`.
#[derive(Debug, Default)]
pub struct Drawing {
    pub nodes: BTreeMap<String, String>,
    pub edges: BTreeSet<(String, String)>,
}

// ---- DOT ----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Id(String),
    Str(String),
    Arrow,
    Open(char),
    Close(char),
    Semi,
    Eq,
    Comma,
}

fn dot_tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            c if c.is_whitespace() => {}
            '"' => {
                let mut s = String::new();
                while let Some(c) = it.next() {
                    match c {
                        '\\' => {
                            // Keep DOT escapes as written (`\n`, `\"`), minus the backslash of `\"`.
                            match it.next() {
                                Some('"') => s.push('"'),
                                Some(e) => {
                                    s.push('\\');
                                    s.push(e);
                                }
                                None => panic!("DOT string ends in a backslash: {text}"),
                            }
                        }
                        '"' => break,
                        c => s.push(c),
                    }
                }
                out.push(Tok::Str(s));
            }
            '-' if it.peek() == Some(&'>') => {
                it.next();
                out.push(Tok::Arrow);
            }
            '[' | '{' => out.push(Tok::Open(c)),
            ']' | '}' => out.push(Tok::Close(c)),
            ';' => out.push(Tok::Semi),
            '=' => out.push(Tok::Eq),
            ',' => out.push(Tok::Comma),
            c if c.is_alphanumeric() || c == '_' || c == '.' => {
                let mut s = String::from(c);
                while let Some(&n) = it.peek() {
                    if n.is_alphanumeric() || n == '_' || n == '.' {
                        s.push(n);
                        it.next();
                    } else {
                        break;
                    }
                }
                out.push(Tok::Id(s));
            }
            c => panic!("unexpected character {c:?} in DOT: {text}"),
        }
    }
    out
}

/// `[a=b, c="d"]` starting at `toks[*i]` (after the `[`), up to and past the `]`.
fn dot_attrs(toks: &[Tok], i: &mut usize) -> BTreeMap<String, String> {
    let mut attrs = BTreeMap::new();
    loop {
        match toks.get(*i) {
            Some(Tok::Close(']')) => {
                *i += 1;
                return attrs;
            }
            Some(Tok::Comma | Tok::Semi) => *i += 1,
            Some(Tok::Id(k) | Tok::Str(k)) => {
                assert_eq!(toks.get(*i + 1), Some(&Tok::Eq), "attribute {k} has a value");
                let v = match toks.get(*i + 2) {
                    Some(Tok::Id(v) | Tok::Str(v)) => v.clone(),
                    t => panic!("attribute {k} has value {t:?}"),
                };
                attrs.insert(k.clone(), v);
                *i += 3;
            }
            t => panic!("unexpected {t:?} in an attribute list"),
        }
    }
}

/// Parses a `digraph` into its nodes (with their `label`) and edges. Subgraphs are entered,
/// graph/node/edge attribute statements and `a=b` assignments are skipped.
pub fn parse_dot(text: &str) -> Drawing {
    let toks = dot_tokens(text);
    assert!(
        matches!(toks.first(), Some(Tok::Id(k)) if k == "digraph"),
        "a DOT digraph: {text}"
    );
    let mut d = Drawing::default();
    let mut i = 1;
    if matches!(toks.get(i), Some(Tok::Id(_) | Tok::Str(_))) {
        i += 1;
    }
    assert_eq!(toks.get(i), Some(&Tok::Open('{')), "the digraph's body opens: {text}");
    i += 1;
    let mut depth = 1;
    while i < toks.len() {
        match &toks[i] {
            Tok::Close('}') => {
                depth -= 1;
                i += 1;
            }
            Tok::Semi => i += 1,
            Tok::Id(k) if k == "subgraph" => {
                i += 1;
                if matches!(toks.get(i), Some(Tok::Id(_) | Tok::Str(_))) {
                    i += 1;
                }
                assert_eq!(toks.get(i), Some(&Tok::Open('{')), "a subgraph's body opens");
                depth += 1;
                i += 1;
            }
            Tok::Id(k)
                if matches!(k.as_str(), "graph" | "node" | "edge") && toks.get(i + 1) == Some(&Tok::Open('[')) =>
            {
                i += 2;
                dot_attrs(&toks, &mut i);
            }
            Tok::Id(a) | Tok::Str(a) => {
                if toks.get(i + 1) == Some(&Tok::Eq) {
                    // `label="..."` and the like: an attribute of the (sub)graph.
                    i += 3;
                    continue;
                }
                // A node, or an edge chain `a -> b -> c`, with optional attributes.
                let mut chain = vec![a.clone()];
                i += 1;
                while toks.get(i) == Some(&Tok::Arrow) {
                    match toks.get(i + 1) {
                        Some(Tok::Id(b) | Tok::Str(b)) => chain.push(b.clone()),
                        t => panic!("an edge ends at {t:?}"),
                    }
                    i += 2;
                }
                let attrs = if toks.get(i) == Some(&Tok::Open('[')) {
                    i += 1;
                    dot_attrs(&toks, &mut i)
                } else {
                    BTreeMap::new()
                };
                if chain.len() == 1 {
                    let label = attrs.get("label").cloned().unwrap_or_default();
                    d.nodes.insert(chain.remove(0), label);
                } else {
                    for w in chain.windows(2) {
                        d.edges.insert((w[0].clone(), w[1].clone()));
                    }
                }
            }
            t => panic!("unexpected {t:?} in DOT: {text}"),
        }
    }
    assert_eq!(depth, 0, "every brace of the DOT closes");
    d
}

// ---- Mermaid ------------------------------------------------------------------------------

/// The shapes a Mermaid node may take: opener and closer.
const SHAPES: [(&str, &str); 7] = [
    ("([", "])"),
    ("[/", "/]"),
    ("{{", "}}"),
    ("((", "))"),
    ("[", "]"),
    ("(", ")"),
    ("{", "}"),
];

/// One node reference at the start of `s`: its id, its label when it has a shape, and the rest.
fn mermaid_node(s: &str) -> Option<(String, Option<String>, &str)> {
    let s = s.trim_start();
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    let (id, mut rest) = s.split_at(end);
    let mut label = None;
    if let Some((open, close)) = SHAPES.iter().find(|(o, _)| rest.starts_with(o)) {
        let body = &rest[open.len()..];
        let text = body.strip_prefix('"').expect("Mermaid labels are quoted");
        let q = text.find('"').expect("the label's quote closes");
        label = Some(text[..q].to_owned());
        let after = text[q + 1..]
            .strip_prefix(close)
            .unwrap_or_else(|| panic!("the shape of {id} closes with {close}: {s}"));
        rest = after;
    }
    if let Some(class) = rest.strip_prefix(":::") {
        let e = class
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(class.len());
        rest = &class[e..];
    }
    Some((id.to_owned(), label, rest))
}

/// Parses a Mermaid `flowchart` into its nodes and edges: node statements with a shape,
/// chains of nodes joined by `-->`, `==>` or `-.->` (with an optional `|label|`); subgraph,
/// `end` and `classDef` lines are structure, not nodes.
pub fn parse_mermaid(text: &str) -> Drawing {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    assert!(first.starts_with("flowchart "), "a Mermaid flowchart: {text}");
    let mut d = Drawing::default();
    let mut depth = 0;
    for line in lines {
        let l = line.trim();
        if l.is_empty() || l.starts_with("classDef ") || l.starts_with("%%") {
            continue;
        }
        if l.starts_with("subgraph ") {
            depth += 1;
            continue;
        }
        if l == "end" {
            depth -= 1;
            continue;
        }
        let (id, label, mut rest) = mermaid_node(l).unwrap_or_else(|| panic!("a Mermaid statement: {l}"));
        let mut prev = id.clone();
        if let Some(label) = label {
            d.nodes.insert(id, label);
        }
        loop {
            let r = rest.trim_start();
            if r.is_empty() {
                break;
            }
            let arrow = ["-.->", "-->", "==>"]
                .into_iter()
                .find(|a| r.starts_with(a))
                .unwrap_or_else(|| panic!("an arrow after {prev}: {l}"));
            let mut r = &r[arrow.len()..];
            if let Some(lab) = r.strip_prefix('|') {
                r = &lab[lab.find('|').expect("the edge label closes") + 1..];
            }
            let (next, label, after) = mermaid_node(r).unwrap_or_else(|| panic!("an edge ends at a node: {l}"));
            if let Some(label) = label {
                d.nodes.insert(next.clone(), label);
            }
            d.edges.insert((prev, next.clone()));
            prev = next;
            rest = after;
        }
    }
    assert_eq!(depth, 0, "every subgraph ends");
    d
}

// ---- the check ----------------------------------------------------------------------------

/// The id the renderings give a catalog item: `c_` for courses, `k_` for the rest, every
/// character but ASCII letters and digits as `_` (the rendering's documented node names).
pub fn node_name(id: &str, kind: &str) -> String {
    let prefix = if kind == "course" { "c_" } else { "k_" };
    prefix.to_owned()
        + &id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
}

/// The ids named by a record's requirement groups (`prerequisites` of a course, `requires`
/// of a credential).
fn group_members(record: &Value, field: &str) -> Vec<String> {
    record[field]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["from"].as_array().into_iter().flatten())
        .filter_map(|m| m.as_str().map(str::to_owned))
        .collect()
}

/// Checks a drawing of `plan` (one entry of a career map's `paths`) against the catalog's own
/// records (read from the API): every step is a node; each credential the plan `reaches` has an
/// edge to the destination; and walking down from those credentials through the requirement
/// structure (`requires` of a credential, `prerequisites` of a course), every member that is a
/// step or a skipped item is an edge from it to the item that needs it. Steps off that walk
/// (a credential earned on the way that the target does not need) have no edges to check.
/// Returns how many course prerequisites were among the edges checked.
pub async fn check_drawing(app: &TestApp, what: &str, drawing: &Drawing, plan: &Value) -> usize {
    let kinds = |field: &str| -> BTreeMap<String, String> {
        plan[field]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let kind = s["kind"].as_str().unwrap_or("course");
                (s["id"].as_str().unwrap().to_owned(), kind.to_owned())
            })
            .collect()
    };
    let steps = kinds("steps");
    let skipped = kinds("skipped");
    assert!(!steps.is_empty(), "{what}: the plan has steps: {plan:#}");
    for (id, kind) in &steps {
        let node = node_name(id, kind);
        assert!(
            drawing.nodes.contains_key(&node),
            "{what}: step {id} is drawn as node {node}; nodes: {:?}",
            drawing.nodes.keys()
        );
    }
    let mut walk: Vec<String> = Vec::new();
    for c in plan["reaches"]
        .as_array()
        .expect("a plan names what reaches the target")
    {
        let c = c.as_str().unwrap().to_owned();
        let edge = (node_name(&c, "credential"), "destination".to_owned());
        assert!(
            drawing.edges.contains(&edge),
            "{what}: {c} reaches the destination: {edge:?}"
        );
        walk.push(c);
    }
    assert!(!walk.is_empty(), "{what}: the plan reaches its target: {plan:#}");
    let mut seen: BTreeSet<String> = walk.iter().cloned().collect();
    let (mut checked, mut prerequisites) = (0, 0);
    while let Some(id) = walk.pop() {
        let Some(kind) = steps.get(&id) else {
            continue;
        };
        let (path, field) = match kind.as_str() {
            "course" => (format!("/v1/courses/{id}"), "prerequisites"),
            "credential" => (format!("/v1/credentials/{id}"), "requires"),
            _ => continue,
        };
        let (status, record) = app.get_json(&path).await;
        assert_eq!(status, 200, "{path}: {record}");
        for m in group_members(&record, field) {
            let Some(mkind) = steps.get(&m).or_else(|| skipped.get(&m)) else {
                continue;
            };
            let edge = (node_name(&m, mkind), node_name(&id, kind));
            assert!(
                drawing.edges.contains(&edge),
                "{what}: {m} -> {id} ({field}) is an edge {edge:?}; edges: {:?}",
                drawing.edges
            );
            checked += 1;
            prerequisites += usize::from(field == "prerequisites");
            if seen.insert(m.clone()) {
                walk.push(m);
            }
        }
    }
    assert!(checked > 0, "{what}: the plan links some steps: {plan:#}");
    prerequisites
}

#[test]
fn the_parsers_read_nodes_and_edges() {
    let dot = parse_dot(
        "digraph g {\n rankdir=LR;\n node [shape=box];\n subgraph cluster_1 {\n label=\"Stage 1; a \\\"b\\\"\";\n  \
         c_a [label=\"A\\n(a)\"];\n }\n c_a -> k_b [color=gray40];\n k_b -> destination -> x;\n}\n",
    );
    assert_eq!(dot.nodes.get("c_a").map(String::as_str), Some("A\\n(a)"));
    assert!(dot.edges.contains(&("c_a".into(), "k_b".into())));
    assert!(dot.edges.contains(&("destination".into(), "x".into())));
    assert_eq!(dot.nodes.len(), 1, "attribute statements are not nodes: {dot:?}");
    let mm = parse_mermaid(
        "flowchart TB\n  subgraph s1[\"Stage 1 · x\"]\n    c_a[\"A<br/>9 h\"]\n    k_b{{\"B\"}}:::credential\n    k_e[/\"Exam: E\"/]:::exam\n  end\n  \
         c_a --> k_b\n  c_x -.->|articulates| c_a\n  destination([\"D\"]):::destination\n  k_b ==> destination\n  classDef dup fill:#fff\n",
    );
    assert_eq!(
        mm.nodes.keys().map(String::as_str).collect::<Vec<_>>(),
        ["c_a", "destination", "k_b", "k_e"]
    );
    assert_eq!(mm.edges.len(), 3, "{mm:?}");
    assert!(mm.edges.contains(&("c_x".into(), "c_a".into())));
}
