"""OpenTelemetry traces across HTTP and Kafka, with W3C trace context (`traceparent`).

One trace follows a request from the client through the gateway, the service behind it, the
outbox row (the context is stored in the envelope's `trace`), the Kafka headers, the transformer
and back through the events to the live push. The exporter is a setting: `none` (the default:
the API stays a no-op and costs nothing), `otlp` (OTLP over HTTP), `console`, or `file` (one JSON
span per line, what the tests read).
"""

import contextlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACE_HEADERS = ("traceparent", "tracestate")
_propagator = TraceContextTextMapPropagator()
tracer = trace.get_tracer("platform_common")


class TracingSettings(Protocol):
    @property
    def service_name(self) -> str: ...
    @property
    def tracing_exporter(self) -> str: ...
    @property
    def tracing_otlp_endpoint(self) -> str: ...
    @property
    def tracing_file(self) -> str: ...
    @property
    def tracing_sample_ratio(self) -> float: ...


class JsonLinesSpanExporter(SpanExporter):
    """Appends each finished span as one JSON line (several processes may share a directory)."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(json.dumps(json.loads(span.to_json())) + "\n" for span in spans)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(lines)
        return SpanExportResult.SUCCESS


def configure_tracing(settings: TracingSettings) -> None:
    if settings.tracing_exporter == "none" or isinstance(
        trace.get_tracer_provider(), TracerProvider
    ):
        return  # off, or already configured in this process
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.service_name}),
        sampler=ParentBased(TraceIdRatioBased(settings.tracing_sample_ratio)),
    )
    if settings.tracing_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter: SpanExporter = OTLPSpanExporter(endpoint=settings.tracing_otlp_endpoint)
        provider.add_span_processor(BatchSpanProcessor(exporter))
    elif settings.tracing_exporter == "file":
        # Written as each span ends, so a reader never waits for a batch.
        provider.add_span_processor(
            SimpleSpanProcessor(JsonLinesSpanExporter(settings.tracing_file))
        )
    else:
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)


def inject(carrier: dict[str, str]) -> dict[str, str]:
    """Add the current span's `traceparent` (and `tracestate`) to `carrier`."""
    _propagator.inject(carrier)
    return carrier


def context_from(carrier: Mapping[str, str]) -> context.Context:
    return _propagator.extract(carrier)


RawHeaders = Iterable[tuple[bytes | str, bytes]] | Mapping[str, bytes]


def carrier_from_headers(headers: RawHeaders | None) -> dict[str, str]:
    """The trace headers among raw (HTTP or Kafka) headers, as a text carrier."""
    carrier: dict[str, str] = {}
    pairs = headers.items() if isinstance(headers, Mapping) else headers or ()
    for name, value in pairs:
        key = (name.decode("latin-1") if isinstance(name, bytes) else name).lower()
        if key in TRACE_HEADERS:
            carrier[key] = value.decode("latin-1")
    return carrier


def with_current_trace(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Raw headers for an outgoing call: the current span replaces any incoming trace context."""
    kept = [(k, v) for k, v in headers if k.lower().decode("latin-1") not in TRACE_HEADERS]
    return kept + [(k.encode(), v.encode()) for k, v in inject({}).items()]


@contextlib.contextmanager
def consumer_span(
    name: str,
    headers: RawHeaders | None,
    fallback: Mapping[str, str] | None = None,
    attributes: Mapping[str, str | int] | None = None,
) -> Iterator[trace.Span]:
    """A CONSUMER span for one Kafka message, child of the producer's context: the message's
    headers, else the envelope's stored trace (`fallback`)."""
    carrier = carrier_from_headers(headers) or dict(fallback or {})
    with tracer.start_as_current_span(
        name,
        context=context_from(carrier),
        kind=trace.SpanKind.CONSUMER,
        attributes=dict(attributes or {}),
    ) as span:
        yield span
