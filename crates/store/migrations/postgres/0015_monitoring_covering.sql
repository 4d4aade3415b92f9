-- 首页 counts a province's messages and flagged posts in the database
-- (monitoring_tallies): the indexes carry every column those counts read,
-- so they are answered from the index alone, never from the rows with
-- their texts.
-- The messages of an account by receipt, with the reply time.
CREATE INDEX messages_account_received_replied ON messages (account_id, received_at, replied_at);
DROP INDEX messages_account_received;
-- Unanswered messages (NULL first) with their receipt and account.
CREATE INDEX messages_replied_received ON messages (replied_at, received_at, account_id);
DROP INDEX messages_replied;
-- Posts with findings by publication time, with their account.
CREATE INDEX posts_flagged_published_account ON posts (published_at, account_id) WHERE flagged > 0;
DROP INDEX posts_flagged_published;

