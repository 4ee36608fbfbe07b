#!/usr/bin/env bash
# Installs the two Temporal servers the engine and its tests run on, from package registries only:
#   .tools/bin/temporal               Temporal CLI dev server (real server + Web UI), built with `go install`
#   .tools/bin/temporal-test-server   Java time-skipping test server from Maven Central, behind an exec wrapper
# Idempotent: a second run only checks versions and takes about a second.
# Fallbacks: a `temporal` already on PATH is linked instead of building; with neither Go nor Maven the
# SDK's own download is used at run time (needs internet) and this script says so.
set -euo pipefail

CLI_VERSION="v1.5.1"
TEST_SERVER_VERSION="1.32.1"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
mkdir -p "$bin"

log() { printf '[temporal-tools] %s\n' "$*" >&2; }

stamp_matches() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

install_cli() {
  local target="$bin/temporal" stamp="$tools/temporal.version"
  if [ -x "$target" ] && stamp_matches "$stamp" "$CLI_VERSION"; then
    log "Temporal CLI $CLI_VERSION already installed ($target)"
    return
  fi
  if command -v go >/dev/null 2>&1; then
    log "building Temporal CLI $CLI_VERSION with go install (a few minutes on a cold machine)..."
    local started=$SECONDS
    GOBIN="$bin" GOFLAGS="${GOFLAGS:--buildvcs=false}" go install "github.com/temporalio/cli/cmd/temporal@$CLI_VERSION"
    echo "$CLI_VERSION" >"$stamp"
    log "Temporal CLI built in $((SECONDS - started)) s"
  elif command -v temporal >/dev/null 2>&1; then
    ln -sf "$(command -v temporal)" "$target"
    echo "path:$(command -v temporal)" >"$stamp"
    log "Go not found: using the temporal binary on PATH ($(command -v temporal))"
  else
    log "Go not found and no temporal on PATH: the SDK will download the dev server at run time (needs internet)"
  fi
}

install_test_server() {
  local dir="$tools/test-server" target="$bin/temporal-test-server" stamp="$tools/test-server.version"
  if [ -x "$target" ] && stamp_matches "$stamp" "$TEST_SERVER_VERSION" && [ -d "$dir/lib" ]; then
    write_test_server_wrapper "$target"
    log "Temporal test server $TEST_SERVER_VERSION already installed ($target)"
    return
  fi
  if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    log "Maven or Java not found: the SDK will download the time-skipping test server at run time (needs internet)"
    return
  fi
  log "resolving io.temporal:temporal-test-server:$TEST_SERVER_VERSION from Maven Central..."
  local started=$SECONDS
  rm -rf "$dir" && mkdir -p "$dir"
  local mvn_log="$tools/test-server-mvn.log"
  if ! mvn -B -Dstyle.color=never -f "$root/scripts/test-server/pom.xml" \
    -Dtemporal.test-server.version="$TEST_SERVER_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/lib" >"$mvn_log" 2>&1; then
    cat "$mvn_log" >&2
    log "Maven could not resolve the test server (log above)"
    return 1
  fi
  write_test_server_wrapper "$target"
  echo "$TEST_SERVER_VERSION" >"$stamp"
  log "test server installed in $((SECONDS - started)) s"
}

# The SDK starts the server with the port as the only argument, kills only its direct child and allows
# about 5 s until the port accepts connections: the wrapper must exec java, and the JVM flags keep start-up lean.
# The server keeps every history in memory: TEMPORAL_TEST_SERVER_HEAP raises its heap for large runs (benchmarks).
write_test_server_wrapper() {
  local target="$1"
  cat >"$target" <<'WRAPPER'
#!/bin/sh
lib="$(cd "$(dirname "$0")/../test-server/lib" && pwd)"
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx"${TEMPORAL_TEST_SERVER_HEAP:-512m}" \
  -cp "$lib/*" io.temporal.testserver.TestServer "$@"
WRAPPER
  chmod +x "$target"
}

install_cli
install_test_server
log "ready: $(ls "$bin" | tr '\n' ' ')"
