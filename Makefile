# The two Quickstart commands. Each installs what it is missing, then does its job.
.PHONY: run test bundle-size bench

run:  ## build and serve on http://127.0.0.1:3000 (SQLite in ./data)
	@scripts/run

test: ## formatting, clippy, every Rust test, the Playwright suite
	@scripts/test

bundle-size: ## raw, gzip and brotli size of every file the home page downloads
	@scripts/bundle-size

bench: ## webhooks per second and p50/p99 latency of the release build, SQLite and Postgres
	@bench/webhooks.sh
