-- Monitoring alerts: one row per cause (zombie streak, breached week,
-- overdue message, post with a block finding, broken feed), opened and
-- closed by the alerts job. The unique cause key makes opening idempotent
-- and safe when several instances share one database.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cause_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    message TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,
    acknowledged_at BIGINT,
    acknowledged_by TEXT NOT NULL DEFAULT '',
    ack_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alerts_account ON alerts (account_id);
CREATE INDEX alerts_open ON alerts (closed_at);
