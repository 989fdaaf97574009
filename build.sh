#!/usr/bin/env bash
# The two commands of the README:
#   ./build.sh up     run the local stack (Azurite, maildev, both function apps) with a demo model
#   ./build.sh test   install what the tests need, build, and run every test
# Both install their own prerequisites (npm packages; for tests also the Debian
# packages used as oracles), so they work on a brand-new machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CONFIGURATION="${CONFIGURATION:-Release}"
APT_PACKAGES=(python3-numpy python3-scipy python3-sklearn python3-pandas python3-onnx libonnx-testdata chromium)

log() { printf '==> %s\n' "$*" >&2; }

install_node_packages() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci (azurite, maildev, onnxruntime-node test oracle)"
    # onnxruntime-node's postinstall would download extra binaries; the npm package already ships the CPU build.
    ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  fi
}

install_debian_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  log "dotnet build Functions.sln -c $CONFIGURATION"
  dotnet build Functions.sln -c "$CONFIGURATION" --nologo -v quiet -clp:ErrorsOnly
}

summarize() {
  # Sum the per-project result lines of dotnet test ("Passed!  - Failed: 0, Passed: 3, Skipped: 0, ...")
  # into the plain closing line.
  local passed=0 failed=0 skipped=0 line
  while IFS= read -r line; do
    [[ $line =~ Failed:\ +([0-9]+),\ Passed:\ +([0-9]+),\ Skipped:\ +([0-9]+) ]] || continue
    failed=$((failed + BASH_REMATCH[1])); passed=$((passed + BASH_REMATCH[2])); skipped=$((skipped + BASH_REMATCH[3]))
  done < "$1"
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
}

cmd_test() {
  install_node_packages
  install_debian_packages
  build
  rm -rf TestResults
  mkdir -p TestResults
  log "dotnet test Functions.sln"
  local rc=0
  dotnet test Functions.sln -c "$CONFIGURATION" --no-build --nologo \
    --logger "console;verbosity=minimal" --results-directory TestResults \
    --blame-hang-timeout 10m "$@" 2>&1 | tee TestResults/console.log || rc=$?
  summarize TestResults/console.log || rc=1
  return $rc
}

cmd_up() {
  install_node_packages
  build
  exec dotnet "tools/ModelOps.Cli/bin/$CONFIGURATION/net10.0/modelops.dll" up "$@"
}

case "${1:-}" in
  test) shift; cmd_test "$@" ;;
  up) shift; cmd_up "$@" ;;
  *) echo "usage: ./build.sh up [--no-demo] [--port N] | ./build.sh test [dotnet test options]" >&2; exit 2 ;;
esac
