-- Names sort in pinyin order: the key (domain::text::sort_key) is written
-- with every name. Rows that exist already are keyed by the store right
-- after migrating (SQL cannot spell pinyin).
ALTER TABLE accounts ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_name_key ON accounts (name_key);
