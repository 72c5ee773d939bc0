-- Indicator reach kept up to date instead of recounted (SQLite).
-- Keep in step with ../postgres/0007_indicator_reach.sql.
--
-- indicator_reach holds, for each counting rule (`key`: a population and its
-- criteria), every resident of the population once with their hamlet and
-- when they were reached (NULL: not yet). The dashboard counts these rows.
-- Triggers note in indicator_dirty every resident whose rows may have
-- changed (a certificate, a logged-in assistant question, a group, a move,
-- a team membership); the next count refreshes those residents only, and
-- `applied` records how far each rule has caught up.
CREATE TABLE indicator_reach_keys (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    applied  INTEGER NOT NULL DEFAULT 0,
    used_at  TEXT NOT NULL
);

CREATE TABLE indicator_reach (
    key_id      INTEGER NOT NULL,
    resident_id INTEGER NOT NULL,
    hamlet_id   INTEGER NOT NULL,
    t           TEXT,
    PRIMARY KEY (key_id, resident_id)
) WITHOUT ROWID;

-- AUTOINCREMENT: a sequence number is never reused, even after pruning.
CREATE TABLE indicator_dirty (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id INTEGER NOT NULL
);

CREATE TRIGGER certificates_reach_ins AFTER INSERT ON certificates
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id); END;
CREATE TRIGGER certificates_reach_del AFTER DELETE ON certificates
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id); END;
CREATE TRIGGER certificates_reach_upd AFTER UPDATE OF resident_id, course_id, issued_at ON certificates
WHEN OLD.resident_id IS NOT NEW.resident_id OR OLD.course_id IS NOT NEW.course_id OR OLD.issued_at IS NOT NEW.issued_at
BEGIN
    INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id);
    INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id);
END;

CREATE TRIGGER assistant_questions_reach_ins AFTER INSERT ON assistant_questions
WHEN NEW.resident_id IS NOT NULL
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id); END;
CREATE TRIGGER assistant_questions_reach_del AFTER DELETE ON assistant_questions
WHEN OLD.resident_id IS NOT NULL
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id); END;
CREATE TRIGGER assistant_questions_reach_upd AFTER UPDATE OF resident_id, at ON assistant_questions
WHEN OLD.resident_id IS NOT NEW.resident_id OR OLD.at IS NOT NEW.at
BEGIN
    INSERT INTO indicator_dirty (resident_id) SELECT OLD.resident_id WHERE OLD.resident_id IS NOT NULL;
    INSERT INTO indicator_dirty (resident_id) SELECT NEW.resident_id WHERE NEW.resident_id IS NOT NULL;
END;

CREATE TRIGGER resident_groups_reach_ins AFTER INSERT ON resident_groups
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id); END;
CREATE TRIGGER resident_groups_reach_del AFTER DELETE ON resident_groups
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id); END;
CREATE TRIGGER resident_groups_reach_upd AFTER UPDATE ON resident_groups
BEGIN
    INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id);
    INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id);
END;

CREATE TRIGGER unit_members_reach_ins AFTER INSERT ON unit_members
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id); END;
CREATE TRIGGER unit_members_reach_del AFTER DELETE ON unit_members
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id); END;
CREATE TRIGGER unit_members_reach_upd AFTER UPDATE ON unit_members
BEGIN
    INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id);
    INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id);
END;

CREATE TRIGGER units_reach_type AFTER UPDATE OF unit_type ON units
WHEN OLD.unit_type IS NOT NEW.unit_type
BEGIN INSERT INTO indicator_dirty (resident_id) SELECT resident_id FROM unit_members WHERE unit_id = NEW.id; END;

CREATE TRIGGER residents_reach_ins AFTER INSERT ON residents
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (NEW.id); END;
CREATE TRIGGER residents_reach_del AFTER DELETE ON residents
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (OLD.id); END;
CREATE TRIGGER residents_reach_move AFTER UPDATE OF hamlet_id ON residents
WHEN OLD.hamlet_id IS NOT NEW.hamlet_id
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (NEW.id); END;
