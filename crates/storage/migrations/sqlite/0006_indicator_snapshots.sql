-- Pre-computed indicators, one row per quarter (SQLite).
-- Keep in step with ../postgres/0006_indicator_snapshots.sql.
-- A province-sized deployment computes the indicators in the background
-- (`serve --snapshot-minutes N`, `hocvuso indicators --refresh`) and the
-- dashboard reads the latest snapshot; `data` is the dashboard as JSON.
CREATE TABLE indicator_snapshots (
    quarter     TEXT PRIMARY KEY,
    computed_at TEXT NOT NULL,
    data        TEXT NOT NULL
);
