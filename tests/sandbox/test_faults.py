"""Scripted faults, latency, the request log and the sandbox's life cycle."""

from __future__ import annotations

import threading

import httpx
import pytest

from cfstream_gui.sandbox import Fault, Sandbox
from tests.sandbox.helpers import error_of, stream

VERIFY = "/user/tokens/verify"


def test_fault_default_body_is_cloudflare_envelope(api: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject_fault(Fault(status=500))
    response = api.get(VERIFY)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert error_of(response)["code"] == 10002
    assert api.get(VERIFY).status_code == 200  # times=1: used up


def test_fault_times_count_down(api: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject_fault(Fault(status=503, times=2))
    assert [api.get(VERIFY).status_code for _ in range(3)] == [503, 503, 200]


def test_fault_without_limit_stays_until_clear(api: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject_fault(Fault(status=502, times=None))
    assert [api.get(VERIFY).status_code for _ in range(3)] == [502, 502, 502]
    sandbox.clear()
    assert api.get(VERIFY).status_code == 200


def test_rate_limit_fault_with_retry_after(api: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject_fault(Fault(status=429, headers={"Retry-After": "300"}))
    response = api.get(VERIFY)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "300"
    assert response.headers["ratelimit"] == '"default";r=0;t=300'
    assert error_of(response)["code"] == 971


@pytest.mark.parametrize("retry_after", ["9" * 5000, "1e308", "soon"])
def test_a_rate_limit_fault_with_any_retry_after_is_still_answered(
    api: httpx.Client, sandbox: Sandbox, retry_after: str
) -> None:
    sandbox.inject_fault(Fault(status=429, headers={"Retry-After": retry_after}))
    response = api.get(f"/accounts/{sandbox.DEMO_ACCOUNT_ID}/stream")
    assert response.status_code == 429
    assert response.headers["retry-after"] == retry_after
    assert response.headers["ratelimit"].startswith('"default";r=0;t=')


def test_html_error_page_is_sent_raw(api: httpx.Client, sandbox: Sandbox) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1>cloudflare</body></html>"
    sandbox.inject_fault(Fault(status=502, body=page))
    response = api.get(VERIFY)
    assert response.status_code == 502
    assert response.text == page
    assert response.headers["content-type"].startswith("text/html")


def test_json_body_allows_http_200_with_success_false(api: httpx.Client, sandbox: Sandbox) -> None:
    envelope: dict[str, object] = {"result": None, "success": False, "errors": [], "messages": []}
    sandbox.inject_fault(Fault(status=200, body=envelope))
    response = api.post(stream(f"/{sandbox.video_uids()[0]}/token"))
    assert response.status_code == 200
    assert response.json() == envelope


def test_fault_path_filter(api: httpx.Client, sandbox: Sandbox) -> None:
    # A plain substring match: "/token" would also catch /user/tokens/verify.
    sandbox.inject_fault(Fault(status=500, path_contains="/stream/"))
    assert api.get(VERIFY).status_code == 200  # not matched, fault kept
    assert api.post(stream(f"/{sandbox.video_uids()[0]}/token")).status_code == 500
    assert api.post(stream(f"/{sandbox.video_uids()[0]}/token")).status_code == 200


def test_fault_method_filter(api: httpx.Client, sandbox: Sandbox) -> None:
    sandbox.inject_fault(Fault(status=500, method="post"))
    assert api.get(VERIFY).status_code == 200
    assert api.post(stream("/keys")).status_code == 500


def test_delay_fault_makes_client_time_out_once(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.inject_fault(Fault(status=None, delay=5.0))
    with pytest.raises(httpx.ReadTimeout):
        api.get(VERIFY, timeout=0.2)
    assert api.get(VERIFY).status_code == 200  # the delay was used up


def test_delayed_fault_still_answers_with_its_status(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.inject_fault(Fault(status=503, delay=0.01))
    assert api.get(VERIFY).status_code == 503


def test_latency_applies_to_every_request(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.set_latency(5.0)
    with pytest.raises(httpx.ReadTimeout):
        api.get(VERIFY, timeout=0.2)
    with pytest.raises(httpx.ReadTimeout):
        api.get(stream(), timeout=0.2)
    sandbox.set_latency(0)
    assert api.get(VERIFY).status_code == 200


def test_disconnect_fault_drops_the_connection(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.inject_fault(Fault(disconnect=True))
    with pytest.raises(httpx.RemoteProtocolError):
        api.get(VERIFY)
    assert api.get(VERIFY).status_code == 200


@pytest.mark.parametrize(
    "arguments", [{"times": 0}, {"delay": -1.0}, {"status": 99}], ids=["times", "delay", "status"]
)
def test_fault_rejects_nonsense(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Fault(**arguments)  # type: ignore[arg-type]


def test_negative_latency_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        sandbox.set_latency(-1)


def test_request_log_records_what_was_sent(sandbox: Sandbox, api: httpx.Client) -> None:
    uid = sandbox.video_uids()[0]
    api.post(stream(f"/{uid}/token"), params={"x": "1"}, json={"downloadable": True})
    [entry] = sandbox.requests
    assert entry.method == "POST"
    assert entry.path == f"/client/v4/accounts/{Sandbox.DEMO_ACCOUNT_ID}/stream/{uid}/token"
    assert entry.query == {"x": "1"}
    assert entry.headers["authorization"] == f"Bearer {Sandbox.DEMO_API_TOKEN}"
    assert entry.headers["content-type"] == "application/json"
    assert entry.json == {"downloadable": True}
    assert entry.body == b'{"downloadable":true}'


def test_request_log_includes_faulted_requests(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.inject_fault(Fault(status=500))
    api.get(VERIFY)
    assert [entry.path for entry in sandbox.requests] == ["/client/v4" + VERIFY]


def test_recorded_request_repr_hides_secrets(sandbox: Sandbox, api: httpx.Client) -> None:
    api.post(stream("/keys"), json={"pem": "PRIVATE-KEY-MATERIAL"})
    text = repr(sandbox.requests) + str(sandbox.requests[0])
    assert Sandbox.DEMO_API_TOKEN not in text
    assert "PRIVATE-KEY-MATERIAL" not in text


def test_clear_resets_faults_latency_and_log(sandbox: Sandbox, api: httpx.Client) -> None:
    sandbox.inject_fault(Fault(status=500, path_contains="/keys"))
    sandbox.set_latency(5.0)
    sandbox.clear()
    assert sandbox.requests == []
    assert api.get(stream("/keys"), timeout=2).status_code == 200


def test_sandbox_is_quiet(
    sandbox: Sandbox, api: httpx.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    api.get(VERIFY)
    api.get("/no/such/route")
    sandbox.inject_fault(Fault(status=500, body="<html>oops</html>"))
    api.get(VERIFY)
    assert capfd.readouterr() == ("", "")


def test_client_hanging_up_is_not_reported_as_an_error(
    sandbox: Sandbox, capfd: pytest.CaptureFixture[str]
) -> None:
    # What a handler thread meets when the client timed out during a delay. Called directly:
    # waiting for that thread to fail would make the test depend on timing.
    server = sandbox._server
    assert server is not None
    try:
        raise BrokenPipeError(32, "Broken pipe")
    except BrokenPipeError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert capfd.readouterr().err == ""


def test_stop_releases_port_and_can_restart() -> None:
    sandbox = Sandbox().start()
    url = sandbox.base_url
    sandbox.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + VERIFY)
    with pytest.raises(RuntimeError):
        _ = sandbox.base_url
    sandbox.start()
    try:
        headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
        assert httpx.get(sandbox.base_url + VERIFY, headers=headers).status_code == 200
    finally:
        sandbox.stop()
    sandbox.stop()  # a second stop is harmless


def test_stop_ends_a_request_stuck_in_a_delay() -> None:
    sandbox = Sandbox().start()
    sandbox.inject_fault(Fault(status=500, delay=60.0))
    outcome: list[BaseException | int] = []

    def call() -> None:
        try:
            outcome.append(httpx.get(sandbox.base_url + VERIFY, timeout=30).status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    for _ in range(1000):  # wait (at most ~10 s) until the request is inside the sandbox
        if sandbox.requests:
            break
        threading.Event().wait(0.01)
    assert sandbox.requests, "the request never reached the sandbox"
    sandbox.stop()
    caller.join(timeout=20)
    assert not caller.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], httpx.HTTPError)


def test_sandboxes_share_the_cloudflare_key_but_not_state(sandbox: Sandbox) -> None:
    with Sandbox() as other:
        assert other.base_url != sandbox.base_url
        assert other.cloudflare_key_id == sandbox.cloudflare_key_id
        assert other.public_key_pem == sandbox.public_key_pem
        other.inject_fault(Fault(status=500, times=None))
        headers = {"Authorization": f"Bearer {Sandbox.DEMO_API_TOKEN}"}
        assert httpx.get(sandbox.base_url + VERIFY, headers=headers).status_code == 200
