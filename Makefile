# The two Quickstart commands. Each installs what it is missing, then does its job.
.PHONY: run test release bundle-size bench bench-instructions fuzz

run:  ## build and serve on http://127.0.0.1:3000 (SQLite in ./data)
	@scripts/run

test: ## formatting, clippy, every Rust test, the Playwright suite
	@scripts/test

release: ## the release server and its browser files (target/release/paddock, target/site)
	@scripts/release

bundle-size: ## raw, gzip and brotli size of every file the home page downloads
	@scripts/bundle-size

bench: ## release-build figures: webhooks (SQLite, Postgres) and portal mints through the app vs direct
	@bench/run.sh webhooks
	@bench/run.sh portal
	@bench/run.sh limits

bench-instructions: ## instructions per request of the release build on the bench's paths (needs valgrind)
	@bench/run.sh instructions

fuzz: ## a million generated inputs (FUZZ_INPUTS) through the webhook signature, event and id parsers
	@scripts/fuzz
