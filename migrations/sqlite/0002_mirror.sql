-- Paddle webhooks and the mirror they feed. Paddle's own times are unix seconds; event
-- times are also kept in microseconds, the precision Paddle sends, to order events.

-- Every verified event, once: `event_id` deduplicates Paddle's at-least-once delivery.
CREATE TABLE webhook_events (
    event_id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    -- As sent (RFC 3339), and as microseconds since the epoch for sorting.
    occurred_at TEXT NOT NULL,
    occurred_at_us BIGINT NOT NULL,
    notification_id TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    payload TEXT NOT NULL
);

CREATE INDEX webhook_events_occurred ON webhook_events (occurred_at_us);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    -- Normalised (trimmed, lower-cased) like users.email: the bridge from a user.
    email TEXT NOT NULL,
    name TEXT,
    status TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- occurred_at (µs) of the event this row reflects; older events do not overwrite it.
    occurred_at_us BIGINT NOT NULL
);

CREATE INDEX customers_email ON customers (email);

-- No foreign key to customers: a subscription event may arrive before its customer's.
CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    -- The whole `items` array, as Paddle sent it.
    items TEXT NOT NULL,
    next_billed_at BIGINT,
    current_period_starts_at BIGINT,
    current_period_ends_at BIGINT,
    -- `scheduled_change` as JSON; NULL when none.
    scheduled_change TEXT,
    paused_at BIGINT,
    canceled_at BIGINT,
    collection_mode TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    occurred_at_us BIGINT NOT NULL
);

CREATE INDEX subscriptions_customer ON subscriptions (customer_id);
