#!/bin/sh
# One-shot set-up of Kibana for Tidewatch, run by the `kibana-setup` service once Kibana is
# healthy: a data view on the articles alias (TIDEWATCH_ES_INDEX, default
# tidewatch-articles) with published_at as its time field, made Kibana's default data view
# unless another one already is. Discover then opens on Tidewatch's articles.
#
# The data view has a fixed id (the alias), so running this again (every `docker compose
# up` does) finds it and changes nothing: edits made in Kibana are kept. It may be created
# before Tidewatch has made its index (allowNoIndex). Plain POSIX sh and curl.
set -eu

KIBANA_URL=${KIBANA_URL:-http://kibana:5601}
ALIAS=${TIDEWATCH_ES_INDEX:-tidewatch-articles}
VIEW_ID=$ALIAS
TIME_FIELD=published_at
WAIT_SECONDS=${SETUP_WAIT_SECONDS:-300}

fail() {
    echo "kibana-setup: $*" >&2
    exit 1
}

[ -n "${ELASTIC_PASSWORD:-}" ] || fail "ELASTIC_PASSWORD is empty: set it in .env (see docker/example.env)"
case $ALIAS in
    *[!a-z0-9_-]* | "") fail "TIDEWATCH_ES_INDEX must be lower-case letters, digits, _ and -" ;;
esac

answer=$(mktemp)
trap 'rm -f "$answer"' EXIT

# call METHOD PATH [JSON]: as `elastic`, with the kbn-xsrf header Kibana's API requires;
# the answer's body lands in $answer, its HTTP status in $code; succeeds on 2xx only.
call() {
    method=$1
    path=$2
    shift 2
    if [ $# -gt 0 ]; then
        code=$(printf '%s' "$1" | curl -sS -o "$answer" -w '%{http_code}' \
            -u "elastic:$ELASTIC_PASSWORD" -H 'kbn-xsrf: tidewatch' \
            -H 'Content-Type: application/json' -X "$method" --data-binary @- \
            "$KIBANA_URL$path") || code=000
    else
        code=$(curl -sS -o "$answer" -w '%{http_code}' -u "elastic:$ELASTIC_PASSWORD" \
            -H 'kbn-xsrf: tidewatch' -X "$method" "$KIBANA_URL$path") || code=000
    fi
    case $code in 2??) return 0 ;; esac
    return 1
}

waited=0
until call GET /api/status; do
    [ "$waited" -lt "$WAIT_SECONDS" ] || fail "Kibana at $KIBANA_URL not ready after ${WAIT_SECONDS}s (HTTP $code)"
    sleep 3
    waited=$((waited + 3))
done

if call GET "/api/data_views/data_view/$VIEW_ID"; then
    echo "kibana-setup: data view $VIEW_ID already exists: left as it is"
elif [ "$code" = 404 ]; then
    call POST /api/data_views/data_view "{
  \"data_view\": {
    \"id\": \"$VIEW_ID\",
    \"title\": \"$ALIAS\",
    \"name\": \"Tidewatch articles\",
    \"timeFieldName\": \"$TIME_FIELD\",
    \"allowNoIndex\": true
  },
  \"override\": false
}" || fail "creating data view $VIEW_ID failed: HTTP $code $(cat "$answer")"
    echo "kibana-setup: data view $VIEW_ID on $ALIAS (time field $TIME_FIELD): created"
else
    fail "looking up data view $VIEW_ID failed: HTTP $code $(cat "$answer")"
fi

# force false: an analyst's own choice of default data view is kept.
call POST /api/data_views/default "{\"data_view_id\": \"$VIEW_ID\", \"force\": false}" \
    || fail "setting the default data view failed: HTTP $code $(cat "$answer")"
echo "kibana-setup: ready: Discover at http://127.0.0.1:5601/app/discover"
