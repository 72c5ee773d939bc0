-- A person's requests about the data held on them (Law 91/2025/QH15;
-- issue 12): correct it (`sua`) or delete it (`xoa`). The person, or the
-- office for them, files one with a text of at most 2,000 characters
-- (domain::privacy::request_body); the office answers: corrected
-- (`da_sua`), refused with a reason (`tu_choi`), or the record anonymised
-- (`da_an_danh`). Open requests are `cho`. Keep in step with
-- ../postgres/0014_data_requests.sql.
CREATE TABLE data_requests (
    id          INTEGER PRIMARY KEY,
    resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('sua', 'xoa')),
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'cho' CHECK (status IN ('cho', 'da_sua', 'tu_choi', 'da_an_danh')),
    answer      TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    answered_by TEXT
);
CREATE INDEX data_requests_resident ON data_requests(resident_id, id);
CREATE INDEX data_requests_status ON data_requests(status, created_at);
