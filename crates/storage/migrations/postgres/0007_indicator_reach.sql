-- Indicator reach kept up to date instead of recounted (PostgreSQL).
-- Keep in step with ../sqlite/0007_indicator_reach.sql, which explains the
-- tables. Here the triggers are per statement, with transition tables, so a
-- bulk load notes its residents in one INSERT ... SELECT.
CREATE TABLE indicator_reach_keys (
    id       BIGSERIAL PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    applied  BIGINT NOT NULL DEFAULT 0,
    used_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE indicator_reach (
    key_id      BIGINT NOT NULL,
    resident_id BIGINT NOT NULL,
    hamlet_id   BIGINT NOT NULL,
    t           TIMESTAMPTZ,
    PRIMARY KEY (key_id, resident_id)
);

CREATE TABLE indicator_dirty (
    seq         BIGSERIAL PRIMARY KEY,
    resident_id BIGINT NOT NULL
);

CREATE FUNCTION indicator_dirty_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id) SELECT resident_id FROM new_rows WHERE resident_id IS NOT NULL;
    RETURN NULL;
END $$;
CREATE FUNCTION indicator_dirty_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id) SELECT resident_id FROM old_rows WHERE resident_id IS NOT NULL;
    RETURN NULL;
END $$;
CREATE FUNCTION indicator_dirty_both() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id)
        SELECT resident_id FROM old_rows WHERE resident_id IS NOT NULL
        UNION SELECT resident_id FROM new_rows WHERE resident_id IS NOT NULL;
    RETURN NULL;
END $$;
-- A certificate's title can be corrected without touching anyone's count.
CREATE FUNCTION indicator_dirty_certificates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id)
        SELECT o.resident_id FROM old_rows o JOIN new_rows n ON n.code = o.code
        WHERE (o.resident_id, o.course_id, o.issued_at) IS DISTINCT FROM (n.resident_id, n.course_id, n.issued_at)
        UNION
        SELECT n.resident_id FROM old_rows o JOIN new_rows n ON n.code = o.code
        WHERE (o.resident_id, o.course_id, o.issued_at) IS DISTINCT FROM (n.resident_id, n.course_id, n.issued_at);
    RETURN NULL;
END $$;
CREATE FUNCTION indicator_dirty_new_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id) SELECT id FROM new_rows;
    RETURN NULL;
END $$;
CREATE FUNCTION indicator_dirty_old_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id) SELECT id FROM old_rows;
    RETURN NULL;
END $$;
CREATE FUNCTION indicator_dirty_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id)
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.hamlet_id <> n.hamlet_id;
    RETURN NULL;
END $$;
CREATE FUNCTION indicator_dirty_unit_type() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id)
        SELECT m.resident_id FROM unit_members m
        JOIN new_rows n ON n.id = m.unit_id JOIN old_rows o ON o.id = n.id
        WHERE o.unit_type <> n.unit_type;
    RETURN NULL;
END $$;

CREATE TRIGGER certificates_reach_ins AFTER INSERT ON certificates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_new();
CREATE TRIGGER certificates_reach_del AFTER DELETE ON certificates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_old();
CREATE TRIGGER certificates_reach_upd AFTER UPDATE ON certificates
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_certificates();

CREATE TRIGGER assistant_questions_reach_ins AFTER INSERT ON assistant_questions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_new();
CREATE TRIGGER assistant_questions_reach_del AFTER DELETE ON assistant_questions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_old();
CREATE TRIGGER assistant_questions_reach_upd AFTER UPDATE ON assistant_questions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_both();

CREATE TRIGGER resident_groups_reach_ins AFTER INSERT ON resident_groups
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_new();
CREATE TRIGGER resident_groups_reach_del AFTER DELETE ON resident_groups
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_old();
CREATE TRIGGER resident_groups_reach_upd AFTER UPDATE ON resident_groups
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_both();

CREATE TRIGGER unit_members_reach_ins AFTER INSERT ON unit_members
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_new();
CREATE TRIGGER unit_members_reach_del AFTER DELETE ON unit_members
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_old();
CREATE TRIGGER unit_members_reach_upd AFTER UPDATE ON unit_members
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_both();

CREATE TRIGGER units_reach_type AFTER UPDATE ON units
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_unit_type();

CREATE TRIGGER residents_reach_ins AFTER INSERT ON residents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_new_id();
CREATE TRIGGER residents_reach_del AFTER DELETE ON residents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_old_id();
CREATE TRIGGER residents_reach_move AFTER UPDATE ON residents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_moved();
