# loaxa — the two commands of the quick start are `make run` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build run test deb clean

all: build

## deps: install the Debian packages that are missing (as root), or print the apt-get line
deps:
	@scripts/deps.sh

## build: configure and build; leaves build/bin/loaxad and build/bin/loaxa
build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

## run: build, import the bundled segments, start loaxad in the foreground (Ctrl-C stops it)
run: build
	@scripts/run.sh $(BUILD)

## test: build, then the whole suite through ctest (it starts and stops its own JACK server)
test: build
	@cd $(BUILD) && ctest --output-on-failure --timeout 300

## deb: build, then the Debian package for a station PC: $(BUILD)/deb/loaxa_VERSION_ARCH.deb
deb: build
	@cd $(BUILD) && cpack -G DEB
	@ls $(BUILD)/deb/*.deb

clean:
	rm -rf $(BUILD)
