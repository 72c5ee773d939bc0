-- Students linked to their school (issue 11). Each school imports its class
-- lists; a student belongs to one school at a time, with a grade (0 for
-- kindergarten, 1–12) and a class such as "3A". Indicator 2 ("học sinh từ
-- bậc tiểu học") counts students from grade 1 up in an active school,
-- instead of a hand-set mark. Keep in step with ../postgres/0011_students.sql.
CREATE TABLE students (
    resident_id INTEGER PRIMARY KEY REFERENCES residents(id) ON DELETE CASCADE,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    grade       INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 12),
    class_name  TEXT NOT NULL,
    listed_on   TEXT NOT NULL
);
CREATE INDEX students_unit ON students(unit_id, grade);

CREATE TRIGGER students_reach_ins AFTER INSERT ON students
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id); END;
CREATE TRIGGER students_reach_del AFTER DELETE ON students
BEGIN INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id); END;
CREATE TRIGGER students_reach_upd AFTER UPDATE OF unit_id, grade, resident_id ON students
BEGIN
    INSERT INTO indicator_dirty (resident_id) VALUES (OLD.resident_id);
    INSERT INTO indicator_dirty (resident_id) VALUES (NEW.resident_id);
END;

-- Deactivating a school changes whether its students count.
CREATE TRIGGER units_reach_active_students AFTER UPDATE OF active ON units
WHEN OLD.active IS NOT NEW.active
BEGIN INSERT INTO indicator_dirty (resident_id) SELECT resident_id FROM students WHERE unit_id = NEW.id; END;
