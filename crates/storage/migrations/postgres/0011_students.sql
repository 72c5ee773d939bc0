-- Students linked to their school (issue 11). Keep in step with
-- ../sqlite/0011_students.sql, which explains the table.
CREATE TABLE students (
    resident_id BIGINT PRIMARY KEY REFERENCES residents(id) ON DELETE CASCADE,
    unit_id     BIGINT NOT NULL REFERENCES units(id),
    grade       INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 12),
    class_name  TEXT NOT NULL,
    listed_on   DATE NOT NULL
);
CREATE INDEX students_unit ON students(unit_id, grade);

CREATE TRIGGER students_reach_ins AFTER INSERT ON students
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_new();
CREATE TRIGGER students_reach_del AFTER DELETE ON students
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_old();
CREATE TRIGGER students_reach_upd AFTER UPDATE ON students
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_dirty_both();

CREATE FUNCTION indicator_dirty_school() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_dirty (resident_id) SELECT resident_id FROM students WHERE unit_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER units_reach_active_students AFTER UPDATE ON units FOR EACH ROW
    WHEN (OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION indicator_dirty_school();
