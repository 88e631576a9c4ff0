#!/usr/bin/env bash
# Shared set-up for scripts/run and scripts/test: installs what is missing and
# says what it is doing. Idempotent, and quick when everything is already there.
# Sourced, not executed.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Debian/Ubuntu packages: building the app (WebKitGTK, TLS, icons) ...
BUILD_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libxdo-dev pkg-config libdbus-1-dev)
# ... and running it headless under test: Xvfb, WebDriver, a session bus and a keychain.
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver gnome-keyring dbus dbus-x11 dbus-user-session
  libsecret-tools libdbus-1-dev x11-utils xdotool python3-gi gir1.2-gtk-3.0 faketime)

ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get: see README, 'Other systems'"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Node.js for the UI build: Vite 8 needs 20.19 or newer. Debian's and Ubuntu's
# own nodejs package is older than that, so it is not installed from apt here.
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19
NODE_HELP="install Node.js 22 LTS, e.g. from NodeSource (https://github.com/nodesource/distributions: curl -fsSL https://deb.nodesource.com/setup_22.x | sudo -E bash - && sudo apt-get install -y nodejs) or with nvm (https://github.com/nvm-sh/nvm: nvm install 22), then rerun"

ensure_toolchains() {
  command -v cargo >/dev/null || die "Rust is not installed: install it from https://rustup.rs (stable), then rerun"
  command -v node >/dev/null || die "Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or newer is needed and none is installed: $NODE_HELP"
  command -v npm >/dev/null || die "npm is missing (found Node.js $(node --version) without it): $NODE_HELP"
  local version major minor
  version="$(node -p 'process.versions.node')" || die "Node.js does not run (node -p failed): $NODE_HELP"
  major="${version%%.*}"
  minor="${version#*.}"
  minor="${minor%%.*}"
  if ! [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]]; then
    die "could not read the Node.js version (node says '$version'): $NODE_HELP"
  fi
  if [ "$major" -lt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -lt "$NODE_MIN_MINOR" ]; }; then
    die "Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR} or newer is needed (Vite 8), found $version: $NODE_HELP"
  fi
}

ensure_ui() {
  if [ ! -d "$ROOT/ui/node_modules" ] || [ "$ROOT/ui/package-lock.json" -nt "$ROOT/ui/node_modules/.package-lock.json" ]; then
    say "Installing UI dependencies (npm ci)"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  say "Building the UI (vite)"
  (cd "$ROOT/ui" && npx --no-install vite build --logLevel warn)
}

ensure_tauri_driver() {
  if ! command -v tauri-driver >/dev/null; then
    say "Installing tauri-driver (cargo install, about 30 s)"
    cargo install tauri-driver --locked --quiet
  fi
}

# Python's icalendar package, which the ICS export test (crates/cli/tests/ics_export.rs)
# parses the exported calendar with. It goes into a venv under target/, so the
# system's Python is left alone (PEP 668); the test finds it there, or through
# CASEFILE_PYTHON, which this exports.
ICALENDAR_VENV="$ROOT/target/py-icalendar"
ensure_icalendar() {
  export CASEFILE_PYTHON="$ICALENDAR_VENV/bin/python3"
  "$CASEFILE_PYTHON" -c 'import icalendar' 2>/dev/null && return 0
  command -v python3 >/dev/null || ensure_apt python3 python3-venv
  say "Installing Python's icalendar (pip, into target/py-icalendar)"
  if ! python3 -m venv --clear "$ICALENDAR_VENV" >/dev/null 2>&1; then
    # Debian's python3 has no venv module (ensurepip) without python3-venv.
    rm -rf "$ICALENDAR_VENV"
    ensure_apt python3-venv
    python3 -m venv --clear "$ICALENDAR_VENV" || die "could not make a Python venv in $ICALENDAR_VENV"
  fi
  "$CASEFILE_PYTHON" -m pip install --quiet --disable-pip-version-check icalendar \
    || die "could not install Python's icalendar (pip install icalendar) into $ICALENDAR_VENV"
}
