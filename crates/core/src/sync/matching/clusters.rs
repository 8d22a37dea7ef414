//! Contacts joined by shared keys: the index of each side's keys, each contact's candidates, and
//! the clusters they make.

use std::collections::HashMap;

pub(super) fn index(keys: &[Vec<String>]) -> HashMap<&str, Vec<usize>> {
    let mut m: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, ks) in keys.iter().enumerate() {
        for k in ks {
            m.entry(k.as_str()).or_default().push(i);
        }
    }
    m
}

/// The indexes a contact's keys lead to, ascending and without repeats: kept sorted by inserting
/// each in place, as a contact's keys lead to a handful.
pub(super) fn candidates(keys: &[String], other: &HashMap<&str, Vec<usize>>) -> Vec<usize> {
    let mut s: Vec<usize> = Vec::new();
    for k in keys {
        for &i in other.get(k.as_str()).into_iter().flatten() {
            if let Err(at) = s.binary_search(&i) {
                s.insert(at, i);
            }
        }
    }
    s
}

/// Union-find over the contacts of both sides: CRM contact `i` is node `i`, Google contact `j`
/// node `crm.len() + j`.
pub(super) struct Clusters(pub(super) Vec<usize>);

impl Clusters {
    pub(super) fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            // Path halving: every other node on the way points to its grandparent.
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    pub(super) fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        // The smaller index is the root, so roots do not depend on the order of joins.
        if a != b {
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.0[hi] = lo;
        }
    }
}
