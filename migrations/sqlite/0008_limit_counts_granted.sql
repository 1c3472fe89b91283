-- Whether the last reservation of a key got its slot: the one-statement upsert in
-- db/limit_counts.rs decides and counts in one round trip, and returns this.
ALTER TABLE limit_counts ADD COLUMN granted BOOLEAN NOT NULL DEFAULT TRUE;
