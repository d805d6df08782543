# Sluice — the two commands that matter: `make demo` and `make test`.
# Both install the system packages they need (scripts/ensure-deps.sh) first.
# `make help` lists every target.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

SWIFT   ?= swift
COMPOSE ?= docker compose

# Extra flags for `swift test`, e.g. TEST_FLAGS='--filter SluiceTests'.
TEST_FLAGS ?=
# Kafka API of the Redpanda node in docker-compose.yml, as seen from the host.
REDPANDA_BOOTSTRAP ?= localhost:19092
# Extra arguments for scripts/bench.sh.
BENCH_ARGS ?=

DEMO_DIR     := .build/demo
DEMO_INPUT   := $(DEMO_DIR)/sample.txt
DEMO_OUTPUT  := $(DEMO_DIR)/counts.txt
DEMO_WORDS   ?= 200000
DEMO_LINES   ?= 20000
DEMO_WORKERS ?= 2

.PHONY: help deps build test test-librdkafka-current check-core docs test-redpanda demo demo-file bench check-deploy clean

help: ## List the targets
	@echo "Usage: make <target>"
	@echo
	@awk 'BEGIN { FS = ":.*## " } /^[a-zA-Z_-]+:.*## / { printf "  %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

deps: ## Install missing system packages (librdkafka-dev, libsqlite3-dev, pkg-config, iproute2, python3-yaml, chromium)
	@bash scripts/ensure-deps.sh

build: deps ## Debug build of every target
	$(SWIFT) build

# All tests on the system's librdkafka, the core-product, deployment and docs
# checks, then the Kafka suites again on a current librdkafka (the same build).
test: deps ## Build and run all tests (what CI runs)
	$(SWIFT) build --build-tests
	$(SWIFT) test $(TEST_FLAGS)
	bash scripts/check-core-product.sh
	python3 scripts/check-deploy.py --self-test
	bash scripts/check-docs.sh
	SWIFT=$(SWIFT) bash scripts/librdkafka-current.sh

# The Kafka suites again, with librdkafka from PyPI's confluent-kafka wheel
# (pinned in the script) swapped in by LD_LIBRARY_PATH; reuses the test
# build (builds it first if needed). See docs/kafka-versions.md.
test-librdkafka-current: deps ## Run the Kafka tests against a current librdkafka (confluent-kafka wheel)
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) bash scripts/librdkafka-current.sh

check-core: ## Check that SluiceCore, SluiceKafka and SluiceKafkaTesting build without NIO, Crypto, SQLite or ArgumentParser
	bash scripts/check-core-product.sh

docs: ## Build the DocC documentation into .build/docs (fails on DocC warnings)
	bash scripts/check-docs.sh

# Builds first so the broker is not idle during compilation; the broker is
# always taken down again, whether the tests pass, fail or are interrupted.
test-redpanda: deps ## Run the tests against Redpanda from docker-compose.yml
	$(SWIFT) build --build-tests
	@trap '$(COMPOSE) down --volumes || true' EXIT; trap 'exit 130' INT TERM; \
	$(COMPOSE) up -d --wait; \
	KAFKA_BOOTSTRAP_SERVERS=$(REDPANDA_BOOTSTRAP) $(SWIFT) test $(TEST_FLAGS)

# The Kafka word-count example, self-contained: an embedded broker (no
# Docker), DEMO_LINES generated lines produced to `lines`, running counts
# written to `counts`, read back, checked and the top 10 printed.
demo: deps ## Count words from Kafka to Kafka on an embedded broker (release build)
	$(SWIFT) run -c release kafka-word-count --demo --demo-lines $(DEMO_LINES) -w $(DEMO_WORKERS)

# The word-count example over a generated text file.
demo-file: deps $(DEMO_INPUT) ## Run the file word-count example on a generated text (release build)
	$(SWIFT) run -c release word-count --input $(DEMO_INPUT) --output $(DEMO_OUTPUT) -w $(DEMO_WORKERS)
	@echo
	@echo "Top 10 words ($(DEMO_OUTPUT)):"
	@LC_ALL=C sort -k2,2nr -k1,1 $(DEMO_OUTPUT) | sed -n 1,10p

bench: deps ## Run the benchmarks (scripts/bench.sh)
	bash scripts/bench.sh $(BENCH_ARGS)

check-deploy: ## Check the Dockerfile and the Kubernetes and systemd files in deploy/, statically (needs python3-yaml)
	python3 scripts/check-deploy.py --self-test

clean: ## Remove build products and the demo files
	$(SWIFT) package clean
	rm -rf $(DEMO_DIR)

# Deterministic sample text: DEMO_WORDS words drawn from a fixed vocabulary
# with a Park–Miller generator (exact in double precision, so mawk, gawk and
# BSD awk all produce the same file), skewed so that a few words dominate.
# Only generated when missing.
define DEMO_AWK
BEGIN {
    nw = split("the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there their one all we can has more when will would who so if out no what up its about into them than time only could new some these two may first then do any like my now over such our man me even most made after also did many before must through back years where much your way well down should because each just those people how too good little very make world still see own men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three stream river sluice gate water flow", w, " ")
    x = 42
    line = ""
    for (i = 1; i <= n; i++) {
        x = (x * 16807) % 2147483647
        r = x / 2147483647
        word = w[int(nw * r * r) + 1]
        line = (line == "") ? word : line " " word
        if (i % 12 == 0 || i == n) { print line; line = "" }
    }
}
endef
export DEMO_AWK

$(DEMO_INPUT):
	@mkdir -p $(@D)
	@echo "demo: generating $(DEMO_WORDS) words of sample text in $@"
	@awk -v n=$(DEMO_WORDS) "$$DEMO_AWK" > $@.tmp
	@mv $@.tmp $@
