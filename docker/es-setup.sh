#!/bin/sh
# One-shot set-up of the compose stack's Elasticsearch users, run by the `es-setup` service
# once Elasticsearch is healthy. Every step is idempotent: `docker compose up` runs it again
# each time, which also applies a password changed in .env.
#
#   1. kibana_system, the built-in user Kibana connects as, gets KIBANA_SYSTEM_PASSWORD;
#   2. the role tidewatch_writer may manage the index template and every index whose name
#      starts with the alias (TIDEWATCH_ES_INDEX, default tidewatch-articles): the versioned
#      article indices, the change feed and its counter), and read cluster health;
#   3. the user TIDEWATCH_ES_USER (default tidewatch) gets TIDEWATCH_ES_PASSWORD and that
#      role. Tidewatch connects as this user, never as the superuser `elastic`.
#
# Passwords come from the environment (.env), are never printed, and only travel inside the
# compose network. Plain POSIX sh and curl: nothing else is needed from the image.
set -eu

ES_URL=${ES_URL:-http://elasticsearch:9200}
ALIAS=${TIDEWATCH_ES_INDEX:-tidewatch-articles}
APP_USER=${TIDEWATCH_ES_USER:-tidewatch}
ROLE=tidewatch_writer
WAIT_SECONDS=${SETUP_WAIT_SECONDS:-120}

fail() {
    echo "es-setup: $*" >&2
    exit 1
}

need_password() { # NAME VALUE
    [ -n "$2" ] || fail "$1 is empty: set it in .env (see docker/example.env)"
    [ "${#2}" -ge 6 ] || fail "$1 is too short: Elasticsearch wants at least 6 characters"
}

json_string() { # a JSON string literal for $1 (backslashes and double quotes escaped)
    printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

answer=$(mktemp)
trap 'rm -f "$answer"' EXIT

# call METHOD PATH [JSON]: as `elastic`; the answer's body lands in $answer, its HTTP
# status in $code; succeeds on 2xx only.
call() {
    method=$1
    path=$2
    shift 2
    if [ $# -gt 0 ]; then
        code=$(printf '%s' "$1" | curl -sS -o "$answer" -w '%{http_code}' \
            -u "elastic:$ELASTIC_PASSWORD" -H 'Content-Type: application/json' \
            -X "$method" --data-binary @- "$ES_URL$path") || code=000
    else
        code=$(curl -sS -o "$answer" -w '%{http_code}' -u "elastic:$ELASTIC_PASSWORD" \
            -X "$method" "$ES_URL$path") || code=000
    fi
    case $code in 2??) return 0 ;; esac
    return 1
}

call_or_fail() { # WHAT METHOD PATH [JSON]
    what=$1
    shift
    call "$@" || fail "$what failed: HTTP $code $(cat "$answer")"
    echo "es-setup: $what: done"
}

need_password ELASTIC_PASSWORD "${ELASTIC_PASSWORD:-}"
need_password KIBANA_SYSTEM_PASSWORD "${KIBANA_SYSTEM_PASSWORD:-}"
case $APP_USER in
    elastic) ;;
    *[!A-Za-z0-9_.@-]* | "") fail "TIDEWATCH_ES_USER must be letters, digits and _ . @ -" ;;
    *) need_password TIDEWATCH_ES_PASSWORD "${TIDEWATCH_ES_PASSWORD:-}" ;;
esac
case $ALIAS in
    *[!a-z0-9_-]* | "") fail "TIDEWATCH_ES_INDEX must be lower-case letters, digits, _ and -" ;;
esac

waited=0
until call GET /_security/_authenticate; do
    [ "$code" != 401 ] || fail "Elasticsearch refused the password of elastic (ELASTIC_PASSWORD)"
    [ "$waited" -lt "$WAIT_SECONDS" ] || fail "no answer from $ES_URL after ${WAIT_SECONDS}s (HTTP $code)"
    sleep 2
    waited=$((waited + 2))
done

call_or_fail "password of kibana_system" POST /_security/user/kibana_system/_password \
    "{\"password\": $(json_string "$KIBANA_SYSTEM_PASSWORD")}"

call_or_fail "role $ROLE on $ALIAS*" PUT "/_security/role/$ROLE" "{
  \"cluster\": [\"monitor\", \"manage_index_templates\"],
  \"indices\": [{\"names\": [\"$ALIAS*\"], \"privileges\": [\"all\"]}]
}"

if [ "$APP_USER" = elastic ]; then
    echo "es-setup: TIDEWATCH_ES_USER is elastic, the superuser: no user to create"
else
    call_or_fail "user $APP_USER" PUT "/_security/user/$APP_USER" "{
  \"password\": $(json_string "$TIDEWATCH_ES_PASSWORD"),
  \"roles\": [\"$ROLE\"],
  \"full_name\": \"Tidewatch service\"
}"
fi
echo "es-setup: ready"
