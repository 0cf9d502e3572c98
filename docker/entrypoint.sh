#!/bin/sh
# The Tidewatch image's entry point: `tidewatch ARGS…`. Before `serve`, when Elasticsearch
# is configured (TIDEWATCH_ES_URL), it runs `tidewatch index create` first: the index
# template, the versioned index behind its alias and the change feed, idempotently. So a new
# stack, or one whose Elasticsearch volume was wiped, starts with its index in place, and
# `serve` never writes to a missing alias. If Elasticsearch cannot be reached the container
# exits non-zero and its restart policy tries again.
set -eu
if [ "${1:-}" = serve ] && [ -n "${TIDEWATCH_ES_URL:-}" ]; then
    tidewatch index create
fi
exec tidewatch "$@"
