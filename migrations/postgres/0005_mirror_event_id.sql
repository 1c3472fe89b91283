-- Tie order: two events for one entity with the same occurred_at are applied by the
-- greater event_id (Paddle's ids sort by creation), whatever order they arrive in.
-- Rows written before this migration, and rows from `paddock reconcile`, have ''.
ALTER TABLE customers ADD COLUMN event_id TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN event_id TEXT NOT NULL DEFAULT '';
