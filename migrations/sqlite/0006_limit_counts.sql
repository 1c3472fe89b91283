-- Abuse-limit counts shared by instances (src/server/limits/postgres.rs). Kept for the
-- same schema on both backends; SQLite serves one process, which counts in memory.
CREATE TABLE limit_counts (
    key BLOB PRIMARY KEY,
    window_start BIGINT NOT NULL,
    previous INTEGER NOT NULL,
    current INTEGER NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX limit_counts_expires ON limit_counts (expires_at);
