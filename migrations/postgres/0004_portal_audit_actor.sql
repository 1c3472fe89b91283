-- Operator rows (`paddock portal-session`): someone who is no app user minted the
-- session. Each row now says who acted in `actor` (`user:<id>` for the web path,
-- `operator:<OS user>` for the CLI), and `user_id` is set for app users only.
ALTER TABLE portal_audit ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE portal_audit ADD COLUMN actor TEXT;
UPDATE portal_audit SET actor = 'user:' || user_id WHERE actor IS NULL;
ALTER TABLE portal_audit
    ADD CONSTRAINT portal_audit_who CHECK (user_id IS NOT NULL OR actor IS NOT NULL);

-- kind: 'session', 'link' or 'operator'. For kind 'operator', subscription_id holds
-- every id passed, comma-separated in the order given. Operator outcomes: 'minted',
-- 'unknown_customer', 'foreign_subscription', 'no_terminal', 'cancelled', 'paddle_error'.
CREATE INDEX portal_audit_actor ON portal_audit (actor, created_at);
