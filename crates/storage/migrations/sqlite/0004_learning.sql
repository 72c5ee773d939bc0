-- Learning: lessons read, quiz attempts, certificates (SQLite).
-- Keep in step with ../postgres/0004_learning.sql.
-- Course and lesson ids are those of the course files (courses/<id>/...).

-- First time a resident opened a lesson (progress).
CREATE TABLE lesson_reads (
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    course_id   TEXT NOT NULL,
    lesson_id   TEXT NOT NULL,
    first_at    TEXT NOT NULL,
    PRIMARY KEY (resident_id, course_id, lesson_id)
);

-- Every quiz attempt. `client_id` is made by the page that collected the
-- answers (or by the server): an attempt sent twice, as happens after an
-- offline phone reconnects, is recorded once.
CREATE TABLE quiz_attempts (
    id          INTEGER PRIMARY KEY,
    client_id   TEXT NOT NULL UNIQUE,
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    course_id   TEXT NOT NULL,
    correct     INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    passed      BOOLEAN NOT NULL,
    answers     TEXT NOT NULL,
    mode        TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    answered_at TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX quiz_attempts_resident ON quiz_attempts(resident_id, course_id);

-- One certificate per resident and course, issued at the first pass. The
-- code is random (80 bits) and is the only key the public verify page takes.
CREATE TABLE certificates (
    code         TEXT PRIMARY KEY,
    resident_id  INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    course_id    TEXT NOT NULL,
    holder_name  TEXT NOT NULL,
    course_title TEXT NOT NULL,
    attempt_id   INTEGER NOT NULL REFERENCES quiz_attempts(id),
    issued_at    TEXT NOT NULL,
    UNIQUE (resident_id, course_id)
);
CREATE INDEX certificates_course ON certificates(course_id, resident_id);
