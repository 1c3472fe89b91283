-- Webhook deliveries refused at signature verification, counted per reason and hour, for
-- `paddock doctor` (another process) to read. Each app process counts refusals in memory
-- and adds them here every few seconds with one upsert per reason (src/server/webhooks/
-- refusals.rs), so forged traffic costs at most that many writes, however much of it
-- comes. Never a body or a signature. Times are unix seconds.
CREATE TABLE webhook_refusals (
    -- wrong_secret | stale | future | malformed
    reason TEXT NOT NULL,
    -- Start of the hour the refusals were counted in.
    hour BIGINT NOT NULL,
    count BIGINT NOT NULL,
    -- When the latest of them was refused.
    last_at BIGINT NOT NULL,
    PRIMARY KEY (reason, hour)
);

-- "When did the last verified webhook arrive, and which types in the last 24 h?"
CREATE INDEX webhook_events_received ON webhook_events (received_at);
