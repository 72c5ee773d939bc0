-- Indicator reach kept up to date instead of recounted (PostgreSQL).
-- Keep in step with ../sqlite/0007_indicator_reach.sql, which explains the
-- tables. Here most triggers are per statement, with transition tables, so a
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
-- Row triggers where an update matters only when some columns change: the
-- WHEN clause is checked without calling a function, and no join of the two
-- transition tables is needed (a title corrected on 250,000 certificates, or
-- an import updating every resident, costs nothing here).
CREATE FUNCTION indicator_dirty_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id);
    IF NEW.resident_id IS DISTINCT FROM OLD.resident_id THEN
        INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id);
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION indicator_dirty_moved_to() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id);
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
    INSERT INTO indicator_dirty (resident_id) VALUES (NEW.id);
    RETURN NULL;
END $$;
CREATE FUNCTION indicator_dirty_unit_type() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id) SELECT resident_id FROM unit_members WHERE unit_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER certificates_reach_ins AFTER INSERT ON certificates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_new();
CREATE TRIGGER certificates_reach_del AFTER DELETE ON certificates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_old();
CREATE TRIGGER certificates_reach_upd AFTER UPDATE ON certificates FOR EACH ROW
    WHEN (OLD.resident_id IS DISTINCT FROM NEW.resident_id OR OLD.course_id IS DISTINCT FROM NEW.course_id
          OR OLD.issued_at IS DISTINCT FROM NEW.issued_at)
    EXECUTE FUNCTION indicator_dirty_row();

CREATE TRIGGER assistant_questions_reach_ins AFTER INSERT ON assistant_questions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_new();
CREATE TRIGGER assistant_questions_reach_del AFTER DELETE ON assistant_questions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_old();
CREATE TRIGGER assistant_questions_reach_upd AFTER UPDATE ON assistant_questions FOR EACH ROW
    WHEN (OLD.resident_id IS NOT NULL AND (OLD.resident_id IS DISTINCT FROM NEW.resident_id OR OLD.at IS DISTINCT FROM NEW.at))
    EXECUTE FUNCTION indicator_dirty_row();
CREATE TRIGGER assistant_questions_reach_owner AFTER UPDATE ON assistant_questions FOR EACH ROW
    WHEN (OLD.resident_id IS NULL AND NEW.resident_id IS NOT NULL)
    EXECUTE FUNCTION indicator_dirty_moved_to();

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

CREATE TRIGGER units_reach_type AFTER UPDATE ON units FOR EACH ROW
    WHEN (OLD.unit_type IS DISTINCT FROM NEW.unit_type)
    EXECUTE FUNCTION indicator_dirty_unit_type();

CREATE TRIGGER residents_reach_ins AFTER INSERT ON residents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_new_id();
CREATE TRIGGER residents_reach_del AFTER DELETE ON residents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_old_id();
CREATE TRIGGER residents_reach_move AFTER UPDATE ON residents FOR EACH ROW
    WHEN (OLD.hamlet_id IS DISTINCT FROM NEW.hamlet_id)
    EXECUTE FUNCTION indicator_dirty_moved();
