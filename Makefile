# loaxa — the two commands of the quick start are `make run` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run test test-asan test-tsan test-sanitizers sanitizer-builds bench fuzz deb clean

all: build

## deps: install the Debian packages that are missing (as root), or print the apt-get line
deps:
	@scripts/deps.sh $(DEPS_FOR)

## build: configure and build; leaves build/bin/loaxad and build/bin/loaxa
build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

## run: build, import the bundled segments, start loaxad in the foreground (Ctrl-C stops it)
run: build
	@scripts/run.sh $(BUILD)

## test: build, then the whole suite through ctest on the normal build (it starts and stops its
## own JACK server). The sanitizer suites are `make test-sanitizers`; .ci/run runs both.
# The test targets install the test suite's packages too (JACK server, browser, packaging tools);
# make run and make build only what building and running need.
test test-asan test-tsan test-sanitizers bench: DEPS_FOR = --test
test: build
	@echo "== loaxa tests ($(BUILD))"
	@cd $(BUILD) && ctest --output-on-failure --timeout 300

## test-sanitizers: the unit and real-path tests built with ASan+UBSan (build-asan/, all but the
## fault suite and the package tests) and the engine and daemon tests built with TSan
## (build-tsan/). Both suites run even when the first failed; the exit status says whether all passed.
test-sanitizers: sanitizer-builds
	@status=0; \
	echo "== loaxa tests under ASan+UBSan (build-asan)"; ctest --preset asan || status=1; \
	echo "== loaxa tests under TSan (build-tsan)"; ctest --preset tsan || status=1; \
	exit $$status

sanitizer-builds: deps
	@$(MAKE) --no-print-directory sanitizer-build-asan sanitizer-build-tsan

sanitizer-build-%:
	@cmake --preset $* $(if $(JACK_SERVER),-DLOAXA_TEST_JACK_SERVER=$(JACK_SERVER)-$*) >/dev/null
	@cmake --build --preset $* -j $(JOBS)

## test-asan, test-tsan: one sanitizer build and its tests only (JACK_SERVER=name overrides the
## preset's server name, for two checkouts testing on one machine)
test-asan test-tsan: deps
	@$(MAKE) --no-print-directory sanitizer-build-$(@:test-%=%)
	@ctest --preset $(@:test-%=%)

## bench: the benchmarks of BENCHMARKS.md, printed as one table (bench/run.sh; var/bench/)
bench: build
	@cmake --build $(BUILD) --target loaxa_bench -j $(JOBS)
	@bench/run.sh $(BUILD)

## fuzz: the libFuzzer targets of tests/fuzz, FUZZ_SECONDS (60) each; needs clang, which
## only this target installs
fuzz:
	@scripts/deps.sh clang libclang-rt-14-dev
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@tests/fuzz/run.sh build-fuzz

## deb: build, then the Debian package for a station PC: $(BUILD)/deb/loaxa_VERSION_ARCH.deb
deb: build
	@cd $(BUILD) && cpack -G DEB
	@ls $(BUILD)/deb/*.deb

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
