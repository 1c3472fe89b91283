-- Operator rows (`paddock portal-session`): someone who is no app user minted the
-- session. Each row now says who acted in `actor` (`user:<id>` for the web path,
-- `operator:<OS user>` for the CLI), and `user_id` is set for app users only.
-- SQLite cannot drop a NOT NULL in place: rebuild the table, keeping every row and id.
CREATE TABLE portal_audit_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The app user who minted; NULL for an operator.
    user_id BIGINT,
    -- 'user:<id>' or 'operator:<OS user>'.
    actor TEXT,
    customer_id TEXT,
    -- 'session', 'link' or 'operator'.
    kind TEXT NOT NULL,
    -- One id; for kind 'operator', every id passed, comma-separated in the order given.
    subscription_id TEXT,
    -- Web path: 'minted', 'no_customer', 'subscription_not_found', 'customer_unknown',
    -- 'unavailable', 'refused_url', 'failed'. Operator: 'minted', 'unknown_customer',
    -- 'foreign_subscription', 'no_terminal', 'cancelled', 'paddle_error'.
    outcome TEXT NOT NULL,
    paddle_request_id TEXT,
    created_at BIGINT NOT NULL,
    CHECK (user_id IS NOT NULL OR actor IS NOT NULL)
);

INSERT INTO portal_audit_new (id, user_id, actor, customer_id, kind, subscription_id,
                              outcome, paddle_request_id, created_at)
SELECT id, user_id, 'user:' || user_id, customer_id, kind, subscription_id,
       outcome, paddle_request_id, created_at
FROM portal_audit;

DROP TABLE portal_audit;
ALTER TABLE portal_audit_new RENAME TO portal_audit;

CREATE INDEX portal_audit_user ON portal_audit (user_id, created_at);
CREATE INDEX portal_audit_actor ON portal_audit (actor, created_at);
