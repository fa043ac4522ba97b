# fastroad: the two commands a newcomer needs are `make demo` and `make test`.
GO      ?= go
BIN     := bin/fastroad
DEMO    := demo-out
PKGS    := ./...

.PHONY: all build test demo bench fuzz lint compare clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/fastroad

# The whole test suite (unit, real-extract integration, CLI). CI runs this.
test:
	$(GO) test -count=1 -timeout 20m $(PKGS)

# Main job on the built-in demo region (Delaware): writes $(DEMO)/.
demo: build
	./scripts/demo.sh $(BIN) $(DEMO)

# Benchmarks; see BENCHMARKS.md for what each measures and the goals.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 30m ./graph/ ./osm/ ./isochrone/ ./render/

# Short fuzz runs of every parser of user input.
FUZZTIME ?= 15s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./graph/
	$(GO) test -run '^$$' -fuzz '^FuzzSearchMatchesGonum$$' -fuzztime $(FUZZTIME) ./graph/
	$(GO) test -run '^$$' -fuzz '^FuzzParseMaxspeed$$' -fuzztime $(FUZZTIME) ./osm/
	$(GO) test -run '^$$' -fuzz '^FuzzReadXML$$' -fuzztime $(FUZZTIME) ./osm/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePoints$$' -fuzztime $(FUZZTIME) ./internal/cli/
	$(GO) test -run '^$$' -fuzz '^FuzzLoadProfile$$' -fuzztime $(FUZZTIME) ./internal/cli/
	$(GO) test -run '^$$' -fuzz '^FuzzRoundTrip$$' -fuzztime $(FUZZTIME) ./crs/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# Agreement and speed against pgRouting and OSMnx (installs them from Debian).
compare:
	./tools/compare/run.sh

clean:
	rm -rf bin $(DEMO)
