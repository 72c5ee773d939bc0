//! The administrative virtual assistant (trợ lý ảo hành chính).
//!
//! Knowledge is data: the national catalogue of procedures
//! (`knowledge/national-procedures.jsonl`), detailed procedure records
//! (`knowledge/procedures/*.toml`) and the vocabulary of how people ask
//! (`knowledge/vocabulary.toml`), embedded into the binary at build time and
//! validated when loaded. Answers are composed from the records only.

pub mod answer;
pub mod engine;
pub mod eval;
pub mod freshness;
pub mod history;
mod index;
pub mod knowledge;
pub mod text;

pub use engine::{Assistant, Behavior, Hit, Reply, State};
pub use knowledge::{load_embedded, CatalogueEntry, Knowledge, KnowledgeError, ProcedureRecord};
