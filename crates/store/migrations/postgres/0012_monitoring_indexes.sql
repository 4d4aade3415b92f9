-- Province-wide monitoring reads without scanning the big tables.
-- Posts with findings by publication time (a few in a hundred).
CREATE INDEX posts_flagged_published ON posts (published_at) WHERE flagged > 0;
-- The last original post of an account without reading its reposts.
CREATE INDEX posts_account_kind_published ON posts (account_id, kind, published_at);
-- Messages by reply time: the unanswered ones are NULL, found at once.
CREATE INDEX messages_replied ON messages (replied_at);
-- One week of every account's counts, read from the index alone.
CREATE INDEX daily_rollups_day ON daily_rollups (day, account_id, originals, reposts);

-- Posts per complete ISO week per host org and platform, computed from
-- the daily rollups the first time a week is asked for (首页's 26-week
-- chart), and forgotten when it may have changed: the ingest forgets the
-- weeks it touches, an account moving to another org or platform forgets
-- them all. A week is cached only when its row in org_weeks_done exists.
CREATE TABLE org_week_totals (
    monday TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    platform TEXT NOT NULL,
    originals BIGINT NOT NULL,
    reposts BIGINT NOT NULL,
    PRIMARY KEY (monday, org_id, platform)
);
CREATE TABLE org_weeks_done (
    monday TEXT NOT NULL PRIMARY KEY,
    computed_at BIGINT NOT NULL
);
