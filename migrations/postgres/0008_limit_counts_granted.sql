-- Whether the last reservation of a key got its slot: the one-statement upsert in
-- db/limit_counts.rs decides and counts in one round trip, and returns this.
ALTER TABLE limit_counts ADD COLUMN granted BOOLEAN NOT NULL DEFAULT TRUE;

-- Abuse-limit counts are short-lived and cheap to lose: unlogged, a reservation does
-- not wait for a WAL flush (measured by bench/run.sh limits). After a database crash,
-- or on a promoted replica, the counts start again from zero.
ALTER TABLE limit_counts SET UNLOGGED;
