"""Call metadata: the caller's trace context (traceparent) when OpenTelemetry is installed."""

from __future__ import annotations


def call_metadata(extra: dict[str, str] | None = None) -> list[tuple[str, str]]:
    metadata = list((extra or {}).items())
    try:
        from opentelemetry import propagate  # optional dependency

        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        metadata.extend(carrier.items())
    except ImportError:
        pass
    return metadata
