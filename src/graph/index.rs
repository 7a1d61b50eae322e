//! The tables a snapshot's graph is made of: [`IdMap`], the dense index of each id keyed by a
//! 128-bit hash, and [`Lists`], per-record lists stored as compressed rows in one allocation
//! per relation.

use super::CompetencyIx;
use crate::domain::CompetencyId;
use foldhash::{HashMap, HashMapExt};

/// The dense index of each id of a kind (or of the course, credential and assessment
/// namespace), keyed by a 128-bit hash of the id (two randomly seeded foldhash hashes) rather
/// than by a copy of it: a national catalog has 3 M ids, and a restart waits for this map.
/// Ids whose hashes clash (detected when the map is built; never seen) are kept in an exact map.
/// [`IdMap::get`] of an id the map does not hold answers `None` except with probability about
/// ids / 2^128; the graph's public lookups also compare the record's id.
pub(super) struct IdMap<V> {
    seeds: [foldhash::fast::FixedState; 2],
    fast: HashMap<(u64, u64), Option<V>>,
    exact: HashMap<Box<str>, V>,
}

impl<V: Copy> IdMap<V> {
    /// The map of `ids` (a later duplicate id wins).
    pub(super) fn build<'a>(ids: impl Iterator<Item = (&'a str, V)> + Clone) -> IdMap<V> {
        let seeds = [
            foldhash::fast::FixedState::with_seed(fastrand::u64(..)),
            foldhash::fast::FixedState::with_seed(fastrand::u64(..)),
        ];
        let mut map = IdMap {
            seeds,
            fast: HashMap::with_capacity(ids.size_hint().0),
            exact: HashMap::new(),
        };
        let mut clashes = foldhash::HashSet::default();
        for (id, v) in ids.clone() {
            let key = map.key(id);
            if map.fast.insert(key, Some(v)).is_some() {
                clashes.insert(key);
            }
        }
        if !clashes.is_empty() {
            for (id, v) in ids {
                let key = map.key(id);
                if clashes.contains(&key) {
                    map.fast.insert(key, None);
                    map.exact.insert(id.into(), v);
                }
            }
        }
        map
    }

    fn key(&self, id: &str) -> (u64, u64) {
        use std::hash::BuildHasher;
        (self.seeds[0].hash_one(id), self.seeds[1].hash_one(id))
    }

    pub(super) fn get(&self, id: &str) -> Option<V> {
        match self.fast.get(&self.key(id)) {
            Some(Some(v)) => Some(*v),
            Some(None) => self.exact.get(id).copied(),
            None => None,
        }
    }
}

/// Per-record lists in one flat vector (compressed rows): row `i` is
/// `items[starts[i]..starts[i + 1]]`.
#[derive(Debug, Clone)]
pub(super) struct Lists<T> {
    starts: Vec<u32>,
    pub(super) items: Vec<T>,
}

impl<T> Lists<T> {
    pub(super) fn with_capacity(rows: usize, items: usize) -> Lists<T> {
        let mut starts = Vec::with_capacity(rows + 1);
        starts.push(0);
        Lists {
            starts,
            items: Vec::with_capacity(items),
        }
    }

    /// Ends the current row (the items pushed since the last one).
    pub(super) fn end_row(&mut self) {
        self.starts
            .push(u32::try_from(self.items.len()).expect("fewer than 2^32 listed items"));
    }

    /// Appends a row.
    pub(super) fn push_row(&mut self, row: impl IntoIterator<Item = T>) {
        self.items.extend(row);
        self.end_row();
    }

    pub(super) fn get(&self, i: usize) -> &[T] {
        &self.items[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// `rows` rows from `(row, item)` pairs; each row keeps the pairs' order.
    pub(super) fn from_pairs(rows: usize, pairs: &[(u32, T)]) -> Lists<T>
    where
        T: Copy,
    {
        let mut starts = vec![0u32; rows + 1];
        for &(r, _) in pairs {
            starts[r as usize + 1] += 1;
        }
        for i in 0..rows {
            starts[i + 1] += starts[i];
        }
        let mut next: Vec<u32> = starts[..rows].to_vec();
        let mut items: Vec<Option<T>> = vec![None; pairs.len()];
        for &(r, item) in pairs {
            items[next[r as usize] as usize] = Some(item);
            next[r as usize] += 1;
        }
        Lists {
            starts,
            items: items.into_iter().map(|i| i.expect("every slot filled")).collect(),
        }
    }
}

impl Lists<CompetencyIx> {
    /// Appends the row of `ids` resolved through `ix` (unknown ids skipped), sorted and
    /// deduplicated.
    pub(super) fn push_competencies(&mut self, ids: &[CompetencyId], ix: &IdMap<CompetencyIx>) {
        let start = self.items.len();
        self.items.extend(ids.iter().filter_map(|c| ix.get(c.as_str())));
        let row = &mut self.items[start..];
        row.sort_unstable();
        let mut kept = start;
        for i in start..self.items.len() {
            if kept == start || self.items[i] != self.items[kept - 1] {
                self.items[kept] = self.items[i];
                kept += 1;
            }
        }
        self.items.truncate(kept);
        self.end_row();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(24))]

        /// Rows built from pairs hold, in order, the pairs' items of that row.
        #[test]
        fn lists_from_pairs_keep_each_rows_order(rows in 1usize..30, pairs in proptest::collection::vec((0u32..30, 0u32..1000), 0..200)) {
            let pairs: Vec<(u32, u32)> = pairs.into_iter().map(|(r, v)| (r % rows as u32, v)).collect();
            let lists = Lists::from_pairs(rows, &pairs);
            for r in 0..rows {
                let oracle: Vec<u32> = pairs.iter().filter(|p| p.0 as usize == r).map(|p| p.1).collect();
                proptest::prop_assert_eq!(lists.get(r), &oracle[..]);
            }
        }
    }

    /// Ids whose 128-bit keys clash still map exactly (forced here by a map built with equal
    /// ids, which clash by construction; a later one wins).
    #[test]
    fn id_map_clashes_fall_back_to_exact_ids() {
        let ids = [("a", 1), ("b", 2), ("a", 3), ("c", 4)];
        let m = IdMap::build(ids.iter().copied());
        assert_eq!(
            ["a", "b", "c", "d"].map(|id| m.get(id)),
            [Some(3), Some(2), Some(4), None]
        );
        assert_eq!(m.exact.len(), 1, "only the clashing id is kept exactly");
    }
}
