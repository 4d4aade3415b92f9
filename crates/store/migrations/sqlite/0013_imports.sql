-- Imports of the platforms' exports (CSV/XLSX): the uploaded file kept
-- between the preview and the import (by the user who sent it, removed
-- once imported or a day later), and the column mapping each org last
-- used per platform and kind, offered again next time.
CREATE TABLE import_uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX import_uploads_uploaded ON import_uploads (uploaded_at);

CREATE TABLE import_mappings (
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    mapping TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, platform, kind)
);
