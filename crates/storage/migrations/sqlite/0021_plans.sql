-- Issue 15. Keep in step with ../postgres/0021_plans.sql.
-- The commune's plan of a year as the office edited it (the plan file's
-- text, checked by hocvuso_reporting::plan::parse before it is saved). No
-- row for a year: the plan shipped with the program.
CREATE TABLE plans (
    year       INTEGER PRIMARY KEY,
    text       TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL
);
