-- Files sent with a filing (e.g. the 保密承诺书 a receiver asked for when
-- returning it), kept with the filing and written in the same transaction
-- as the submission they came with.
CREATE TABLE filing_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow_id BIGINT NOT NULL REFERENCES workflows(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX filing_attachments_workflow ON filing_attachments (workflow_id);
