#!/usr/bin/env bash
# deps.sh checks, and on Debian/Ubuntu installs, what Evidentia needs.
#
#   scripts/deps.sh run          what building and running the app needs
#   scripts/deps.sh test         everything `make test` needs
#   scripts/deps.sh --list MODE  print the Debian package names for MODE
#
# On Debian/Ubuntu, as root or with non-interactive sudo, missing packages are
# installed with apt-get (apt-get update runs only if something is missing).
# Elsewhere the script prints what is missing and how to get it, and exits 1.
set -euo pipefail

prog=deps.sh
die() { echo "$prog: $*" >&2; exit 2; }

list=0
if [[ ${1:-} == --list ]]; then list=1; shift; fi
mode=${1:-}
[[ $mode == run || $mode == test ]] || die "usage: $0 [--list] run|test"

min_go_major=1 min_go_minor=26

# Debian package names. Compiler and headers for cgo (Fyne's OpenGL driver,
# SQLite, -race); a browser for captures.
run_pkgs=(gcc libc6-dev pkg-config
	libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
# Tests also need: CJK fonts for Korean pages in Chromium, a virtual display
# for window tests, independent PDF checkers, and openssl/certutil for the
# signature and timestamp tests, ffmpeg (ffprobe, and the tests' tiny videos) and
# yt-dlp for the media tests. (Node.js and npm are checked apart: see debian.)
test_pkgs=(fonts-noto-cjk xvfb xauth poppler-utils imagemagick openssl libnss3-tools ffmpeg yt-dlp)

os_id= os_like=
if [[ -r /etc/os-release ]]; then
	# shellcheck disable=SC1091
	os_id=$(. /etc/os-release && echo "${ID:-}")
	os_like=$(. /etc/os-release && echo "${ID_LIKE:-}")
fi
browser_pkg=chromium
if [[ $os_id == ubuntu || " $os_like " == *" ubuntu "* ]]; then
	browser_pkg=chromium-browser # Ubuntu's name (a snap wrapper)
fi

wanted=("${run_pkgs[@]}")
[[ $mode == test ]] && wanted+=("$browser_pkg" "${test_pkgs[@]}")

if ((list)); then
	[[ $mode == run ]] && wanted+=("$browser_pkg")
	printf '%s\n' "${wanted[@]}"
	exit 0
fi

missing=() # human-readable descriptions of what is missing

# --- Go -------------------------------------------------------------------
check_go() {
	local gobin
	gobin=$(command -v go || true)
	if [[ -z $gobin && -x /usr/local/go/bin/go ]]; then
		gobin=/usr/local/go/bin/go
		echo "$prog: note: go is not on PATH; using $gobin (add /usr/local/go/bin to PATH)" >&2
	fi
	if [[ -z $gobin ]]; then
		missing+=("Go ${min_go_major}.${min_go_minor} or newer: https://go.dev/dl/")
		return
	fi
	local v major minor
	v=$("$gobin" env GOVERSION 2>/dev/null || true) # e.g. go1.26.8
	if [[ $v =~ ^go([0-9]+)\.([0-9]+) ]]; then
		major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
		if ((major < min_go_major || (major == min_go_major && minor < min_go_minor))); then
			missing+=("Go ${min_go_major}.${min_go_minor} or newer (found $v at $gobin): https://go.dev/dl/")
		fi
	else
		echo "$prog: warning: cannot tell the version of $gobin ('$v')" >&2
	fi
}

# --- Browser --------------------------------------------------------------
# find_browser prints the first Chromium-family browser found, as Evidentia
# would find it (EVIDENTIA_CHROME first).
find_browser() {
	local c
	if [[ -n ${EVIDENTIA_CHROME:-} && -x ${EVIDENTIA_CHROME} ]]; then
		echo "$EVIDENTIA_CHROME"
		return 0
	fi
	for c in chromium chromium-browser google-chrome google-chrome-stable microsoft-edge microsoft-edge-stable; do
		if command -v "$c" >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	for c in \
		"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" \
		"/Applications/Chromium.app/Contents/MacOS/Chromium" \
		"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge" \
		"${PROGRAMFILES:-C:/Program Files}/Google/Chrome/Application/chrome.exe" \
		"${LOCALAPPDATA:-}/Google/Chrome/Application/chrome.exe" \
		"C:/Program Files (x86)/Microsoft/Edge/Application/msedge.exe" \
		"C:/Program Files/Microsoft/Edge/Application/msedge.exe"; do
		if [[ -x $c ]]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# --- Debian / Ubuntu ------------------------------------------------------
deb_installed() {
	[[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

debian() {
	local pkgs=("${wanted[@]}") need=() p
	# Any Chromium-family browser will do for running; tests use the distribution's.
	if [[ $mode == run ]] && ! find_browser >/dev/null; then
		pkgs+=("$browser_pkg")
	fi
	for p in "${pkgs[@]}"; do
		deb_installed "$p" || need+=("$p")
	done
	# Tests read web archives with independent tools from npm (warcio, ReplayWeb.page). Any
	# Node.js 18+ with npm will do (NodeSource's nodejs includes npm; Debian splits them).
	if [[ $mode == test ]] && ! { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; }; then
		command -v node >/dev/null 2>&1 || need+=(nodejs)
		command -v npm >/dev/null 2>&1 || need+=(npm)
	fi

	check_go
	if ((${#need[@]} == 0)); then
		report
		return
	fi

	local sudo=()
	if ((EUID != 0)); then
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			sudo=(sudo -n)
		else
			missing+=("Debian packages: ${need[*]}")
			hint="install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}"
			report
			return
		fi
	fi
	echo "$prog: installing: ${need[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
	report
}

# --- Other Linux / BSD ----------------------------------------------------
other_unix() {
	check_go
	command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 ||
		missing+=("a C compiler for cgo (gcc or clang)")
	if command -v pkg-config >/dev/null 2>&1; then
		local m
		for m in gl x11 xcursor xrandr xinerama xi xxf86vm; do
			pkg-config --exists "$m" || missing+=("OpenGL/X11 development headers: pkg-config module '$m'")
		done
	else
		missing+=("pkg-config, and the OpenGL/X11 development headers (gl x11 xcursor xrandr xinerama xi xxf86vm)")
	fi
	find_browser >/dev/null || missing+=("Chromium, Google Chrome or Microsoft Edge (or set EVIDENTIA_CHROME)")
	if [[ $mode == test ]]; then
		command -v xvfb-run >/dev/null 2>&1 || [[ -n ${DISPLAY:-} ]] ||
			missing+=("xvfb-run (Xvfb and xauth) or a running X display")
		command -v pdfsig >/dev/null 2>&1 || missing+=("poppler utilities (pdfsig, pdftotext)")
		command -v import >/dev/null 2>&1 || missing+=("ImageMagick (import)")
		command -v openssl >/dev/null 2>&1 || missing+=("openssl")
		command -v certutil >/dev/null 2>&1 || missing+=("NSS tools (certutil)")
		command -v npm >/dev/null 2>&1 || missing+=("Node.js 18 or newer with npm (reads web archives with warcio and ReplayWeb.page)")
		hint="Tests also expect a CJK font such as Noto Sans CJK, for Korean pages."
	fi
	report
}

# --- macOS ----------------------------------------------------------------
macos() {
	check_go
	xcode-select -p >/dev/null 2>&1 ||
		missing+=("Xcode command line tools (C compiler for cgo): xcode-select --install")
	find_browser >/dev/null ||
		missing+=("Google Chrome, Chromium or Microsoft Edge (or set EVIDENTIA_CHROME): https://www.google.com/chrome/")
	if [[ $mode == test ]]; then
		command -v pdfsig >/dev/null 2>&1 || missing+=("poppler (pdfsig): brew install poppler")
		command -v certutil >/dev/null 2>&1 || missing+=("NSS tools (certutil): brew install nss")
		command -v npm >/dev/null 2>&1 || missing+=("Node.js with npm: brew install node")
	fi
	report
}

# --- Windows (MSYS2 / Git Bash) -------------------------------------------
windows() {
	check_go
	command -v gcc >/dev/null 2>&1 ||
		missing+=("a C compiler for cgo: MSYS2 mingw-w64 gcc (pacman -S mingw-w64-ucrt-x86_64-gcc), on PATH")
	find_browser >/dev/null ||
		missing+=("Google Chrome or Microsoft Edge (or set EVIDENTIA_CHROME)")
	if [[ $mode == test ]]; then
		command -v pdfsig >/dev/null 2>&1 || missing+=("poppler (pdfsig): pacman -S mingw-w64-ucrt-x86_64-poppler")
	fi
	report
}

hint= # one more line of advice for report
report() {
	if ((${#missing[@]} == 0)); then
		echo "$prog: everything needed for '$mode' is present"
		exit 0
	fi
	echo "$prog: missing for '$mode':" >&2
	printf '  - %s\n' "${missing[@]}" >&2
	if [[ -n $hint ]]; then
		echo "$hint" >&2
	fi
	exit 1
}

case $(uname -s) in
Linux)
	if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
		debian
	else
		other_unix
	fi
	;;
Darwin) macos ;;
MINGW* | MSYS* | CYGWIN*) windows ;;
*) other_unix ;;
esac
