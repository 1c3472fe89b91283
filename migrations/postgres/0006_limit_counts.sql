-- Abuse-limit counts shared by every app instance on this database (src/server/limits/
-- postgres.rs). A key is 16 bytes of SHA-256 over the limit's name and the key (never
-- an address in plain text); times are milliseconds since the epoch.
CREATE TABLE limit_counts (
    key BYTEA PRIMARY KEY,
    window_start BIGINT NOT NULL,
    previous INTEGER NOT NULL,
    current INTEGER NOT NULL,
    -- Two windows after window_start: nothing counts any more; swept now and then.
    expires_at BIGINT NOT NULL
);

CREATE INDEX limit_counts_expires ON limit_counts (expires_at);
