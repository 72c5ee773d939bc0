-- Registry, accounts, sessions and audit log (SQLite).
-- Keep in step with ../postgres/0001_registry.sql: same tables, same columns,
-- same meaning; only the column types differ.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE hamlets (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    name_key TEXT NOT NULL UNIQUE
);

CREATE TABLE units (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    unit_type TEXT NOT NULL,
    hamlet_id INTEGER REFERENCES hamlets(id)
);
CREATE INDEX units_type ON units(unit_type);

CREATE TABLE households (
    id            INTEGER PRIMARY KEY,
    hamlet_id     INTEGER NOT NULL REFERENCES hamlets(id),
    code          TEXT,
    head_name     TEXT NOT NULL,
    head_key      TEXT NOT NULL,
    farm_business BOOLEAN NOT NULL DEFAULT FALSE,
    address       TEXT NOT NULL DEFAULT '',
    UNIQUE (hamlet_id, code)
);
CREATE INDEX households_head ON households(hamlet_id, head_key);

CREATE TABLE residents (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id),
    hamlet_id    INTEGER NOT NULL REFERENCES hamlets(id),
    full_name    TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    sex          TEXT,
    birth        TEXT,
    birth_year   INTEGER,
    ethnicity    TEXT NOT NULL DEFAULT '',
    is_minority  BOOLEAN NOT NULL DEFAULT FALSE,
    phone        TEXT,
    citizen_id   TEXT UNIQUE,
    relation     TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX residents_hamlet ON residents(hamlet_id, name_key);
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_name ON residents(name_key);

CREATE TABLE resident_groups (
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    group_code  TEXT NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (resident_id, group_code, source)
);
CREATE INDEX resident_groups_group ON resident_groups(group_code, resident_id);

CREATE TABLE unit_members (
    unit_id     INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    title       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (unit_id, resident_id)
);
CREATE INDEX unit_members_resident ON unit_members(resident_id);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL,
    unit_id              INTEGER REFERENCES units(id),
    hamlet_id            INTEGER REFERENCES hamlets(id),
    resident_id          INTEGER REFERENCES residents(id),
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE INDEX audit_log_at ON audit_log(at);
