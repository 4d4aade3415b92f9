-- 首页 counts the unanswered messages of a year and more (overdue and
-- 即将超期): a partial index holds only those, per account by receipt,
-- so the count reads them and not every message of the year.
CREATE INDEX messages_unanswered ON messages (account_id, received_at) WHERE replied_at IS NULL;
