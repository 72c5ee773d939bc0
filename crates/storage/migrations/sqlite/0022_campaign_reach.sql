-- Issue 15, task III.1: a campaign's reach, counted honestly. Keep in step
-- with ../postgres/0022_campaign_reach.sql.
-- A class held for a campaign: its presences count as the campaign's.
ALTER TABLE training_sessions ADD COLUMN campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL;

-- What a hamlet reports by hand (people reached at a meeting, by the
-- loudspeaker): a number with its note, shown as reported, never mixed
-- with what was counted.
CREATE TABLE campaign_reports (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    hamlet_id   INTEGER REFERENCES hamlets(id) ON DELETE SET NULL,
    people      INTEGER NOT NULL,
    note        TEXT NOT NULL,
    reported_on DATE NOT NULL,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX campaign_reports_campaign ON campaign_reports(campaign_id);
