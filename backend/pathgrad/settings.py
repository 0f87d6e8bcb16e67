"""Every setting and limit in one place, read from ``PATHGRAD_*`` environment variables."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pathgrad import defaults
from pathgrad.language.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from pathgrad.service import TrainingBounds


class Settings(BaseSettings):
    """Server settings. Each field can be set as ``PATHGRAD_<FIELD>`` (e.g. ``PATHGRAD_PORT=9000``)."""

    model_config = SettingsConfigDict(env_prefix="PATHGRAD_", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    # uvicorn's level; "info" also writes the JSON access log (one line a request) to stdout.
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = "info"
    access_log: bool = True
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated IPs, or "*").
    forwarded_allow_ips: str = "127.0.0.1"
    frontend_dir: str | None = None  # default: the page shipped with the package
    # Origins (space-separated) whose pages may show the page in an iframe (the embed mode, ?embed=1),
    # e.g. "https://course.example.edu"; empty: no page may (frame-ancestors 'none').
    frame_ancestors: str = Field("", pattern=r"^[A-Za-z0-9 :/*.\-']*$")

    # Freeze start-up objects and collect the young generation less often (fewer tail-latency pauses).
    gc_tuning: bool = True

    # Requests
    max_body_bytes: int = Field(256 * 1024, ge=1024)
    # In flight at once in one worker process (streams included, /api/health not): more get 503.
    max_concurrent_requests: int = Field(32, ge=1, le=10_000)
    # Longest a request may take, training streams included: later, 504 (or the stream is closed).
    request_timeout_seconds: float = Field(75.0, gt=0)
    # In flight at once from one client (address, or X-Forwarded-For from a trusted proxy) in one
    # worker process, streams included: more get 503.
    max_requests_per_client: int = Field(8, ge=1, le=10_000)
    # A request body must have arrived this long after the request began: else 408 (slow uploads).
    body_timeout_seconds: float = Field(10.0, gt=0)
    # A client that takes nothing of an answer or a stream for this long is disconnected.
    send_stall_seconds: float = Field(5.0, gt=0)
    # Compute processes per worker process (graph and paths run there, never in the server). A
    # client may hold all of them but one.
    compute_processes: int = Field(2, ge=1, le=64)
    # A computation still running after this long is stopped (its process killed): 422.
    max_compute_seconds: float = Field(10.0, gt=0)
    # Memory (address space) a compute process may take beyond what it holds at start: beyond, 422.
    max_task_memory_bytes: int = Field(1024 * 1024 * 1024, ge=64 * 1024 * 1024)
    # Answers estimated (or measured) above this get 422 naming the option that makes them big.
    max_response_bytes: int = Field(32 * 1024 * 1024, ge=64 * 1024)
    # Small requests are answered in a thread of the server process, not a compute process (the hop
    # to a process costs more than their work): a body and a program text of at most
    # small_request_bytes, a program of at most small_request_nodes nodes in at most a quarter as many
    # statements holding at most small_request_elements numbers, an answer estimated at most
    # small_request_answer_bytes.
    # Bounded so, one takes a few milliseconds at most and cannot hold the event loop (see
    # benchmarks/load.py). Anything larger goes to a compute process; 0 nodes: everything does.
    small_request_bytes: int = Field(2 * 1024, ge=0, le=64 * 1024)
    small_request_nodes: int = Field(64, ge=0, le=2_000)
    small_request_elements: int = Field(1_024, ge=1, le=100_000)
    small_request_answer_bytes: int = Field(16 * 1024, ge=1024, le=1024 * 1024)
    # Each compute process keeps the last program_cache_entries programs it built of at least
    # program_cache_min_nodes nodes (at most program_cache_nodes nodes in all), so that a request that
    # only changes leaves' values re-evaluates the graph instead of parsing and building it (see
    # pathgrad.program_cache). Smaller programs build in a few milliseconds: not worth the memory.
    # Arrays are bounded by max_total_elements a program. 0 entries: no cache.
    program_cache_entries: int = Field(4, ge=0, le=64)
    program_cache_nodes: int = Field(100_000, ge=0)
    program_cache_min_nodes: int = Field(1_000, ge=0)
    # Programs (the defaults are pathgrad.language.limits.Limits', shared with the CLI)
    max_source_chars: int = Field(DEFAULT_LIMITS.max_source_chars, ge=1)
    max_statements: int = Field(DEFAULT_LIMITS.max_statements, ge=1)
    max_nodes: int = Field(DEFAULT_LIMITS.max_nodes, ge=1)
    max_depth: int = Field(DEFAULT_LIMITS.max_depth, ge=1)
    max_names: int = Field(DEFAULT_LIMITS.max_names, ge=1)
    max_array_elements: int = Field(DEFAULT_LIMITS.max_array_elements, ge=1)
    max_total_elements: int = Field(DEFAULT_LIMITS.max_total_elements, ge=1)
    # Largest |number| in the text or in values; below float64's 1.8e308 so that 1e309 is refused.
    max_number_abs: float = Field(DEFAULT_LIMITS.max_number_abs, gt=0, le=1e308)
    # Answers (the defaults are pathgrad.defaults', shared with the core and the CLI)
    max_paths_limit: int = Field(1_000, ge=1)
    max_jacobian_entries: int = Field(defaults.MAX_JACOBIAN_ENTRIES, ge=0)  # per edge
    max_jacobian_total: int = Field(defaults.MAX_JACOBIAN_TOTAL, ge=0)  # over all the edges of one graph
    max_path_edges: int = Field(defaults.MAX_PATH_EDGES, ge=1)  # over all the paths /api/paths lists
    # Training streams
    max_train_steps: int = Field(200_000, ge=0)
    max_train_events: int = Field(2_000, ge=3)
    max_train_seconds: float = Field(60.0, gt=0)
    # Bytes of events one training stream may send (estimated before the run, counted during it).
    max_train_stream_bytes: int = Field(16 * 1024 * 1024, ge=64 * 1024)
    # Training streams at once in one worker process (each runs in a process of its own), and from one
    # client; more get 503.
    max_train_streams: int = Field(4, ge=1, le=1_000)
    max_train_streams_per_client: int = Field(2, ge=1, le=1_000)

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_case_level(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _streams_end_before_the_timeout(self) -> Settings:
        # A training stream ends by itself after max_train_seconds with its "done" event; the request
        # timeout is only the backstop, which closes a stream without one.
        if self.max_train_seconds >= self.request_timeout_seconds:
            raise ValueError(
                f"max_train_seconds ({self.max_train_seconds:g}) must be less than request_timeout_seconds "
                f"({self.request_timeout_seconds:g}): lower PATHGRAD_MAX_TRAIN_SECONDS too"
            )
        return self

    def limits(self) -> Limits:
        """The expression language's bounds."""
        return Limits(
            max_source_chars=self.max_source_chars,
            max_statements=self.max_statements,
            max_nodes=self.max_nodes,
            max_depth=self.max_depth,
            max_names=self.max_names,
            max_array_elements=self.max_array_elements,
            max_total_elements=self.max_total_elements,
            max_number_abs=self.max_number_abs,
        )

    def training_bounds(self) -> TrainingBounds:
        """How much one training run may ask for."""
        from pathgrad.service import TrainingBounds  # the service (numpy and all) only when needed

        return TrainingBounds(
            max_steps=self.max_train_steps,
            max_events=self.max_train_events,
            max_stream_bytes=self.max_train_stream_bytes,
            max_seconds=self.max_train_seconds,
        )

    def small_limits(self) -> Limits:
        """The language's bounds for a small request (see ``small_request_nodes``)."""
        return replace(
            self.limits(),
            max_source_chars=min(self.max_source_chars, self.small_request_bytes),
            max_nodes=min(self.max_nodes, self.small_request_nodes),
            # The values view records each statement again: its work grows with their number.
            max_statements=min(self.max_statements, max(1, self.small_request_nodes // 4)),
            max_array_elements=min(self.max_array_elements, self.small_request_elements),
            max_total_elements=min(self.max_total_elements, self.small_request_elements),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (read once)."""
    return Settings()
