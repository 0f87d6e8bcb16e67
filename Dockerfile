# pathgrad: the page and the REST API in one image.
#   docker build -t pathgrad . && docker run -p 8000:8000 pathgrad
# Stages: the page's npm libraries (from the lock file), a wheel that carries them, and a slim runtime
# that installs only the runtime lock and that wheel. Nothing runs node or a compiler at run time.

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

# --- 1. the frontend's libraries, exactly as package-lock.json pins them --------------------------
FROM node:20.18.1-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
# --omit=dev: the browser needs the dependencies, not the test tools; --ignore-scripts: they are files
# to serve, and none needs an install script (swagger-ui-dist's would send usage telemetry). The wheel
# takes only the files that pyproject.toml lists from here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && mkdir -p node_modules

# --- 2. the wheel: the package, the page (frontend/) and its libraries (node_modules/) --------------
FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY frontend ./frontend
COPY --from=frontend /src/node_modules ./node_modules
# The same command as tests/deploy/test_wheel.py, which checks the result outside Docker.
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

# --- 3. the runtime ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATHGRAD_HOST=0.0.0.0 \
    PATHGRAD_PORT=8000
RUN groupadd --system --gid 10001 pathgrad \
    && useradd --system --uid 10001 --gid pathgrad --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin pathgrad
# The runtime lock (requirements/runtime.lock: pyproject's dependencies and what they require, each
# file checked against its hash, wheels only: no compiler here) in a layer of its own, before the code,
# so that a code change rebuilds only the small layer of the wheel. The wheel brings no dependency of
# its own (--no-deps), and `pip check` proves the lock gave it all it requires. (The lock and the
# wheel stay in their COPY layers: deleting them in a later layer would save nothing.)
COPY requirements/runtime.lock /opt/pathgrad/runtime.lock
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: --requirement /opt/pathgrad/runtime.lock
COPY --from=build /dist /opt/pathgrad/dist
RUN pip install --no-cache-dir --no-deps /opt/pathgrad/dist/*.whl && pip check
# Numeric, so that a runtime (Kubernetes runAsNonRoot) can tell it is not root.
USER 10001:10001
WORKDIR /srv
EXPOSE 8000
# A busy worker can take a few seconds to answer (see README, "Timeouts"): allow 5 s, 3 tries.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4)"]
CMD ["pathgrad", "serve", "--host", "0.0.0.0", "--port", "8000"]
