"""A client's own failure mid-upload is not an upstream outage (no 503, no error metric)."""

from gateway_service.adapters.upstream_client import UpstreamError
from gateway_service.service_layer.proxy import _client_fault
from gateway_service.service_layer.upstream_request import ClientDisconnected
from platform_common.http_timeouts import ClientBodyTimeout


def wrapped(cause: BaseException) -> UpstreamError:
    # As the HTTP client reports it: its own error, raised while our body stream failed.
    try:
        try:
            raise cause
        except BaseException as inner:
            raise OSError("transport failed") from inner
    except OSError as transport:
        error = UpstreamError("upstream send failed")
        error.__cause__ = transport
        return error


def test_a_client_that_went_away_is_found_under_the_transport_error():
    assert isinstance(_client_fault(wrapped(ClientDisconnected())), ClientDisconnected)


def test_a_stalled_client_body_is_found_and_keeps_its_408():
    fault = _client_fault(wrapped(ClientBodyTimeout(5)))
    assert isinstance(fault, ClientBodyTimeout) and fault.status_code == 408


def test_a_real_upstream_failure_stays_an_upstream_failure():
    assert _client_fault(wrapped(ConnectionRefusedError())) is None
