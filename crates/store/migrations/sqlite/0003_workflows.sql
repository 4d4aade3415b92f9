-- Account lifecycle workflows, filings and notifications (SQLite).
CREATE TABLE workflows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    host_org_id BIGINT NOT NULL REFERENCES orgs(id),
    account_id BIGINT REFERENCES accounts(id),
    survivor_account_id BIGINT REFERENCES accounts(id),
    applicant_id BIGINT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    data TEXT NOT NULL,
    approved_on TEXT,
    event_on TEXT,
    announced_on TEXT,
    announce_text TEXT NOT NULL DEFAULT '',
    announce_workdays BIGINT NOT NULL DEFAULT 0,
    filing_due TEXT,
    filed_at BIGINT,
    finished_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX workflows_host ON workflows (host_org_id);
CREATE INDEX workflows_account ON workflows (account_id);
CREATE INDEX workflows_state ON workflows (state);

CREATE TABLE workflow_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow_id BIGINT NOT NULL REFERENCES workflows(id),
    at BIGINT NOT NULL,
    user_id BIGINT,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    opinion TEXT NOT NULL DEFAULT ''
);
CREATE INDEX workflow_steps_workflow ON workflow_steps (workflow_id);

CREATE TABLE filing_targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow_id BIGINT NOT NULL REFERENCES workflows(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    status TEXT NOT NULL,
    acted_by TEXT NOT NULL DEFAULT '',
    acted_at BIGINT,
    reason TEXT NOT NULL DEFAULT '',
    UNIQUE (workflow_id, org_id)
);
CREATE INDEX filing_targets_org ON filing_targets (org_id, status);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    workflow_id BIGINT NOT NULL REFERENCES workflows(id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    UNIQUE (user_id, workflow_id, kind)
);

ALTER TABLE accounts ADD COLUMN merged_into BIGINT REFERENCES accounts(id);
