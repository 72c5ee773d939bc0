-- Issue 15, task III.5. Keep in step with ../postgres/0020_pilot_model_notes.sql.
-- A pilot model's history: evidence items, reviews and replications
-- (domain::pilot::NoteKind codes), each a row that nothing replaces. A
-- replication names the hamlet or unit the model was taken to.
CREATE TABLE pilot_model_notes (
    id         INTEGER PRIMARY KEY,
    model_id   INTEGER NOT NULL REFERENCES pilot_models(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    hamlet_id  INTEGER REFERENCES hamlets(id) ON DELETE SET NULL,
    unit_id    INTEGER REFERENCES units(id) ON DELETE SET NULL,
    noted_on   DATE NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX pilot_model_notes_model ON pilot_model_notes(model_id, noted_on);
CREATE INDEX pilot_model_notes_kind ON pilot_model_notes(kind, noted_on);

-- The evidence each model had (one text, replaced at each update) becomes
-- its first note.
INSERT INTO pilot_model_notes (model_id, kind, text, noted_on, created_at)
SELECT id, 'minh_chung', evidence, COALESCE(started_on, substr(updated_at, 1, 10)), updated_at
FROM pilot_models WHERE evidence <> '';
