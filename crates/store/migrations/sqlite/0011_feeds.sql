-- Feeds: an account's RSS/Atom feed (from a feed bridge inside the
-- network), with what conditional GET needs and the feed's health: the
-- last success and error, failures in a row (a feed is broken after
-- enough of them), and when it is polled next (backing off on failure).
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL UNIQUE REFERENCES accounts(id),
    url TEXT NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    last_polled_at BIGINT,
    last_success_at BIGINT,
    last_error_code TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    last_error_at BIGINT,
    failures BIGINT NOT NULL DEFAULT 0,
    items_seen BIGINT NOT NULL DEFAULT 0,
    next_poll_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX feeds_next_poll ON feeds (next_poll_at);
