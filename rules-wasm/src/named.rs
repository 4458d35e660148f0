//! Values by name, in name order.
//!
//! The engine holds a handful of rulesets, texts and layers. A `BTreeMap` per value type put
//! 3-5 KB of B-tree code each into the browser module; a sorted `Vec` does the same job here.

/// Values by name, kept sorted by name (the order `BTreeMap<String, V>` iterates in).
pub(crate) struct Named<V>(Vec<(String, V)>);

impl<V> Default for Named<V> {
    fn default() -> Self {
        Named(Vec::new())
    }
}

impl<V> Named<V> {
    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(n, _)| n.as_str().cmp(name))
    }

    pub fn get(&self, name: &str) -> Option<&V> {
        self.find(name).ok().and_then(|i| self.0.get(i)).map(|(_, v)| v)
    }

    /// Adds or replaces the value of `name`.
    pub fn insert(&mut self, name: &str, value: V) {
        match self.find(name) {
            Ok(i) => {
                if let Some(slot) = self.0.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => self.0.insert(i, (name.to_string(), value)),
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<V> {
        self.find(name).ok().map(|i| self.0.remove(i).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(n, v)| (n, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut V)> {
        self.0.iter_mut().map(|(n, v)| (&*n, v))
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::Named;

    #[test]
    fn sorted_by_name_one_value_per_name() {
        let mut named = Named::default();
        for (n, v) in [("b", 1), ("a", 2), ("c", 3), ("b", 4)] {
            named.insert(n, v);
        }
        assert_eq!(named.iter().map(|(n, v)| (n.as_str(), *v)).collect::<Vec<_>>(), [("a", 2), ("b", 4), ("c", 3)]);
        assert_eq!(named.get("b"), Some(&4));
        assert_eq!(named.remove("a"), Some(2));
        assert_eq!(named.remove("a"), None);
        assert_eq!(named.values().copied().collect::<Vec<_>>(), [4, 3]);
    }
}
