-- Consent per resident and purpose (Law 91/2025/QH15; issue 12). Each
-- change is a new row: the latest row of a (resident, purpose) is the
-- consent in force, the earlier ones are its history (who recorded what,
-- when and how). A child of 7 or more needs their own agreement and a
-- guardian's (domain::privacy::consent_parties); `by_person` and
-- `guardian` keep both. Keep in step with ../postgres/0013_consents.sql.
CREATE TABLE consents (
    id          INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    agreed      BOOLEAN NOT NULL,
    by_person   BOOLEAN NOT NULL,
    guardian    TEXT NOT NULL DEFAULT '',
    method      TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX consents_current ON consents(resident_id, purpose, id);
