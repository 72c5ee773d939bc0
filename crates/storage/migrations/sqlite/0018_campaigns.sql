-- Outreach campaigns (issue 15, task III.1). Keep in step with
-- ../postgres/0018_campaigns.sql. `channels` are domain::campaigns::Channel
-- codes joined by ','. `link_code` is the short link (/l/<code>); `opens`
-- counts its openings: a number, no one's data.
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    message     TEXT NOT NULL,
    channels    TEXT NOT NULL,
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL,
    unit_id     INTEGER REFERENCES units(id) ON DELETE SET NULL,
    plan_task   TEXT NOT NULL DEFAULT 'III.1',
    link_code   TEXT NOT NULL UNIQUE,
    opens       INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX campaigns_starts ON campaigns(starts_on);

-- The hamlets a campaign is for; none: the whole commune.
CREATE TABLE campaign_hamlets (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    hamlet_id   INTEGER NOT NULL REFERENCES hamlets(id) ON DELETE CASCADE,
    PRIMARY KEY (campaign_id, hamlet_id)
);
