# Everything a fresh machine needs is installed by these targets (Debian/apt, npm, Go).
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Node.js LTS, pinned: the same major as the image (deploy/Dockerfile), installed from the
# npm registry's node-linux-* package (the binary ships inside it) into .tools/.
NODE_VERSION := 24.21.0
NODE_ARCH := $(subst x86_64,x64,$(subst aarch64,arm64,$(shell uname -m)))
NODE_BIN := $(CURDIR)/.tools/node-$(NODE_VERSION)/node_modules/node-linux-$(NODE_ARCH)/bin
export PATH := $(NODE_BIN):$(HOME)/go/bin:/usr/local/go/bin:$(PATH)

TESTS = $(shell find src bench deploy -name '*.test.ts' | sort)
APT_GET = DEBIAN_FRONTEND=noninteractive apt-get
STACK = node --import tsx deploy/local/stack.ts
COMPOSE = docker compose --project-directory . $(if $(wildcard .env),--env-file .env) -f deploy/docker-compose.yml
HAVE_DOCKER = $(shell docker info >/dev/null 2>&1 && echo yes)

.PHONY: help node deps node-deps system-deps k6 build typecheck test up down ps logs bench bench-worker smoke consistency e2e

help:
	@echo "make up | down | ps | logs      run the stack (Docker compose, or local processes without Docker)"
	@echo "make test                       type check and every test (installs what it needs)"
	@echo "make bench | smoke              the contest's k6 load test, full (60 s) or short"
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
	npx tsc -p tsconfig.build.json

typecheck: node-deps
	npx tsc --noEmit -p .

test: deps k6 typecheck build
	node --import tsx --test --test-concurrency=1 $(TESTS)

up: deps build
ifeq ($(HAVE_DOCKER),yes)
	@(echo > /dev/tcp/127.0.0.1/8001) 2>/dev/null && echo "processors already answer on :8001" || docker compose -f deploy/processors.yml up -d
	$(COMPOSE) up -d --build --wait
else
	@$(STACK) up
endif

down:
ifeq ($(HAVE_DOCKER),yes)
	$(COMPOSE) down
else
	@$(STACK) down
endif

ps:
ifeq ($(HAVE_DOCKER),yes)
	$(COMPOSE) ps && docker stats --no-stream
else
	@$(STACK) ps
endif

logs:
ifeq ($(HAVE_DOCKER),yes)
	$(COMPOSE) logs --tail=100
else
	@$(STACK) logs
endif

bench: deps k6 build
	@node --import tsx bench/run.ts full

smoke: deps k6 build
	@node --import tsx bench/run.ts smoke

consistency: node-deps
	@node --import tsx src/consistency/cli.ts $(if $(DEEP),--deep)

# The worker alone draining a backlog under its compose limits, per transport.
bench-worker: deps build
	@node --import tsx bench/drain.ts

e2e: deps build
	@node --import tsx bench/e2e.ts
