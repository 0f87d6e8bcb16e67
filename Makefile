# The two commands in the README: `make run` and `make test`. Both install everything first.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint bench bench-deps browser-deps lock

install: $(VENV)/.installed node_modules/.installed

# The development lock (runtime and tools, every file checked against its hash), then pathgrad itself.
$(VENV)/.installed: pyproject.toml requirements/dev.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# The API docs' libraries (swagger-ui-dist, redoc): files to serve; no install script runs.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p node_modules
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser), and a
# Chinese font for the 简体中文 page's screenshots.
browser-deps:
	@command -v chromium >/dev/null 2>&1 && dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core fonts-wqy-microhei)

run: install
	$(VENV)/bin/pathgrad serve --host $(HOST) --port $(PORT)

test: install browser-deps
	$(VENV)/bin/ruff check backend tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/hadolint Dockerfile
	node --test frontend/tests/
	npm run --silent lint
	npm run --silent typecheck
	$(VENV)/bin/pytest -n 2

# The load benchmarks drive the server with Debian's wrk (a C load generator that costs the machine
# little beside the server), and the browser benchmarks with Chromium.
bench-deps: browser-deps
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)

bench: install bench-deps
	$(PY) benchmarks/run.py

# The two locks, with every file's hash, for every platform and Python >= 3.11 (uv's universal
# resolution; needs the registry): requirements/dev.lock from pyproject's dependencies and ALL its
# extras (a new extra's packages join `make install` by re-running this), then
# requirements/runtime.lock, the dependencies alone, at the dev lock's versions (the image installs
# only this one). Versions already locked are kept; `make lock UPGRADE=1` moves all to the newest.
LOCK_TOOLS ?= /tmp/pathgrad-lock-tools
UV_VERSION ?= 0.13.8
UV_COMPILE = $(LOCK_TOOLS)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' --quiet $(if $(UPGRADE),--upgrade)
lock:
	test -x $(LOCK_TOOLS)/bin/uv || (python3 -m venv $(LOCK_TOOLS) \
		&& $(LOCK_TOOLS)/bin/pip install --quiet uv==$(UV_VERSION))
	mkdir -p requirements
	$(UV_COMPILE) --all-extras --output-file requirements/dev.lock
	$(UV_COMPILE) --constraint requirements/dev.lock --output-file requirements/runtime.lock

# The image test (as root: it installs podman and debootstrap when missing): build the Dockerfile,
# run the image hardened and check it (deploy/image-test.sh). CI runs it beside `make test`.
.PHONY: image-test
image-test:
	bash deploy/image-test.sh

# The Kubernetes manifests against the Kubernetes API schemas (strict: unknown fields fail), oldest and
# newest version supported here, with kubernetes-validate in a virtual environment of its own.
K8S_VALIDATE ?= /tmp/pathgrad-k8s-validate
.PHONY: k8s-validate
k8s-validate:
	test -x $(K8S_VALIDATE)/bin/kubernetes-validate || (python3 -m venv $(K8S_VALIDATE) \
		&& $(K8S_VALIDATE)/bin/pip install --quiet kubernetes-validate==1.37.0)
	$(K8S_VALIDATE)/bin/kubernetes-validate --strict --kubernetes-version 1.29.0 deploy/kubernetes/*.yaml
	$(K8S_VALIDATE)/bin/kubernetes-validate --strict --kubernetes-version 1.37.0 deploy/kubernetes/*.yaml
