//! Parsing the import document: each record is parsed on its own, so every malformed record
//! is reported with its id and list instead of the first one stopping the parse.

use super::*;
use serde_json::value::RawValue;
use std::fmt;

#[derive(Deserialize)]
struct IdProbe {
    id: Option<serde_json::Value>,
    soc: Option<serde_json::Value>,
}

fn parse_record<T: for<'de> Deserialize<'de> + Serialize>(
    kind: RecordKind,
    index: usize,
    raw: &RawValue,
    sink: &mut Sink,
) -> Option<T> {
    match serde_json::from_str::<T>(raw.get()) {
        Ok(v) => match list_for_object(raw, &v) {
            None => Some(v),
            Some(path) => {
                sink.push(Problem {
                    record_kind: kind,
                    index: Some(index),
                    id: None,
                    field: format!("{}[{index}]{}", kind.list(), clip(&path)),
                    code: ProblemCode::Malformed,
                    message: "a list where the format has an object".into(),
                    place: None,
                });
                None
            }
        },
        Err(e) => {
            let id = serde_json::from_str::<IdProbe>(raw.get())
                .ok()
                .and_then(|p| p.id.or(p.soc))
                .map(|v| match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                });
            sink.push(Problem {
                record_kind: kind,
                index: Some(index),
                id,
                field: format!("{}[{index}]", kind.list()),
                code: ProblemCode::Malformed,
                message: strip_position(&e.to_string()),
                place: None,
            });
            None
        }
    }
}

/// serde reads a struct from a JSON list of its fields in order; the import format has
/// objects only. Finds where the record gave a list that was read as an object (by comparing
/// the input with the record written back), as a path such as `.conditions[0]`.
fn list_for_object<T: Serialize>(raw: &RawValue, parsed: &T) -> Option<String> {
    // Only a record with a list that is not plainly of strings or numbers can hide one.
    let text = raw.get();
    let suspicious = text
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'[' && !matches!(w[1], b'"' | b']' | b'{' | b'0'..=b'9' | b'-' | b' ' | b'\n'))
        || text.contains("[ [")
        || text.contains("[\n");
    if !suspicious {
        return None;
    }
    let input: serde_json::Value = serde_json::from_str(text).ok()?;
    let output = serde_json::to_value(parsed).ok()?;
    fn walk(a: &serde_json::Value, b: &serde_json::Value, path: &mut String) -> bool {
        use serde_json::Value as V;
        match (a, b) {
            (V::Array(_), V::Object(_)) => true,
            (V::Array(x), V::Array(y)) => x.iter().zip(y).enumerate().any(|(i, (x, y))| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(x, y, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            (V::Object(x), V::Object(y)) => x.iter().any(|(k, x)| {
                y.get(k).is_some_and(|y| {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    let found = walk(x, y, path);
                    if !found {
                        path.truncate(len);
                    }
                    found
                })
            }),
            _ => false,
        }
    }
    let mut path = String::new();
    walk(&input, &output, &mut path).then_some(path)
}

/// One list of the document, parsed record by record as the parser reaches it: no list of
/// raw records is ever held, so memory follows the good records (and at most
/// [`MAX_PROBLEMS`] problems), not the length of the body.
struct ListSeed<'s, T> {
    kind: RecordKind,
    sink: &'s mut Sink,
    _t: std::marker::PhantomData<T>,
}

impl<'de, T: for<'a> Deserialize<'a> + Serialize> serde::de::DeserializeSeed<'de> for ListSeed<'_, T> {
    type Value = Vec<T>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: for<'a> Deserialize<'a> + Serialize> serde::de::Visitor<'de> for ListSeed<'_, T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {} records", self.kind.as_str())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        let mut index = 0;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            if let Some(v) = parse_record(self.kind, index, raw, self.sink) {
                out.push(v);
            }
            index += 1;
        }
        Ok(out)
    }
}

/// The top level of the wire document: the six lists, each parsed by [`ListSeed`].
struct DocVisitor<'s> {
    sink: &'s mut Sink,
}

impl<'de> serde::de::Visitor<'de> for DocVisitor<'_> {
    type Value = Bundle;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an import document")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Bundle, A::Error> {
        use serde::de::Error;
        fn list<'de, 's, A: serde::de::MapAccess<'de>, T: for<'a> Deserialize<'a> + Serialize>(
            map: &mut A,
            kind: RecordKind,
            slot: &mut Option<Vec<T>>,
            sink: &'s mut Sink,
        ) -> Result<(), A::Error> {
            if slot.is_some() {
                return Err(A::Error::duplicate_field(kind.list()));
            }
            *slot = Some(map.next_value_seed(ListSeed {
                kind,
                sink,
                _t: std::marker::PhantomData,
            })?);
            Ok(())
        }
        let (mut comp, mut courses, mut creds, mut occs, mut arts, mut paths) = (None, None, None, None, None, None);
        let (mut assessments, mut funding) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "competencies" => list(&mut map, RecordKind::Competency, &mut comp, self.sink)?,
                "courses" => list(&mut map, RecordKind::Course, &mut courses, self.sink)?,
                "credentials" => list(&mut map, RecordKind::Credential, &mut creds, self.sink)?,
                "occupations" => list(&mut map, RecordKind::Occupation, &mut occs, self.sink)?,
                "articulations" => list(&mut map, RecordKind::Articulation, &mut arts, self.sink)?,
                "pathways" => list(&mut map, RecordKind::Pathway, &mut paths, self.sink)?,
                "assessments" => list(&mut map, RecordKind::Assessment, &mut assessments, self.sink)?,
                "funding" => list(&mut map, RecordKind::Funding, &mut funding, self.sink)?,
                other => return Err(A::Error::unknown_field(&clip(other), DOC_FIELDS)),
            }
        }
        Ok(Bundle {
            competencies: comp.unwrap_or_default(),
            courses: courses.unwrap_or_default(),
            credentials: creds.unwrap_or_default(),
            occupations: occs.unwrap_or_default(),
            articulations: arts.unwrap_or_default(),
            pathways: paths.unwrap_or_default(),
            assessments: assessments.unwrap_or_default(),
            funding: funding.unwrap_or_default(),
        })
    }
}

const DOC_FIELDS: &[&str] = &[
    "competencies",
    "courses",
    "credentials",
    "occupations",
    "articulations",
    "pathways",
    "assessments",
    "funding",
];

/// serde_json appends "at line L column C" relative to the record; the record is already named.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

impl Bundle {
    /// Parses the import document. Every malformed record is reported (with its id when it
    /// has one), not only the first.
    pub fn from_json(bytes: &[u8]) -> Result<Bundle, Vec<Problem>> {
        use serde::Deserializer;
        let text =
            std::str::from_utf8(bytes).map_err(|e| vec![bundle_problem(format!("the body is not UTF-8: {e}"))])?;
        if !text.trim_start().starts_with('{') {
            return Err(vec![bundle_problem("the body must be a JSON object with the lists `competencies`, `courses`, `credentials`, `occupations`, `articulations`".into())]);
        }
        let mut sink = Sink {
            problems: Vec::new(),
            total: 0,
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = de
            .deserialize_map(DocVisitor { sink: &mut sink })
            .and_then(|b| de.end().map(|()| b));
        let bundle = match parsed {
            Ok(b) => b,
            Err(e) => {
                return Err(vec![bundle_problem(clip(&format!(
                    "the body is not a valid import document: {e}"
                )))]);
            }
        };
        if sink.total == 0 {
            Ok(bundle)
        } else {
            Err(sink.finish())
        }
    }
}
