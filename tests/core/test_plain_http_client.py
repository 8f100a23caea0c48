"""A client for the loopback sandbox's plain http loads no CA bundle (start-up time), and the
context it holds instead trusts nothing: were TLS ever asked of it, it would fail closed, never
connect unverified. An https client still verifies as before."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from cfstream_gui.core.cloudflare import StreamClient
from cfstream_gui.core.cloudflare._http import new_http_client
from cfstream_gui.core.models import TokenRequest
from cfstream_gui.sandbox import Sandbox
from tests.support.rsa_keys import rsa_key


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A TLS listener on loopback with a self-signed certificate for 127.0.0.1: what a
    man in the middle would present."""
    key = rsa_key(3)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder: Path = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                with server_side.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the client refused us, as it should

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.asyncio
async def test_the_plain_http_clients_context_refuses_any_tls_peer(tls_server: int) -> None:
    client = new_http_client(None, timeout=5, host="127.0.0.1", tls=False)
    async with client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"https://127.0.0.1:{tls_server}/")


@pytest.mark.asyncio
async def test_an_https_client_does_not_trust_a_self_signed_peer_either(tls_server: int) -> None:
    client = new_http_client(None, timeout=5, host="127.0.0.1", tls=True)
    async with client:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(f"https://127.0.0.1:{tls_server}/")


@pytest.mark.asyncio
async def test_a_sandbox_client_still_makes_tokens_over_plain_http() -> None:
    with Sandbox() as sandbox:
        async with StreamClient(
            sandbox.DEMO_API_TOKEN, base_url=sandbox.base_url, env={}
        ) as client:
            uid = sandbox.video_uids(signed=True)[0]
            token = await client.create_token(sandbox.DEMO_ACCOUNT_ID, TokenRequest(video_uid=uid))
    assert token.count(".") == 2
