-- Scheduled jobs: one row per job, claimed by one instance at a time (PostgreSQL).
CREATE TABLE job_runs (
    name TEXT PRIMARY KEY,
    next_due_at BIGINT NOT NULL,
    claimed_until BIGINT,
    claimed_by TEXT NOT NULL DEFAULT '',
    last_started_at BIGINT,
    last_finished_at BIGINT,
    last_outcome TEXT NOT NULL DEFAULT '',
    last_summary TEXT NOT NULL DEFAULT '',
    last_duration_ms BIGINT,
    runs BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0
);
