#!/usr/bin/env bash
# From an EMPTY database to a printed route sheet, with the command line and import files only:
# first admin → organisation import (2 teams, 4 crews, 10 people, 1 creditor) → case import →
# declared windows and consents → check → plan → submit → approve as the team's manager →
# print the route sheet as a crew member.
#
#   examples/onboarding.sh DB_URL OUTDIR
#
# DB_URL: sqlite:///path/new.db or postgresql+psycopg://… (an empty database).
# PLAN_DATE (YYYY-MM-DD, default: the next Tuesday) is the day planned; FIELDVISIT (default
# "fieldvisit") is the command to run. Every step must succeed, or the script stops non-zero.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 DB_URL OUTDIR" >&2
    exit 2
fi
DB="$1"
OUT="$2"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/onboarding"
FV="${FIELDVISIT:-fieldvisit}"
DAY="${PLAN_DATE:-$(date -d 'next tuesday' +%F)}"
# Example passwords only; a real organisation types them (or lets FieldVisit ask twice).
ADMIN_PW="${ONBOARD_ADMIN_PASSWORD:-admin-onboard-1}"
STAFF_PW="${ONBOARD_STAFF_PASSWORD:-staff-onboard-1}"
mkdir -p "$OUT"

fv() { $FV --db "$DB" --lang en "$@"; }
as_admin() { FIELDVISIT_PASSWORD="$ADMIN_PW" fv "$@" --user admin; }
step() { echo; echo "== $*"; }

step "1. the first administrator (no sign-in exists yet)"
FIELDVISIT_NEW_PASSWORD="$ADMIN_PW" fv users add admin --role admin --display-name "System admin"

step "2. the organisation: teams, creditor, crews and people in one file"
as_admin import org "$HERE/org.csv"
as_admin org team list
as_admin org crew list
for person in mgr_sh zhang; do
    FIELDVISIT_NEW_PASSWORD="$STAFF_PW" as_admin users passwd "$person"
done

step "3. the creditor's cases (located homes, time zone per row)"
fv import cases "$HERE/cases.csv" --creditor ACME

step "4. what debtors declared: windows, blackouts, consents"
as_admin import availability "$HERE/availability.csv"
as_admin import consents "$HERE/consents.csv"

json_id() {  # the id of the record whose $1 is $2 in the JSON list on stdin
    python3 -c 'import json,sys; print(next(r["id"] for r in json.load(sys.stdin) if r[sys.argv[1]] == sys.argv[2]))' "$1" "$2"
}
TEAM=$(as_admin org team list --json | json_id code SH)
CREW=$(as_admin org crew list --team SH --json | json_id name 浦东一组)
echo "team SH = $TEAM, crew 浦东一组 = $CREW, date $DAY"

step "5. the team's cases go to the crew (as the team's manager)"
FIELDVISIT_PASSWORD="$STAFF_PW" fv assign --crew "$CREW" --filter "team=$TEAM" \
    --reason "onboarding: first assignment" --user mgr_sh

step "6. may the crew visit ACME-0001 at 10:30? (exit 0 allowed, 3 needs approval, 4 blocked)"
fv check ACME-0001 --date "$DAY" --crew "$CREW" --at 10:30
fv check ACME-0001 --date "$DAY" --crew "$CREW" --json > "$OUT/check.json"

step "7. plan the crew's day, submit it, approve it as the manager"
FIELDVISIT_PASSWORD="$STAFF_PW" fv plan --crew "$CREW" --date "$DAY" --user zhang --seconds 2
FIELDVISIT_PASSWORD="$STAFF_PW" fv round submit --crew "$CREW" --date "$DAY" --user zhang
FIELDVISIT_PASSWORD="$STAFF_PW" fv round approve --crew "$CREW" --date "$DAY" --user mgr_sh \
    --reason "onboarding: first day checked"

step "8. the route sheet, printed as a crew member"
FIELDVISIT_PASSWORD="$STAFF_PW" fv print route --crew "$CREW" --date "$DAY" \
    --out "$OUT/route.pdf" --user zhang
echo
echo "Done: $OUT/route.pdf"
