-- Nothing reads webhook_events by `occurred_at_us` (the mirror's rows carry their own
-- order, and `paddock doctor` reads `received_at`, indexed in 0009), yet every stored
-- event paid for this index, on the one writer that each queued delivery waits behind.
DROP INDEX webhook_events_occurred;
