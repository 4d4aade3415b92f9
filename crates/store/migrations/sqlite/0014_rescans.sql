-- The background re-scan of stored posts when what the scanner knows
-- changes (its fingerprint): one row, the fingerprint being applied, how
-- far through the posts (by id) it has come, and how many changed.
CREATE TABLE post_rescans (
    id BIGINT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    cursor_id BIGINT NOT NULL,
    scanned BIGINT NOT NULL,
    changed BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT
);
