-- Procedure records edited by the office from the web (PostgreSQL).
-- Keep in step with ../sqlite/0003_procedure_overrides.sql.
-- Each row replaces (or adds) the built-in record with the same code.
CREATE TABLE procedure_overrides (
    code       TEXT PRIMARY KEY,
    toml       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
