-- The day a filing deadline counts from. A deadline that runs into a year
-- without a statutory calendar is stored with filing_due NULL (待定) and
-- computed from due_from once that year is loaded.
ALTER TABLE workflows ADD COLUMN due_from TEXT;
