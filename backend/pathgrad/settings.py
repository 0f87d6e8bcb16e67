"""Every setting and limit in one place, read from ``PATHGRAD_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pathgrad.language.limits import Limits


class Settings(BaseSettings):
    """Server settings. Each field can be set as ``PATHGRAD_<FIELD>`` (e.g. ``PATHGRAD_PORT=9000``)."""

    model_config = SettingsConfigDict(env_prefix="PATHGRAD_", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    log_level: str = "info"
    frontend_dir: str | None = None  # default: the page shipped with the package

    # Requests
    max_body_bytes: int = Field(256 * 1024, ge=1024)
    # Programs (see pathgrad.language.limits.Limits)
    max_source_chars: int = Field(64_000, ge=1)
    max_statements: int = Field(5_000, ge=1)
    max_nodes: int = Field(20_000, ge=1)
    max_depth: int = Field(200, ge=1)
    max_names: int = Field(5_000, ge=1)
    max_array_elements: int = Field(100_000, ge=1)
    max_total_elements: int = Field(2_000_000, ge=1)
    # Largest |number| in the text or in values; below float64's 1.8e308 so that 1e309 is refused.
    max_number_abs: float = Field(1e300, gt=0, le=1e308)
    # Answers
    max_paths_limit: int = Field(1_000, ge=1)
    max_jacobian_entries: int = Field(4_096, ge=0)  # per edge
    max_jacobian_total: int = Field(200_000, ge=0)  # over all the edges of one graph
    max_path_edges: int = Field(200_000, ge=1)  # over all the paths /api/paths lists
    # Training streams
    max_train_steps: int = Field(200_000, ge=0)
    max_train_events: int = Field(2_000, ge=3)
    max_train_seconds: float = Field(60.0, gt=0)

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (read once)."""
    return Settings()
