"""Bodies too costly to build per request: the gzip bomb and the self-signed certificate."""

from __future__ import annotations

import datetime as _dt
import ipaddress
import struct
import zlib
from functools import lru_cache
from pathlib import Path

MIB = 1 << 20


@lru_cache(maxsize=4)
def gzip_bomb(mebibytes: int) -> bytes:
    """A valid gzip stream of `mebibytes` MiB of spaces (JSON whitespace) in about 1/1000 the size.

    Built from one deflated MiB: after a full flush the compressor starts afresh, so each further
    MiB compresses to the same bytes and the stream is that block repeated (0.15 s for 1 GiB),
    not 1 GiB pushed through zlib."""
    chunk = b" " * MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, max compression
    trailer = struct.pack("<II", crc, (mebibytes * MIB) & 0xFFFFFFFF)
    return header + block * mebibytes + tail + trailer


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost signed by its own key: (cert.pem, key.pem).

    The certificate is its own CA, so a client given it as `ca_bundle` trusts the server and one
    given nothing refuses it. The key file is 0600."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sessionboard hostile simulator")])
    now = _dt.datetime.now(_dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(days=1))
        .not_valid_after(now + _dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path
