#!/usr/bin/env bash
# Starts examhall for the browser tests: a fresh, empty data directory loaded with the
# demo organisation, on the port playwright.config.ts waits for. scripts/test exports
# EXAMHALL_BIN (the debug server binary) and LEPTOS_SITE_ROOT (the built site).
set -euo pipefail

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/examhall-e2e.XXXXXX")"

exec env \
  EXAMHALL_LISTEN=127.0.0.1:3100 \
  EXAMHALL_DATA_DIR="$data_dir" \
  EXAMHALL_DEMO=true \
  LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:?set LEPTOS_SITE_ROOT to the built site (target/site)}" \
  "${EXAMHALL_BIN:?set EXAMHALL_BIN to the examhall server binary}" serve
