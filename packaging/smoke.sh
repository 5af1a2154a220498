#!/usr/bin/env bash
# Smoke test of the BUILT bundle (not the source tree): version, a new database, the planner in its
# child process, a PDF with its CJK font embedded, and the sign-in window under Xvfb.
# Usage: packaging/smoke.sh [BUNDLE_DIR]   (default build/bundle/fieldvisit). Needs Xvfb, pdffonts.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUNDLE="$(cd "${1:-$ROOT/build/bundle/fieldvisit}" && pwd)"
FV="$BUNDLE/fieldvisit"
WORK="$(mktemp -d /tmp/fieldvisit-smoke.XXXXXX)"
APP_PID=""
XVFB_PID=""
cleanup() {
  if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; fi
  if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
# A clean user: no settings, data or log of the person running the test.
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"
export FIELDVISIT_MACHINE_SETTINGS="$WORK/machine.ini" FIELDVISIT_LOG_DIR="$WORK/logs"
unset FIELDVISIT_DB_URL FIELDVISIT_SETTINGS
mkdir -p "$HOME"
cd "$WORK"  # nothing may come from the source tree

step() { echo "-- $*"; }

step "version"
"$FV" --version

step "db upgrade on a new database"
"$FV" db upgrade --db "sqlite:///$WORK/new.db" --lang en

step "installation check (planner in a child process, migrations, font, Qt libraries)"
"$FV" doctor --db "sqlite:///$WORK/new.db"

step "a solve problem planned in the child process"
"$FV" doctor --problem "$ROOT/examples/solve/problem.json" | grep "planner process"
"$FV" solve "$ROOT/examples/solve/problem.json" --out "$WORK/solution.json"
grep -q '"routes"' "$WORK/solution.json"

step "demo data and a PDF with its CJK font embedded"
DEMO="sqlite:///$WORK/demo.db"
"$FV" demo --db "$DEMO" --today 2026-12-01 --lang en
FIELDVISIT_PASSWORD=demo1234 "$FV" print binder 2026-11-27 2026-11-27 --user compliance \
  --db "$DEMO" --out "$WORK/binder.pdf" --lang zh
pdffonts "$WORK/binder.pdf"
# The CJK font: a TrueType font embedded (emb = yes), not the built-in STSong fallback readers lack.
pdffonts "$WORK/binder.pdf" | awk 'NR > 2 && $2 == "TrueType" && $(NF-4) == "yes" { found = 1 }
  /STSong/ { fallback = 1 } END { exit !(found && !fallback) }'

step "sign-in window under Xvfb"
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
started=$(date +%s.%N)
DISPLAY=":$display" QT_QPA_PLATFORM=xcb "$FV" --db "$DEMO" --lang en > "$WORK/app.out" 2>&1 &
APP_PID=$!
shown=""
for _ in $(seq 1 300); do
  if grep -q "sign-in window shown" "$FIELDVISIT_LOG_DIR/fieldvisit.log" 2>/dev/null; then
    shown=$(date +%s.%N); break
  fi
  if ! kill -0 "$APP_PID" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$shown" ]; then
  echo "the sign-in window did not appear"; cat "$WORK/app.out"; cat "$FIELDVISIT_LOG_DIR"/*.log || true
  exit 1
fi
grep "sign-in window shown" "$FIELDVISIT_LOG_DIR/fieldvisit.log"
echo "start-up time to the sign-in window: $(awk "BEGIN { printf \"%.2f\", $shown - $started }") s"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
if grep -E "Traceback|ERROR" "$FIELDVISIT_LOG_DIR/fieldvisit.log"; then
  echo "errors in the log"; exit 1
fi

echo "-- bundle size: $(du -sh "$BUNDLE" | cut -f1)"
echo "smoke test passed"
