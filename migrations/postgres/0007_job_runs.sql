-- Periodic jobs (the expired-session and unverified-account sweeps) run once a period
-- across every instance on this database: the instance that moves `last_run` forward
-- runs it (src/server/jobs.rs). Times are unix seconds.
CREATE TABLE job_runs (
    job TEXT PRIMARY KEY,
    last_run BIGINT NOT NULL,
    runs BIGINT NOT NULL
);
