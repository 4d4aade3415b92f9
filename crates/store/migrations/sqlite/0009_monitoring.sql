-- Monitoring facts (articles 10, 13, 16): what each account published and
-- what the public asked, with where each fact came from (provenance) and
-- when we first and last saw it. Measures read the facts' own times
-- (published_at, received_at, replied_at), never first_seen_at.
CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    platform_post_id TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    day TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    provenance TEXT NOT NULL,
    findings TEXT NOT NULL,
    flagged BIGINT NOT NULL,
    blocked BIGINT NOT NULL,
    deleted_at BIGINT,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    UNIQUE (account_id, platform_post_id)
);
CREATE INDEX posts_account_published ON posts (account_id, published_at);

-- Every change seen to a stored post: the values before it, and when.
CREATE TABLE post_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BIGINT NOT NULL REFERENCES posts(id),
    seen_at BIGINT NOT NULL,
    change TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    provenance TEXT NOT NULL
);
CREATE INDEX post_revisions_post ON post_revisions (post_id);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    platform_message_id TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    body TEXT NOT NULL,
    channel TEXT NOT NULL,
    replied_at BIGINT,
    reply_text TEXT NOT NULL,
    provenance TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    UNIQUE (account_id, platform_message_id)
);
CREATE INDEX messages_account_received ON messages (account_id, received_at);

-- The last time each kind of source delivered for an account: a window is
-- covered when some source delivered at or after its end.
CREATE TABLE account_deliveries (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    provenance TEXT NOT NULL,
    last_delivery_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, provenance)
);

-- Posts per account per China day, maintained on ingest, so province-wide
-- lists never scan the posts.
CREATE TABLE daily_rollups (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    day TEXT NOT NULL,
    originals BIGINT NOT NULL,
    reposts BIGINT NOT NULL,
    PRIMARY KEY (account_id, day)
);

-- Thresholds set on an org for its subtree (RuleOverride as JSON).
CREATE TABLE monitoring_rules (
    org_id BIGINT PRIMARY KEY REFERENCES orgs(id),
    rules TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
