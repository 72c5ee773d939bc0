-- Personal-data breaches the commune has found (Law 91/2025/QH15, Điều 23:
-- notify the authority within 72 hours of discovering one; issue 12). Each
-- row is what the office knows, to fill Mẫu số 08 of Decree 356/2025/NĐ-CP,
-- and when the authority was notified. Keep in step with
-- ../postgres/0015_breaches.sql.
CREATE TABLE breaches (
    id            INTEGER PRIMARY KEY,
    discovered_at TEXT NOT NULL,
    happened      TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL,
    data_kinds    TEXT NOT NULL DEFAULT '',
    people        INTEGER,
    consequences  TEXT NOT NULL DEFAULT '',
    measures      TEXT NOT NULL DEFAULT '',
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    notified_at   TEXT
);
