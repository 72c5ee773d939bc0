-- Pilot models and the units' quarterly reports (SQLite).
-- Keep in step with ../postgres/0005_reports.sql.

-- Mô hình điểm: "Bình dân học AI", Gia đình số, Chợ số – Nông thôn số,
-- Mỗi công dân – Một danh tính số...
CREATE TABLE pilot_models (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    place      TEXT NOT NULL,
    unit_id    INTEGER REFERENCES units(id) ON DELETE SET NULL,
    hamlet_id  INTEGER REFERENCES hamlets(id) ON DELETE SET NULL,
    criteria   TEXT NOT NULL,
    status     TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    started_on TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX pilot_models_kind ON pilot_models(kind, status);

-- One report per unit and quarter ("2026Q2"): numbers as a JSON object,
-- narrative as a JSON object; state nhap | da_nop | tra_lai.
CREATE TABLE unit_reports (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    quarter      TEXT NOT NULL,
    state        TEXT NOT NULL,
    numbers      TEXT NOT NULL,
    narrative    TEXT NOT NULL,
    return_note  TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    updated_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    submitted_at TEXT,
    UNIQUE (unit_id, quarter)
);
CREATE INDEX unit_reports_quarter ON unit_reports(quarter);

-- For the indicators: passes by course, and assistant use by resident.
CREATE INDEX certificates_resident ON certificates(resident_id, course_id, issued_at);
