-- Questions asked to the administrative virtual assistant (SQLite).
-- Keep in step with ../postgres/0002_assistant.sql.
-- The question is stored with phone and ID numbers redacted.
CREATE TABLE assistant_questions (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    resident_id INTEGER,
    question    TEXT NOT NULL,
    behavior    TEXT NOT NULL,
    code        TEXT,
    rating      INTEGER
);
CREATE INDEX assistant_questions_at ON assistant_questions(at);
CREATE INDEX assistant_questions_resident ON assistant_questions(resident_id);
