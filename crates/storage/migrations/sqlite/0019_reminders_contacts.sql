-- Issue 15. Keep in step with ../postgres/0019_reminders_contacts.sql.
-- Where a unit's report reminder goes by email (set by the office on the
-- unit's page; no address: the reminder is only the text to paste into Zalo).
CREATE TABLE unit_contacts (
    unit_id INTEGER PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    email   TEXT NOT NULL
);

-- The emailed reminders, one per unit and quarter: a unit is never sent
-- the same reminder twice, whoever or whatever asks for it.
CREATE TABLE report_reminders (
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    quarter TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, quarter)
);

-- A team member who agreed to have their phone number on the hamlet's
-- public "who to ask" page (/hoi-ai). Off unless they agree.
ALTER TABLE unit_members ADD COLUMN publish_phone BOOLEAN NOT NULL DEFAULT FALSE;
