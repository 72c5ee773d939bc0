//! A tiny time-limited cache for read-mostly reference data (the hamlet
//! list). Other processes' changes show after at most `ttl`; this process's
//! own changes clear it at once.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

#[derive(Clone)]
pub(crate) struct Cached<T: Clone> {
    ttl: Duration,
    slot: Arc<RwLock<Option<(Instant, T)>>>,
}

impl<T: Clone> Cached<T> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slot: Arc::new(RwLock::new(None)),
        }
    }

    pub fn get(&self) -> Option<T> {
        let slot = self.slot.read().ok()?;
        match &*slot {
            Some((at, v)) if at.elapsed() < self.ttl => Some(v.clone()),
            _ => None,
        }
    }

    pub fn put(&self, v: T) {
        if let Ok(mut slot) = self.slot.write() {
            *slot = Some((Instant::now(), v));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut slot) = self.slot.write() {
            *slot = None;
        }
    }
}

/// A small map whose entries each live `ttl` (the sessions the pages look
/// up on every request). Bounded: when full, it is emptied rather than
/// grown. Every change to accounts or sessions in this process clears it
/// (see `users.rs`); another process's changes show after at most `ttl`.
///
/// A lookup that began before a clear must not put back what it read:
/// [`CachedMap::generation`] is taken before the lookup and
/// [`CachedMap::put`] stores only if no clear came in between.
/// A [`CachedMap`]'s generation and its entries with their times.
type Generation<V> = (u64, std::collections::HashMap<String, (Instant, V)>);

#[derive(Clone)]
pub(crate) struct CachedMap<V: Clone> {
    ttl: Duration,
    max: usize,
    /// (generation, entries); the generation grows with every clear.
    map: Arc<RwLock<Generation<V>>>,
}

impl<V: Clone> CachedMap<V> {
    pub fn new(ttl: Duration, max: usize) -> Self {
        Self {
            ttl,
            max,
            map: Arc::new(RwLock::new((0, std::collections::HashMap::new()))),
        }
    }

    pub fn get(&self, key: &str) -> Option<V> {
        let map = self.map.read().ok()?;
        match map.1.get(key) {
            Some((at, v)) if at.elapsed() < self.ttl => Some(v.clone()),
            _ => None,
        }
    }

    /// Taken before a lookup whose result will be [`CachedMap::put`].
    pub fn generation(&self) -> u64 {
        self.map.read().map(|m| m.0).unwrap_or(u64::MAX)
    }

    /// Keeps `v` unless the map was cleared since `generation`.
    pub fn put(&self, generation: u64, key: &str, v: V) {
        if let Ok(mut map) = self.map.write() {
            if map.0 != generation {
                return;
            }
            if map.1.len() >= self.max {
                map.1.clear();
            }
            map.1.insert(key.to_string(), (Instant::now(), v));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut map) = self.map.write() {
            map.0 = map.0.wrapping_add(1);
            map.1.clear();
        }
    }
}
