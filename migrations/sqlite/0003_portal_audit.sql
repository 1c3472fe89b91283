-- One row per attempt to mint a portal session or deep link. Never the URL: its token
-- is a credential.
CREATE TABLE portal_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL,
    customer_id TEXT,
    -- 'session' or 'link'.
    kind TEXT NOT NULL,
    subscription_id TEXT,
    -- 'minted', 'no_customer', 'not_found', 'unavailable', 'refused_url', 'failed'.
    outcome TEXT NOT NULL,
    paddle_request_id TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX portal_audit_user ON portal_audit (user_id, created_at);
