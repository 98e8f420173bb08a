# Evidentia. `make run` starts the desktop app; `make test` runs every check.
# Both first make sure the system has what they need (scripts/deps.sh).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Go's default install location, for shells that have not added it yet.
export PATH := $(PATH):/usr/local/go/bin

GO    ?= go
GOEXE := $(shell $(GO) env GOEXE 2>/dev/null)
GOOS  := $(shell $(GO) env GOOS 2>/dev/null)

# The GUI binary: Fyne's thread-checked build mode matches FyneApp.toml's
# [Migrations] fyneDo = true (as `fyne build` does); no console on Windows.
GUI_TAGS    := migrated_fynedo
GUI_LDFLAGS := $(if $(filter windows,$(GOOS)),-H=windowsgui)

# Tests that open real windows need an X display: without one, use Xvfb.
# Deferred (=) so that it sees an xvfb-run that deps-test has just installed.
XVFB = $(if $(DISPLAY),,$(if $(shell command -v xvfb-run),xvfb-run -a -s "-screen 0 1280x1024x24"))

.PHONY: all deps deps-run deps-test build cross-windows test-windows check-darwin run test check vet fmt-check staticcheck bench clean

# What `make test` (and vet, staticcheck) cover, and an optional -run pattern:
#   make test PKG=./store RUN=TestVerify
PKG ?= ./...
RUN ?=

# staticcheck, run from the Go module proxy at this version (cached after the first run).
STATICCHECK_VERSION := v0.8.2

all: build

## deps: install (Debian/Ubuntu as root) or list everything build, run and test need
deps: deps-test

## deps-run: only what building and running the app needs
deps-run:
	@scripts/deps.sh run

## deps-test: everything `make test` needs
deps-test:
	@scripts/deps.sh test

## build: the command line (bin/evidentia) and the desktop app (bin/evidentia-gui)
build:
	CGO_ENABLED=1 $(GO) build -o bin/evidentia$(GOEXE) ./cmd/evidentia
	CGO_ENABLED=1 $(GO) build -tags $(GUI_TAGS) -ldflags '$(GUI_LDFLAGS)' -o bin/evidentia-gui$(GOEXE) .

## cross-windows: the command line and the desktop app for windows/amd64 (bin/windows-amd64/),
## cross-compiled with MinGW-w64 (Debian: apt-get install gcc-mingw-w64-x86-64)
MINGW_CC ?= x86_64-w64-mingw32-gcc
cross-windows:
	@command -v $(MINGW_CC) >/dev/null || { echo "cross-windows: $(MINGW_CC) is missing (Debian/Ubuntu: apt-get install gcc-mingw-w64-x86-64)" >&2; exit 1; }
	GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$(MINGW_CC) $(GO) build -o bin/windows-amd64/evidentia.exe ./cmd/evidentia
	GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=$(MINGW_CC) $(GO) build -tags $(GUI_TAGS) -ldflags -H=windowsgui -o bin/windows-amd64/evidentia-gui.exe .

## test-windows: the windows/amd64 tests of the packages that need no browser or display, and
## evidentia.exe verify of a Linux bundle, under Wine (Debian: apt-get install wine64)
test-windows:
	scripts/wine-test.sh

## check-darwin: go vet for darwin/arm64 without cgo, of every package that builds so.
## Computed: the packages that need neither SQLite (github.com/mattn/go-sqlite3 is cgo; without
## cgo only a stub builds) nor Fyne's OpenGL driver (github.com/go-gl, cgo). Today that leaves
## out ., app, store, cmd/evidentia and workflow. Not part of `make check`; CI runs it.
DARWIN_ENV := GOOS=darwin GOARCH=arm64 CGO_ENABLED=0
check-darwin:
	@pkgs=$$($(DARWIN_ENV) $(GO) list -e -f '{{.ImportPath}} {{join .Deps " "}}' ./... \
		| grep -v -E ' (github\.com/mattn/go-sqlite3|github\.com/go-gl/[^ ]*)( |$$)' | cut -d' ' -f1); \
	[[ -n $$pkgs ]] || { echo "check-darwin: no package to check" >&2; exit 1; }; \
	echo "$(DARWIN_ENV) $(GO) vet" $$pkgs; \
	$(DARWIN_ENV) $(GO) vet $$pkgs

## run: start the desktop app
run: deps-run
	CGO_ENABLED=1 $(GO) run -tags $(GUI_TAGS) .

## test: the checks (vet, formatting, staticcheck), then every test with the race detector,
## built with the GUI's tags; PKG and RUN narrow it (make test PKG=./store RUN=TestVerify)
test: deps-test
	@$(MAKE) --no-print-directory check
	CGO_ENABLED=1 $(XVFB) $(GO) test -race -count=1 -timeout 40m -tags $(GUI_TAGS) $(if $(RUN),-run '$(RUN)') $(PKG)

## check: go vet, gofmt and staticcheck, all clean
check: vet fmt-check staticcheck

vet:
	CGO_ENABLED=1 $(GO) vet -tags $(GUI_TAGS) $(PKG)

staticcheck:
	CGO_ENABLED=1 $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) -tags $(GUI_TAGS) $(PKG)

fmt-check:
	@unformatted=$$(gofmt -l .); \
	if [[ -n $$unformatted ]]; then \
		echo "gofmt: these files are not formatted (run gofmt -w on them):" >&2; \
		echo "$$unformatted" >&2; \
		exit 1; \
	fi

## bench: benchmarks only, with allocations
bench:
	CGO_ENABLED=1 $(XVFB) $(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
