//! Generic graph algorithms over plain integer node ids, for the layers that may not see the
//! catalog graph (`domain` reports requirement cycles, `sources` breaks them in pulled records).
//!
//! This module depends on nothing of ours: nodes are `u32` ids handed out in order by
//! [`Digraph::add_node`], and petgraph is an implementation detail behind these functions, so
//! the layers above it never name petgraph. petgraph's disjoint-set forest is re-exported as
//! [`UnionFind`] for the analyses that group pairs.

use petgraph::graph::{DiGraph, NodeIndex};

pub use petgraph::unionfind::UnionFind;

/// A growable directed graph over dense `u32` node ids, without weights.
#[derive(Debug, Clone, Default)]
pub struct Digraph {
    g: DiGraph<(), (), u32>,
}

impl Digraph {
    /// An empty graph.
    pub fn new() -> Digraph {
        Digraph::default()
    }

    /// Adds a node and returns its id: `0, 1, 2...` in the order nodes are added.
    pub fn add_node(&mut self) -> u32 {
        self.g.add_node(()).index() as u32
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.g.node_count()
    }

    /// Adds the edge `from -> to` (parallel edges and self-loops are allowed).
    ///
    /// **Panics** if either node does not exist.
    pub fn add_edge(&mut self, from: u32, to: u32) {
        self.g
            .add_edge(NodeIndex::new(from as usize), NodeIndex::new(to as usize), ());
    }

    /// Whether `to` can be reached from `from` by following edges (every node reaches itself).
    ///
    /// Arguments: two existing nodes.
    ///
    /// Returns: `true` when a path (possibly empty) leads from `from` to `to`.
    ///
    /// Complexity: time O(V + E) (a depth-first search from `from`), space O(V).
    pub fn has_path(&self, from: u32, to: u32) -> bool {
        petgraph::algo::has_path_connecting(
            &self.g,
            NodeIndex::new(from as usize),
            NodeIndex::new(to as usize),
            None,
        )
    }

    /// The strongly connected components that hold a cycle: those of two or more nodes, and
    /// single nodes with an edge to themselves.
    ///
    /// Arguments: the graph.
    ///
    /// Returns: one list of node ids per such component, in Tarjan's order (a component comes
    /// before the components that reach it); the ids within a component are in no particular
    /// order. The order depends only on the order in which nodes and edges were added.
    ///
    /// Complexity: time O(V + E), space O(V).
    ///
    /// ```
    /// use careermap::graph::algo::Digraph;
    /// let mut g = Digraph::new();
    /// let (a, b, c) = (g.add_node(), g.add_node(), g.add_node());
    /// g.add_edge(a, b);
    /// g.add_edge(b, a);
    /// g.add_edge(c, c);
    /// let mut cycles = g.cycles();
    /// cycles.iter_mut().for_each(|c| c.sort_unstable());
    /// cycles.sort_unstable();
    /// assert_eq!(cycles, vec![vec![a, b], vec![c]]);
    /// ```
    pub fn cycles(&self) -> Vec<Vec<u32>> {
        petgraph::algo::tarjan_scc(&self.g)
            .into_iter()
            .filter(|scc| scc.len() >= 2 || self.g.contains_edge(scc[0], scc[0]))
            .map(|scc| scc.into_iter().map(|n| n.index() as u32).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(n: usize, edges: &[(u32, u32)]) -> Digraph {
        let mut g = Digraph::new();
        for _ in 0..n {
            g.add_node();
        }
        for &(a, b) in edges {
            g.add_edge(a, b);
        }
        g
    }

    fn sorted(mut cycles: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
        cycles.iter_mut().for_each(|c| c.sort_unstable());
        cycles.sort_unstable();
        cycles
    }

    #[test]
    fn a_dag_has_no_cycles_and_reaches_downstream_only() {
        let g = graph(4, &[(0, 1), (1, 2), (0, 3)]);
        assert!(g.cycles().is_empty());
        assert!(g.has_path(0, 2));
        assert!(g.has_path(2, 2), "every node reaches itself");
        assert!(!g.has_path(2, 0));
        assert!(!g.has_path(3, 1));
    }

    #[test]
    fn cycles_are_components_of_two_or_more_or_self_loops() {
        let g = graph(6, &[(0, 1), (1, 2), (2, 0), (3, 3), (4, 5)]);
        assert_eq!(sorted(g.cycles()), vec![vec![0, 1, 2], vec![3]]);
        assert!(g.has_path(2, 1));
        assert!(!g.has_path(5, 4));
    }

    #[test]
    fn union_find_joins_classes() {
        let mut u: UnionFind<usize> = UnionFind::new(4);
        u.union(0, 2);
        u.union(2, 3);
        assert!(u.equiv(0, 3));
        assert!(!u.equiv(0, 1));
    }
}
