# agentd — `make run` starts the daemon with the example agents; `make test` runs every check.
SHELL := /bin/bash
NPM_STAMP := node_modules/.install-stamp
VENV := .venv
PY_STAMP := $(VENV)/.install-stamp
GOBIN := $(CURDIR)/.gobin

.PHONY: install build gen check-gen lint typecheck test test-ts test-python test-go run bench jaeger clean

install: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

$(PY_STAMP): clients/python/pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -e "clients/python[test]"
	touch $@

build: install
	cd clients/ts && ../../node_modules/.bin/tsc -p tsconfig.build.json

## Regenerates every client's stubs from proto/ (all committed; check-gen fails when the TS ones are stale).
gen: install $(PY_STAMP)
	npx buf generate
	$(VENV)/bin/pip install -q --disable-pip-version-check grpcio-tools
	PYTHON=$(VENV)/bin/python clients/python/generate.sh
	GOBIN=$(GOBIN) go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.11
	GOBIN=$(GOBIN) go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
	npx buf generate --template buf.gen.go.yaml

check-gen: install
	rm -rf .gen-check && npx buf generate -o .gen-check
	diff -r .gen-check/clients/ts/src/generated clients/ts/src/generated || { echo "generated stubs are stale: run 'make gen'"; exit 1; }
	rm -rf .gen-check

lint: install
	npx buf lint

typecheck: install
	npx tsc --noEmit -p tsconfig.json

test: test-ts test-python test-go

test-ts: install lint check-gen typecheck
	npx vitest run

test-python: install $(PY_STAMP)
	cd clients/python && ../../$(VENV)/bin/python -m pytest -q

test-go: install
	cd clients/go && go test ./...

run: install
	bin/agentd serve

bench: install $(PY_STAMP)
	node --import ./node_modules/tsx/dist/loader.mjs bench/run.ts $(SCENARIOS)

## A local Jaeger without Docker, built from the Go module proxy (first build: several minutes).
jaeger:
	scripts/jaeger.sh

clean:
	rm -rf node_modules .gen-check .agentd clients/ts/dist $(VENV) $(GOBIN)
