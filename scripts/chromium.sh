#!/usr/bin/env bash
# Makes sure Debian's `chromium` is installed: test/e2e/temporal-ui.test.ts drives it headless through
# playwright-core (whose own browser download would need the internet). Idempotent: when `chromium` is on PATH
# this only prints its version. Otherwise installs the Debian package with apt-get (through sudo when not root)
# and exits non-zero with the reason when that is impossible.
set -euo pipefail

log() { printf '[chromium] %s\n' "$*" >&2; }

if command -v chromium >/dev/null 2>&1; then
  # Debian's /usr/bin/chromium wrapper prints a harmless shell warning on some machines; keep only the version.
  log "already installed: $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "chromium is not installed and apt-get is missing: install Chromium by hand and put \`chromium\` on PATH"
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    log "chromium is not installed; installing it needs root and sudo is missing: run \`apt-get install -y chromium\` as root"
    exit 1
  fi
  as_root=(sudo --non-interactive)
fi

log "installing Debian's chromium package (apt-get)..."
started=$SECONDS
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
if ! "${apt[@]}" update -qq || ! "${apt[@]}" install -y -qq chromium; then
  log "apt-get could not install chromium (see the apt output above): the Temporal Web UI test needs it"
  exit 1
fi
if ! command -v chromium >/dev/null 2>&1; then
  log "apt-get finished but \`chromium\` is still not on PATH"
  exit 1
fi
log "installed $(chromium --version 2>/dev/null || echo chromium) in $((SECONDS - started)) s"
