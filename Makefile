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
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 30m ./graph/ ./osm/ ./isochrone/ ./places/ ./controllines/ ./render/ ./population/ ./appraisal/ ./gpkg/ ./chart/ ./report/ ./i18n/ ./internal/cli/ ./internal/outfile/

# Short fuzz runs of every parser of user input.
FUZZTIME ?= 15s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1s ./graph/
	$(GO) test -run '^$$' -fuzz '^FuzzSearchMatchesGonum$$' -fuzztime $(FUZZTIME) ./graph/
	$(GO) test -run '^$$' -fuzz '^FuzzCHMatchesDijkstra$$' -fuzztime $(FUZZTIME) ./graph/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeCH$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1s ./graph/
	$(GO) test -run '^$$' -fuzz '^FuzzParseSize$$' -fuzztime $(FUZZTIME) ./internal/membudget/
	$(GO) test -run '^$$' -fuzz '^FuzzParseMaxspeed$$' -fuzztime $(FUZZTIME) ./osm/
	$(GO) test -run '^$$' -fuzz '^FuzzReadXML$$' -fuzztime $(FUZZTIME) ./osm/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePoints$$' -fuzztime $(FUZZTIME) ./internal/cli/
	$(GO) test -run '^$$' -fuzz '^FuzzLoadProfile$$' -fuzztime $(FUZZTIME) ./internal/cli/
	$(GO) test -run '^$$' -fuzz '^FuzzLoadStudy$$' -fuzztime $(FUZZTIME) ./internal/cli/
	$(GO) test -run '^$$' -fuzz '^FuzzRoundTrip$$' -fuzztime $(FUZZTIME) ./crs/
	$(GO) test -run '^$$' -fuzz '^FuzzReadFeaturesXML$$' -fuzztime $(FUZZTIME) ./osm/
	$(GO) test -run '^$$' -fuzz '^FuzzReadControlAreas$$' -fuzztime $(FUZZTIME) ./osm/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePopulation$$' -fuzztime $(FUZZTIME) ./places/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePlanCSV$$' -fuzztime $(FUZZTIME) ./internal/cli/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePlanYAML$$' -fuzztime $(FUZZTIME) ./internal/cli/
	$(GO) test -run '^$$' -fuzz '^FuzzContour$$' -fuzztime $(FUZZTIME) ./isochrone/
	$(GO) test -run '^$$' -fuzz '^FuzzReadGeoJSON$$' -fuzztime $(FUZZTIME) ./controllines/
	$(GO) test -run '^$$' -fuzz '^FuzzParseFont$$' -fuzztime $(FUZZTIME) ./render/
	$(GO) test -run '^$$' -fuzz '^FuzzReadExtractXML$$' -fuzztime $(FUZZTIME) ./osm/
	$(GO) test -run '^$$' -fuzz '^FuzzReadGeoTIFF$$' -fuzztime $(FUZZTIME) ./population/
	$(GO) test -run '^$$' -fuzz '^FuzzReadASC$$' -fuzztime $(FUZZTIME) ./population/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePopulationPoints$$' -fuzztime $(FUZZTIME) ./population/
	$(GO) test -run '^$$' -fuzz '^FuzzReadPopulationPolygons$$' -fuzztime $(FUZZTIME) ./population/
	$(GO) test -run '^$$' -fuzz '^FuzzParseOD$$' -fuzztime $(FUZZTIME) ./appraisal/
	$(GO) test -run '^$$' -fuzz '^FuzzParseLang$$' -fuzztime $(FUZZTIME) ./i18n/
	$(GO) test -run '^$$' -fuzz '^FuzzT$$' -fuzztime $(FUZZTIME) ./i18n/
	$(GO) test -run '^$$' -fuzz '^FuzzSheetName$$' -fuzztime $(FUZZTIME) ./report/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePopulation$$' -fuzztime $(FUZZTIME) ./osm/
	$(GO) test -run '^$$' -fuzz '^FuzzQuery$$' -fuzztime $(FUZZTIME) ./internal/server/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeAppraisal$$' -fuzztime $(FUZZTIME) ./internal/cli/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# Agreement and speed against pgRouting and OSMnx (installs them from Debian).
compare:
	./tools/compare/run.sh

clean:
	rm -rf bin $(DEMO)
