-- Statutory calendar loaded at run time (SQLite). A year listed in
-- calendar_years replaces the shipped data of that year entirely.
CREATE TABLE calendar_years (
    year BIGINT PRIMARY KEY,
    source TEXT NOT NULL,
    papers TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE calendar_days (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year BIGINT NOT NULL REFERENCES calendar_years(year) ON DELETE CASCADE,
    day TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    is_off_day BIGINT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year);
