-- Door-to-door guidance (issue 14): the teams' home visits and each
-- person's digital milestones, recorded offline on phones and synced later.
-- Keep in step with ../postgres/0016_field_work.sql.
--
-- A visit's `client_id` is made on the phone: a batch sent twice, or cut
-- off and sent again, writes each visit once. `content` is the visit in
-- canonical form (domain::field::VisitRecord::canonical): a record sent
-- again with the same id and other content is a conflict, kept in
-- `sync_conflicts` for the office, never written over. `received_at` and
-- `id` are the server's order; `visited_on` is what the phone said.
CREATE TABLE visits (
    id           INTEGER PRIMARY KEY,
    client_id    TEXT NOT NULL UNIQUE,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    visited_on   DATE NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL,
    recorded_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    received_at  TEXT NOT NULL
);
CREATE INDEX visits_household ON visits(household_id, visited_on);

-- The people guided in a visit.
CREATE TABLE visit_people (
    visit_id    INTEGER NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    PRIMARY KEY (visit_id, resident_id)
);
CREATE INDEX visit_people_resident ON visit_people(resident_id);

-- One row per person and milestone reached: a milestone reached stays
-- reached; of two claims the earlier date wins, then the smaller record id
-- (domain::field::Reached::merge). `record_id` is the client id of the
-- visit (or attendance, or the person's own statement) that set it;
-- `source` is domain::field::MilestoneSource's code.
CREATE TABLE milestones (
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    milestone   TEXT NOT NULL,
    reached_on  DATE NOT NULL,
    -- The start of reached_on in Vietnam (domain::time::vn_midnight), as
    -- the indicators compare times.
    reached_at  TEXT NOT NULL,
    source      TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (resident_id, milestone)
);
CREATE INDEX milestones_milestone ON milestones(milestone, resident_id);

-- A record that came back with the same id and other content: the office
-- sees both and decides; nothing is overwritten.
CREATE TABLE sync_conflicts (
    id          INTEGER PRIMARY KEY,
    client_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    kept        TEXT NOT NULL,
    incoming    TEXT NOT NULL,
    sent_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    received_at TEXT NOT NULL,
    UNIQUE (client_id, incoming)
);

-- Classes (training sessions) and who attended. `hamlet_id` is NULL for a
-- commune-wide class; `plan_task` is domain::classes::PlanTask's code;
-- `target_group` a TargetGroup code or NULL for everyone; `starts_at` is
-- Vietnam's local date and time as written ('YYYY-MM-DD HH:MM').
CREATE TABLE training_sessions (
    id           INTEGER PRIMARY KEY,
    topic        TEXT NOT NULL,
    course_id    TEXT,
    target_group TEXT,
    hamlet_id    INTEGER REFERENCES hamlets(id),
    place        TEXT NOT NULL,
    starts_at    TEXT NOT NULL,
    trainers     TEXT NOT NULL DEFAULT '',
    unit_id      INTEGER REFERENCES units(id),
    plan_task    TEXT NOT NULL,
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX training_sessions_when ON training_sessions(starts_at);
CREATE INDEX training_sessions_hamlet ON training_sessions(hamlet_id, starts_at);

-- One row per session and person, whichever phone ticked them first;
-- `client_id` is the tick's id made on the phone (a resend is one row),
-- `content` its canonical form (AttendanceRecord::canonical), `how`
-- AttendanceWay's code.
CREATE TABLE attendance (
    session_id  INTEGER NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL UNIQUE,
    how         TEXT NOT NULL,
    content     TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (session_id, resident_id)
);
CREATE INDEX attendance_resident ON attendance(resident_id);

-- A milestone reached (or moved earlier) may change an indicator that
-- counts it (reached = "moc:<code>"): see 0007_indicator_reach.sql.
CREATE TRIGGER milestones_reach_ins AFTER INSERT ON milestones
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id); END;
CREATE TRIGGER milestones_reach_del AFTER DELETE ON milestones
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id); END;
CREATE TRIGGER milestones_reach_upd AFTER UPDATE OF resident_id, reached_at ON milestones
WHEN OLD.resident_id IS NOT NEW.resident_id OR OLD.reached_at IS NOT NEW.reached_at
BEGIN
    INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id);
    INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id);
END;
