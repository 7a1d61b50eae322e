//! How a dataset's records are cut into content-addressed chunks and read back: the chunk
//! boundaries, the encodings (MessagePack with named fields, JSON from older stores), the
//! chunk hash and its key.

use super::*;

/// Appends `part` to `list`, moving it whole when `list` is empty.
pub(super) fn join<T>(list: &mut Vec<T>, mut part: Vec<T>) {
    if list.is_empty() {
        *list = part;
    } else {
        list.append(&mut part);
    }
}

pub(super) fn decode<T: for<'de> Deserialize<'de>>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
        key: key.to_owned(),
        source,
    })
}

/// How a chunk's records are encoded (the high bit of its kind byte, [`MSGPACK`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    /// What stores written before MessagePack hold; still read (and written by tests).
    #[cfg_attr(not(test), allow(dead_code))]
    Json,
    MessagePack,
}

/// Calls `f` with each chunk of a canonical bundle (`[kind]` + the encoded array), one at a
/// time, so a commit never holds the whole dataset serialised.
pub(super) fn for_each_chunk<E>(
    b: &Bundle,
    encoding: Encoding,
    mut f: impl FnMut(Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    fn put<T: Serialize, E>(
        f: &mut impl FnMut(Vec<u8>) -> Result<(), E>,
        encoding: Encoding,
        kind: u8,
        records: &[T],
        id: impl Fn(&T) -> &str,
    ) -> Result<(), E> {
        let mut start = 0;
        for (i, r) in records.iter().enumerate() {
            let last = i + 1 == records.len();
            if last || chunk_ends_after(id(r)) {
                let part = &records[start..=i];
                let bytes = match encoding {
                    Encoding::Json => {
                        let mut bytes = vec![kind];
                        serde_json::to_writer(&mut bytes, part).expect("records serialise");
                        bytes
                    }
                    Encoding::MessagePack => {
                        let mut bytes = vec![kind | MSGPACK];
                        // Named fields: the records skip absent optional fields, which a
                        // positional encoding could not read back.
                        rmp_serde::encode::write_named(&mut bytes, part).expect("records serialise");
                        bytes
                    }
                };
                f(bytes)?;
                start = i + 1;
            }
        }
        Ok(())
    }
    put(&mut f, encoding, 1, &b.competencies, |r| r.id.as_str())?;
    put(&mut f, encoding, 2, &b.courses, |r| r.id.as_str())?;
    put(&mut f, encoding, 3, &b.credentials, |r| r.id.as_str())?;
    put(&mut f, encoding, 4, &b.occupations, |r| r.soc.as_str())?;
    put(&mut f, encoding, 5, &b.articulations, |r| r.id.as_str())?;
    put(&mut f, encoding, 6, &b.pathways, |r| r.id.as_str())?;
    put(&mut f, encoding, 7, &b.assessments, |r| r.id.as_str())?;
    put(&mut f, encoding, 8, &b.funding, |r| r.id.as_str())?;
    Ok(())
}

/// Appends the records of one stored chunk (`[kind]` + JSON or MessagePack array) to their
/// list in `b`, decoding them in place (no intermediate list).
pub(super) fn decode_chunk(name: &str, chunk: &[u8], b: &mut Bundle) -> Result<(), StoreError> {
    let Some((&kind, bytes)) = chunk.split_first() else {
        return Err(StoreError::Missing(name.to_owned()));
    };
    let msgpack = kind & MSGPACK != 0;
    fn into<T: for<'de> Deserialize<'de>>(
        name: &str,
        msgpack: bool,
        bytes: &[u8],
        list: &mut Vec<T>,
    ) -> Result<(), StoreError> {
        use serde::de::DeserializeSeed;
        let corrupt = |reason: String| StoreError::CorruptChunk {
            key: name.to_owned(),
            reason,
        };
        if msgpack {
            let mut de = rmp_serde::Deserializer::from_read_ref(bytes);
            AppendTo(list).deserialize(&mut de).map_err(|e| corrupt(e.to_string()))
        } else {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            AppendTo(list)
                .deserialize(&mut de)
                .map_err(|e| corrupt(e.to_string()))?;
            de.end().map_err(|e| corrupt(e.to_string()))
        }
    }
    match kind & !MSGPACK {
        1 => into(name, msgpack, bytes, &mut b.competencies),
        2 => into(name, msgpack, bytes, &mut b.courses),
        3 => into(name, msgpack, bytes, &mut b.credentials),
        4 => into(name, msgpack, bytes, &mut b.occupations),
        5 => into(name, msgpack, bytes, &mut b.articulations),
        6 => into(name, msgpack, bytes, &mut b.pathways),
        7 => into(name, msgpack, bytes, &mut b.assessments),
        8 => into(name, msgpack, bytes, &mut b.funding),
        _ => Err(StoreError::Missing(format!("{name}: unknown record kind {kind}"))),
    }
}

/// Deserialises an array by pushing its elements onto a list.
pub(super) struct AppendTo<'a, T>(&'a mut Vec<T>);

impl<'de, T: Deserialize<'de>> serde::de::DeserializeSeed<'de> for AppendTo<'_, T> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for AppendTo<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // The length a chunk claims is not trusted beyond what its bytes could hold.
        self.0.reserve(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(r) = seq.next_element()? {
            self.0.push(r);
        }
        Ok(())
    }
}

pub(super) fn chunk_hash(bytes: &[u8]) -> [u8; HASH] {
    use sha2::Digest;
    to_hash(&sha2::Sha256::digest(bytes)[..HASH])
}

pub(super) fn to_hash(b: &[u8]) -> [u8; HASH] {
    let mut h = [0; HASH];
    h.copy_from_slice(&b[..HASH]);
    h
}

pub(super) fn chunk_key(hash: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + HASH);
    k.push(CHUNKS);
    k.extend_from_slice(hash);
    k
}
