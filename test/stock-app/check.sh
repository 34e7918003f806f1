#!/usr/bin/env bash
# A stock Backstage app from today's @backstage/create-app, with our packages installed from
# their `npm pack` tarballs as the README says, must pass its own checks: `yarn tsc:full`,
# `yarn lint:all` and `yarn build:all`. Too slow for `npm test` (a fresh install of some 2,500
# packages per app); run it by hand before a release:
#
#   npm run build && bash test/stock-app/check.sh [new|legacy|both] [work directory]
#
# It uses the app's own Yarn (the release create-app ships) on Node.js 24, the newest line the
# app template accepts ("engines": "22 || 24"). Prints one line per step: exit code and seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WHICH="${1:-both}"
WORK="${2:-$(mktemp -d /tmp/pgg-stock-app-XXXXXX)}"
CREATE_APP="@backstage/create-app@0.9.2"
NODE24="$(node -e "const r = require('$ROOT/test/support/node-runtime'); console.log(r.ensureNode(r.SUPPORTED_NODES[24]))")"
mkdir -p "$WORK/bin" "$WORK/tarballs"
export PATH="$WORK/bin:$(dirname "$NODE24"):$PATH"
export YARN_NPM_REGISTRY_SERVER=https://registry.npmjs.org YARN_ENABLE_TELEMETRY=0

for dir in renderer plugins/publish cli plugins/scaffolder-postgres plugins/scaffolder-postgres-react; do
  (cd "$ROOT/$dir" && npm pack --silent --pack-destination "$WORK/tarballs" >/dev/null)
done

create() { # name, extra create-app flags
  local app="$WORK/$1"
  echo "$1" | npm exec --yes "$CREATE_APP" -- --skip-install --path "$app" "${@:2}" >"$WORK/$1-create.log" 2>&1
  if [ ! -x "$WORK/bin/yarn" ]; then
    cp "$app"/.yarn/releases/yarn-*.cjs "$WORK/bin/yarn.cjs"
    printf '#!/bin/sh\nexec node "%s/bin/yarn.cjs" "$@"\n' "$WORK" >"$WORK/bin/yarn" && chmod +x "$WORK/bin/yarn"
  fi
  python3 "$ROOT/test/stock-app/add-packages.py" "$app" "$WORK/tarballs" "$1"
}

check() { # name
  local app="$WORK/$1"
  for step in install tsc:full lint:all build:all; do
    local start log="$WORK/$1-${step/:/-}.log" code=0
    start=$(date +%s)
    if [ "$step" = install ]; then (cd "$app" && yarn install) >"$log" 2>&1 || code=$?; else (cd "$app" && yarn "$step") >"$log" 2>&1 || code=$?; fi
    echo "$1 $step: exit $code in $(( $(date +%s) - start )) s (log: $log)"
  done
}

[ "$WHICH" = legacy ] || { create new-app; check new-app; }
[ "$WHICH" = new ] || { create legacy-app --legacy; check legacy-app; }
