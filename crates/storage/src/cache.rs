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
