# Everything a fresh machine needs is installed by these targets (Debian/apt, npm, Go).
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Node.js LTS, pinned: the same major as the image (deploy/Dockerfile), installed from the
# npm registry's node-linux-* package (the binary ships inside it) into .tools/.
NODE_VERSION := 24.21.0
NODE_ARCH := $(subst x86_64,x64,$(subst aarch64,arm64,$(shell uname -m)))
NODE_BIN := $(CURDIR)/.tools/node-$(NODE_VERSION)/node_modules/node-linux-$(NODE_ARCH)/bin
export PATH := $(NODE_BIN):$(HOME)/go/bin:/usr/local/go/bin:$(PATH)

TESTS = $(shell find src bench -name '*.test.ts' | sort)
APT_GET = DEBIAN_FRONTEND=noninteractive apt-get
LOCAL = node --import tsx bench/standin/local/stack.ts
# The global flags of every `docker compose` call on the stack; the compose test
# loads the file with exactly these (make -s compose-flags). No --project-directory:
# relative paths in deploy/docker-compose.yml resolve against deploy/.
COMPOSE_FLAGS = $(if $(wildcard .env),--env-file .env) -f deploy/docker-compose.yml
COMPOSE = docker compose $(COMPOSE_FLAGS)
# The stack's way: STACK=docker or STACK=local forces one; otherwise Docker when an
# engine and compose v2 answer (checked once per make run), local processes otherwise.
STACK_FORCED := $(if $(filter undefined,$(origin STACK)),,STACK=$(STACK))
STACK ?= $(eval STACK := $(if $(shell bench/standin/docker/check.sh -q && echo yes),docker,local))$(STACK)
export STACK
ifeq ($(filter docker local,$(STACK)),)
$(error STACK=$(STACK): expected docker or local)
endif
# What the way itself needs before it runs: Docker needs nothing from the host but
# Docker; local processes need Node packages, the build, redis-server and nginx.
LOCAL_DEPS = $(if $(filter local,$(STACK)),deps build)
# The benchmark runs k6 and Node on the host in both ways; apt's nginx/redis only locally.
BENCH_DEPS = $(if $(filter local,$(STACK)),deps,node-deps) k6 build
# A CA bundle for npm inside the image build (deploy/Dockerfile), for networks whose
# proxy re-signs TLS: the one Node or npm use on this host, else the system's (it only
# adds certificates); none when there is none.
ifndef NPM_CA_FILE
NPM_CA_FILE := $(or $(wildcard $(NODE_EXTRA_CA_CERTS)),$(wildcard $(shell npm config get cafile 2>/dev/null)),$(wildcard /etc/ssl/certs/ca-certificates.crt))
endif
export NPM_CA_FILE

.PHONY: help node deps node-deps system-deps k6 build typecheck test check up down ps logs bench bench-worker smoke consistency e2e \
	docker-ready docker-check local-check compose-flags

help:
	@echo "make up | down | ps | logs      run the stack (Docker compose, or local processes without Docker; STACK=docker|local forces one)"
	@echo "make docker-ready               prepare a Docker engine and compose v2 (installs them on Debian as root)"
	@echo "make test                       type check and every test, then src/'s line coverage (installs what it needs)"
	@echo "make check                      type check and the tests that need only redis-server (under a minute)"
	@echo "make bench | smoke              the contest's k6 load test, full (60 s) or short"
	@echo "make bench-worker               the worker alone draining a backlog under its limits, per transport"
	@echo "make consistency [DEEP=1]       the consistency report of the running stack"
	@echo "make e2e                        5,000 payments through 2 APIs and a worker, books compared"

$(NODE_BIN)/node:
	@echo "installing Node.js $(NODE_VERSION) into .tools/ (npm package node-linux-$(NODE_ARCH))"
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm) to bootstrap Node $(NODE_VERSION)"; exit 1; }
	npm install --prefix $(CURDIR)/.tools/node-$(NODE_VERSION) --no-save --no-audit --no-fund --loglevel=error node-linux-$(NODE_ARCH)@$(NODE_VERSION)
	@$@ --version

node: $(NODE_BIN)/node

node_modules/.package-lock.json: package.json package-lock.json | $(NODE_BIN)/node
	npm ci --no-audit --no-fund --loglevel=error

node-deps: node node_modules/.package-lock.json

# redis-server and nginx from Debian, when absent.
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing from apt"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq $$missing >/dev/null; \
	fi

k6:
	@command -v k6 >/dev/null || { \
	  command -v go >/dev/null || { echo "k6 is missing and Go is not installed: install Go or k6 v1.1.0"; exit 1; }; \
	  echo "installing k6 v1.1.0 with go install"; go install go.k6.io/k6@v1.1.0; }

