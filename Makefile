# agentd — `make run` starts the daemon with the example agents; `make test` runs every check.
SHELL := /bin/bash
NPM_STAMP := node_modules/.install-stamp

.PHONY: install build gen check-gen lint typecheck test run bench clean

install: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

build: install
	cd clients/ts && ../../node_modules/.bin/tsc -p tsconfig.build.json

## Regenerate the stubs from proto/ (committed; check-gen fails when they are stale).
gen: install
	npx buf generate

check-gen: install
	rm -rf .gen-check && npx buf generate -o .gen-check
	diff -r .gen-check/clients/ts/src/generated clients/ts/src/generated || { echo "generated stubs are stale: run 'make gen'"; exit 1; }
	rm -rf .gen-check

lint: install
	npx buf lint

typecheck: install
	npx tsc --noEmit -p tsconfig.json

test: install lint check-gen typecheck
	npx vitest run

run: install
	bin/agentd serve

bench: install
	node --import ./node_modules/tsx/dist/loader.mjs bench/run.ts $(SCENARIOS)

clean:
	rm -rf node_modules .gen-check .agentd clients/ts/dist
