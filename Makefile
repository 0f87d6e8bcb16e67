# The two commands in the README: `make run` and `make test`. Both install everything first.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint bench browser-deps lock

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	mkdir -p node_modules
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser), and a
# Chinese font for the 简体中文 page's screenshots.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core fonts-wqy-microhei)

run: install
	$(VENV)/bin/pathgrad serve --host $(HOST) --port $(PORT)

test: install browser-deps
	$(VENV)/bin/ruff check backend tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/hadolint Dockerfile
	node --test frontend/tests/
	$(VENV)/bin/pytest -n 2

bench: install
	$(PY) benchmarks/run.py

# Re-resolve the pinned Python dependencies (needs the registry).
lock:
	rm -rf /tmp/pathgrad-lock && python3 -m venv /tmp/pathgrad-lock
	/tmp/pathgrad-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/pathgrad-lock/bin/pip freeze --exclude-editable | grep -v '^pathgrad' > requirements.lock

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