deps: node-deps system-deps

build: node-deps
	rm -rf dist && npx tsc -p tsconfig.build.json

typecheck: node-deps
	npx tsc --noEmit -p .

# Everything (what CI runs), one file at a time, then the line coverage of src/ (the
# service; its tests and src/testing/ excluded). Coverage sees the test processes only:
# code run in child processes (the API, worker and simulator processes) is not counted.
COVERAGE = --experimental-test-coverage --test-coverage-include='src/**' \
	--test-coverage-exclude='**/*.test.ts' --test-coverage-exclude='src/testing/**'
test: deps k6 typecheck build
	@lcov=$$(mktemp); trap 'rm -f "$$lcov"' EXIT; \
	node --import tsx --test --test-concurrency=1 $(COVERAGE) --test-reporter=spec --test-reporter-destination=stdout \
	  --test-reporter=lcov --test-reporter-destination="$$lcov" $(TESTS); status=$$?; \
	awk -F: '/^LF:/ { lines += $$2 } /^LH:/ { hit += $$2 } END { if (lines) printf "coverage: %.1f%% of src/ lines (%d of %d) run by the test processes (child processes not counted)\n", 100 * hit / lines, hit, lines }' "$$lcov"; \
	exit $$status

# The inner loop: type check + the src/ tests that do not start the test stack
# (src/testing/stack.ts: simulators, an API, workers); they need only a redis-server.
# Files run 4 at a time (each test starts its own redis-server on a free port).
CHECK_TESTS = $(shell find src -name '*.test.ts' | xargs grep -L 'testing/stack.ts' | sort)
check: deps
	@npx tsc --noEmit -p . && node --import tsx --test --test-concurrency=4 $(CHECK_TESTS); status=$$?; \
	echo "make check: $$SECONDS s (type check and $(words $(CHECK_TESTS)) test files)"; exit $$status

# Docker: Docker and make only (the images build the TypeScript). Local: Node, apt.
up: $(STACK)-check $(LOCAL_DEPS)
ifeq ($(STACK),docker)
	@echo "make up: Docker, deploy/docker-compose.yml ($(or $(STACK_FORCED),a Docker engine with compose v2 answers; STACK=local runs local processes))"
	@bench/standin/docker/processors.sh up
	@$(COMPOSE) up -d --build --wait || { echo "make up failed (above); where no registry answers, make docker-ready builds the images first" >&2; exit 1; }
	@bench/standin/docker/wait-ready.sh $(COMPOSE)
	@$(COMPOSE) ps --format 'table {{.Service}}\t{{.Status}}\t{{.Ports}}'
	@echo "stack is up: http://localhost:9999 (stop with make down)"
else
	@echo "make up: local processes, bench/standin/local/stack.ts ($(or $(STACK_FORCED),no Docker engine with compose v2 answers; make docker-ready prepares one))"
	@$(LOCAL) up
endif

# KEEP=1 keeps the Redis volume (the payments) of the Docker way.
down: $(STACK)-check
ifeq ($(STACK),docker)
	$(COMPOSE) down --remove-orphans $(if $(KEEP),,--volumes)
	@bench/standin/docker/processors.sh down
else
	@KEEP=$(KEEP) $(LOCAL) down
endif

ps: $(STACK)-check
ifeq ($(STACK),docker)
	@$(COMPOSE) ps
	@# RSS from the containers' processes needs Node on this host; docker stats otherwise (it understates Node's RSS).
	@if command -v node >/dev/null && [ -d node_modules ]; then node --import tsx bench/standin/docker/usage.ts; else docker stats --no-stream; fi
else
	@$(LOCAL) ps
endif

logs: $(STACK)-check
ifeq ($(STACK),docker)
	$(COMPOSE) logs --tail=100
else
	@$(LOCAL) logs
endif

bench: $(STACK)-check $(BENCH_DEPS)
	@node --import tsx bench/run.ts full

smoke: $(STACK)-check $(BENCH_DEPS)
	@node --import tsx bench/run.ts smoke

docker-ready:
	@bench/standin/docker/ready.sh

docker-check:
	@bench/standin/docker/check.sh

local-check:
	@command -v node >/dev/null || { echo "STACK=local cannot run: Node.js is missing; install Node 20 or later (LTS), or use STACK=docker" >&2; exit 1; }

compose-flags:
	@echo $(COMPOSE_FLAGS)

consistency: $(STACK)-check node-deps
	@node --import tsx src/consistency/cli.ts $(if $(DEEP),--deep)

# The worker alone draining a backlog under its compose limits, per transport.
bench-worker: deps build
	@node --import tsx bench/drain.ts

e2e: deps build
	@node --import tsx bench/e2e.ts
