//! Reading CTDL JSON-LD: a term under any of its spellings (`ceterms:`, `ceasn:`, bare), single
//! values or arrays alike, ids, types, references, numbers, ISO 8601 hours, and the nodes of a
//! document or registry graph.

use super::*;

pub(super) const PREFIXES: [&str; 4] = ["ceterms:", "ceasn:", "asn:", "ceterms_"];

/// The value of a CTDL term under any spelling (`name`, `ceterms:name`, `ceasn:name`).
pub(super) fn get<'a>(node: &'a Value, term: &str) -> Option<&'a Value> {
    let obj = node.as_object()?;
    obj.get(term)
        .or_else(|| PREFIXES.iter().find_map(|p| obj.get(&format!("{p}{term}"))))
        .filter(|v| !v.is_null())
}

/// Single values and arrays alike.
pub(super) fn many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None => Vec::new(),
        Some(Value::Array(a)) => a.iter().filter(|v| !v.is_null()).collect(),
        Some(other) => vec![other],
    }
}

/// Text of a plain string, a language map (`{"en-US": ...}`, `{"@en-US": ...}`), or a list.
pub(super) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.iter().find_map(|x| text(Some(x))),
        Value::Object(m) => {
            for k in ["en-US", "@en-US", "en", "@en", "@value"] {
                if let Some(t) = text(m.get(k)) {
                    return Some(t);
                }
            }
            m.values().find_map(|x| text(Some(x)))
        }
        _ => None,
    }
}

pub(super) fn id_of(node: &Value) -> Option<String> {
    node.get("@id")
        .or_else(|| node.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

pub(super) fn types(node: &Value) -> Vec<String> {
    many(node.get("@type").or_else(|| node.get("type")))
        .into_iter()
        .filter_map(Value::as_str)
        .map(|t| PREFIXES.iter().find_map(|p| t.strip_prefix(p)).unwrap_or(t).to_owned())
        .collect()
}

/// References: strings, or embedded nodes with an id.
pub(super) fn refs(v: Option<&Value>) -> Vec<String> {
    many(v)
        .into_iter()
        .filter_map(|x| match x {
            Value::String(s) => Some(s.clone()),
            other => id_of(other),
        })
        .collect()
}

pub(super) fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Array(a) => a.iter().find_map(|x| number(Some(x))),
        _ => None,
    }
}

/// Hours of an ISO 8601 duration stated in hours/minutes (`PT120H`, `PT90M`); `None` for
/// calendar durations (`P2Y`, `P10W`), which are not contact hours.
pub(super) fn iso_hours(s: &str) -> Option<f64> {
    let t = s.strip_prefix("PT")?;
    let mut hours = 0.0;
    let mut num = String::new();
    for c in t.chars() {
        match c {
            '0'..='9' | '.' => num.push(c),
            'H' => hours += num.parse::<f64>().ok()?,
            'M' => hours += num.parse::<f64>().ok()? / 60.0,
            'S' => hours += num.parse::<f64>().ok()? / 3600.0,
            _ => return None,
        }
        if c.is_ascii_alphabetic() {
            num.clear();
        }
    }
    Some(hours)
}

/// Every node of the document: the graph's members, or the document itself.
pub(super) fn nodes(doc: &Value) -> Vec<&Value> {
    match doc {
        Value::Array(a) => a.iter().flat_map(nodes).collect(),
        Value::Object(_) => match get(doc, "@graph").or_else(|| doc.get("@graph")) {
            Some(g) => many(Some(g)).into_iter().filter(|n| n.is_object()).collect(),
            None => vec![doc],
        },
        _ => Vec::new(),
    }
}

/// The last path segment of a registry URI when it is a CTID (`ce-...`).
pub(super) fn ctid_in_uri(uri: &str) -> Option<String> {
    let seg = uri.trim_end_matches('/').rsplit('/').next()?;
    let seg = seg.trim_end_matches(".json");
    seg.starts_with("ce-").then(|| seg.to_owned())
}
