-- One active account per platform account ID (articles 8 and 9).
-- handle_key is the ID an account claims: its handle while it is not
-- closed, NULL otherwise (written by the store from the domain's
-- registry::handle_key). A partial unique index backs the rule.
ALTER TABLE accounts ADD COLUMN handle_key TEXT;

UPDATE accounts SET handle_key = handle WHERE handle <> '' AND status <> 'closed';

-- Duplicates registered before the rule are not refused here: the oldest
-- account keeps the claim, every later one is listed for the publicity
-- center to resolve (close one, or correct the ID), shown as a registry
-- warning on both accounts.
CREATE TABLE registry_conflicts (
    account_id BIGINT NOT NULL PRIMARY KEY REFERENCES accounts(id),
    holder_account_id BIGINT NOT NULL REFERENCES accounts(id)
);

INSERT INTO registry_conflicts (account_id, holder_account_id)
SELECT a.id,
       (SELECT MIN(b.id) FROM accounts b
         WHERE b.platform = a.platform AND b.handle_key = a.handle_key)
  FROM accounts a
 WHERE a.handle_key IS NOT NULL
   AND EXISTS (SELECT 1 FROM accounts b
                WHERE b.platform = a.platform AND b.handle_key = a.handle_key
                  AND b.id < a.id);

UPDATE accounts SET handle_key = NULL
 WHERE id IN (SELECT account_id FROM registry_conflicts);

CREATE UNIQUE INDEX accounts_active_handle ON accounts (platform, handle_key)
    WHERE handle_key IS NOT NULL;
