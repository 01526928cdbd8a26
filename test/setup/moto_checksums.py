"""Lie 8 of the test bed: moto keeps, checks and reports checksums as S3 does not.

What moto 5.2.1 does (docs/integrity.md, last section, has the whole probe), and what S3 does:

- It computes CRC32C and CRC64NVME as CRC32: the Python packages it would need (``awscrt``,
  ``crc32c``) are not on PyPI's side of this machine's network. Fix: both are computed by a small C
  library (test/setup/crc.c) that this module compiles with the system's ``cc`` at start-up, and
  checked against the algorithms' check values before the server starts.
- It verifies no checksum a client sends: a wrong ``x-amz-checksum-*`` on PutObject or UploadPart
  is stored and answered 200. S3 answers 400 ``BadDigest`` and stores nothing. Fix: every sent
  checksum is computed over the body and compared before anything is stored.
- It ignores a checksum header sent without ``x-amz-sdk-checksum-algorithm`` (what the AWS SDK
  sends when a caller passes a checksum value itself). Fix: any one ``x-amz-checksum-<algorithm>``
  header counts; two are refused, as S3 refuses them.
- It stores no checksum on an object written without one. S3 has stored a full-object CRC64NVME
  on every new object since December 2024. Fix: PutObject and CompleteMultipartUpload store one,
  unless the test-bed-only header ``x-s3m-test-no-default-checksum`` asks for an object as S3 wrote
  them before then (a legacy object, which has no checksum at all).
- It stores no part checksum and ListParts lists none; CompleteMultipartUpload ignores the part
  checksums and the ``FULL_OBJECT`` value it is sent. Fix: parts keep their checksum (refused when
  its algorithm is not the upload's), ListParts lists it, and a completion whose listed part
  checksums or whole-object value do not match is refused (``InvalidPart``, ``BadDigest``) before
  the object is stored.
- HeadObject in checksum mode gives no ``x-amz-checksum-type`` and no ``-N`` on a composite value.
  Fix: it answers both, as GetObject already does.

Not fixed, as nothing here uses them yet: GetObjectAttributes (ISO 8601 ``Last-Modified``, which
the SDK cannot parse; no ObjectParts), UploadPartCopy's checksum (that of the empty request body),
and GET/HEAD with ``partNumber`` on a multipart object (the whole object).
"""

import base64
import ctypes
import hashlib
import os
import subprocess
import textwrap
import threading
import zlib
from pathlib import Path
from typing import Any
from xml.dom import minidom

from moto_patching import PatchError, log, moto_version, recompiled, source_of

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
NO_DEFAULT_CHECKSUM = "x-s3m-test-no-default-checksum"
DEFAULT_ALGORITHM = "CRC64NVME"
CHECK_VALUES = {"CRC32": "cbf43926", "CRC32C": "e3069283", "CRC64NVME": "ae8b14860a799888"}


def keep_checksums_as_s3_does() -> None:
    """Applies every fix this module's header lists (lie 8)."""
    library = load_crc_library()
    from moto.s3 import models, responses, utils

    def digest(algorithm: str, data: bytes | bytearray | memoryview) -> bytes:
        whole = bytes(data)
        if algorithm == "CRC32":
            return zlib.crc32(whole).to_bytes(4, "big")
        if algorithm == "CRC32C":
            return int(library.s3m_crc32c(whole, len(whole), 0)).to_bytes(4, "big")
        if algorithm == "CRC64NVME":
            return int(library.s3m_crc64nvme(whole, len(whole), 0)).to_bytes(8, "big")
        if algorithm == "SHA1":
            return hashlib.sha1(whole).digest()
        return hashlib.sha256(whole).digest()

    for algorithm, expected in CHECK_VALUES.items():
        if digest(algorithm, b"123456789").hex() != expected:
            raise PatchError(f"test/setup/crc.c gives a wrong {algorithm} check value; fix it before the server starts")

    def checksum(algorithm: str, data: bytes | bytearray | memoryview) -> str:
        return base64.b64encode(digest(algorithm, data)).decode()

    def compute_checksum(body: bytes, algorithm: str, encode_base64: bool = True) -> bytes:
        raw = digest(algorithm if algorithm in ALGORITHMS else "SHA256", body)
        return base64.b64encode(raw) if encode_base64 else raw

    for module in (utils, models, responses):
        if not callable(getattr(module, "compute_checksum", None)):
            raise PatchError(f"{module.__name__} no longer has compute_checksum (moto {moto_version()}); update test/setup/moto_checksums.py")
        module.compute_checksum = compute_checksum  # type: ignore[attr-defined]

    from moto.s3.exceptions import InvalidPart, S3ClientError

    # moto finds an error's service from its module's name.
    class BadDigest(S3ClientError):
        __module__ = "moto.s3.exceptions"
        code = "BadDigest"

        def __init__(self, algorithm: str) -> None:
            super().__init__(f"The {algorithm} you specified did not match the calculated checksum.")

    class InvalidChecksumRequest(S3ClientError):
        __module__ = "moto.s3.exceptions"
        code = "InvalidRequest"

    def sent_checksum(headers: Any) -> tuple[str, str] | None:
        sent = [(algorithm, headers.get(f"x-amz-checksum-{algorithm.lower()}")) for algorithm in ALGORITHMS]
        present = [(algorithm, str(value)) for algorithm, value in sent if value]
        if len(present) > 1:
            raise InvalidChecksumRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
        return present[0] if present else None

    def upload_algorithm(multipart: Any) -> str | None:
        value = multipart.metadata.get("x-amz-checksum-algorithm") if multipart is not None else None
        return str(value).upper() if value else None

    writes = threading.local()
    moto_get_checksum = responses.S3Response._get_checksum

    def _get_checksum(self: Any, response_headers: dict[str, Any]) -> tuple[str, str | None]:
        sent = sent_checksum(self.headers)
        if sent is None:
            if self.headers.get("x-amz-sdk-checksum-algorithm"):
                algorithm, value = moto_get_checksum(self, response_headers)  # an aws-chunked trailer: moto reads it
                if value is not None and value != checksum(algorithm.upper(), self.body or b""):
                    raise BadDigest(algorithm)
                return algorithm, value
            if getattr(writes, "object", False) and not self.headers.get(NO_DEFAULT_CHECKSUM):
                value = checksum(DEFAULT_ALGORITHM, self.body or b"")
                response_headers[f"x-amz-checksum-{DEFAULT_ALGORITHM.lower()}"] = value
                response_headers["x-amz-checksum-type"] = "FULL_OBJECT"
                return DEFAULT_ALGORITHM, value
            return "", None
        algorithm, value = sent
        if value != checksum(algorithm, self.body or b""):
            raise BadDigest(algorithm)
        response_headers[f"x-amz-checksum-{algorithm.lower()}"] = value
        if getattr(writes, "object", False):
            response_headers["x-amz-checksum-type"] = "FULL_OBJECT"
        return algorithm, value

    moto_put_object = responses.S3Response.put_object

    def put_object(self: Any) -> Any:
        writes.object = True
        try:
            return moto_put_object(self)
        finally:
            writes.object = False

    moto_upload_part = responses.S3Response.upload_part

    def upload_part(self: Any) -> Any:
        upload_id = self._get_param("uploadId")
        part_number = self._get_int_param("partNumber")
        multipart = self.backend.get_bucket(self.bucket_name).multiparts.get(upload_id)
        expected = upload_algorithm(multipart)
        sent = sent_checksum(self.headers)
        if sent is not None:
            if expected is not None and sent[0] != expected:
                raise InvalidChecksumRequest(
                    f"Checksum Type mismatch occurred, expected checksum Type: {expected.lower()}, actual checksum Type: {sent[0].lower()}"
                )
            if checksum(sent[0], self.body or b"") != sent[1]:
                raise BadDigest(sent[0])
        answer = moto_upload_part(self)
        part = multipart.parts.get(part_number) if multipart is not None else None
        algorithm = sent[0] if sent is not None else expected
        if part is not None and algorithm is not None:
            part.checksum_algorithm = algorithm
            part.checksum_value = sent[1] if sent is not None else checksum(algorithm, part.value)
        return answer

    def part_checksums(part: Any) -> dict[str, str]:
        if not part.checksum_algorithm or not part.checksum_value:
            return {}
        return {f"Checksum{part.checksum_algorithm}": part.checksum_value}

    def object_checksum_headers(key: Any) -> dict[str, str]:
        if not key.checksum_algorithm or not key.checksum_value:
            return {}
        value = key.checksum_value
        if key.checksum_type == "COMPOSITE" and key.checksum_parts:
            value = f"{value}-{key.checksum_parts}"
        headers = {f"x-amz-checksum-{key.checksum_algorithm.lower()}": value}
        if key.checksum_type:
            headers["x-amz-checksum-type"] = key.checksum_type
        return headers

    def verify_completion(self: Any, body: bytes, bucket_name: str, upload_id: str) -> None:
        multipart = self.backend.get_bucket(bucket_name).multiparts.get(upload_id)
        if multipart is None:
            return  # moto answers a repeated completion with its object, or NoSuchUpload
        listed: list[Any] = []
        for element in minidom.parseString(body).getElementsByTagName("Part"):
            number = int(element.getElementsByTagName("PartNumber")[0].firstChild.wholeText)
            part = multipart.parts.get(number)
            for algorithm in ALGORITHMS:
                named = element.getElementsByTagName(f"Checksum{algorithm}")
                if named and (part is None or part.checksum_algorithm != algorithm or part.checksum_value != named[0].firstChild.wholeText):
                    raise InvalidPart()
            if part is not None:
                listed.append(part)
        sent = sent_checksum(self.headers)
        if sent is None or not listed:
            return
        algorithm, value = sent
        if value.rsplit("-", 1)[-1].isdigit() and "-" in value:
            whole = checksum(algorithm, b"".join(digest(algorithm, part.value) for part in listed)) + f"-{len(listed)}"
        else:
            whole = checksum(algorithm, b"".join(bytes(part.value) for part in listed))
        if value != whole:
            raise BadDigest(algorithm)

    def _key_response_post(self: Any, request: Any, body: bytes, bucket_name: str, query: dict[str, Any], key_name: str) -> Any:
        upload_id = (query.get("uploadId") or [None])[0]
        if upload_id is None:
            return moto_key_response_post(self, request, body, bucket_name, query, key_name)
        verify_completion(self, body, bucket_name, upload_id)
        writes.legacy = bool(self.headers.get(NO_DEFAULT_CHECKSUM))
        try:
            return moto_key_response_post(self, request, body, bucket_name, query, key_name)
        finally:
            writes.legacy = False

    moto_complete = models.S3Backend.complete_multipart_upload

    def complete_multipart_upload(self: Any, bucket_name: str, multipart_id: str, body: Any) -> Any:
        key = moto_complete(self, bucket_name, multipart_id, body)
        if key is not None and getattr(writes, "legacy", False):
            key.checksum_algorithm = key.checksum_value = key.checksum_type = key.checksum_parts = None
        elif key is not None and key.checksum_value and not key.checksum_algorithm:
            key.checksum_algorithm = DEFAULT_ALGORITHM
        return key

    moto_key_init = models.FakeKey.__init__

    def key_init(self: Any, *args: Any, **kwargs: Any) -> None:
        moto_key_init(self, *args, **kwargs)
        if self.checksum_value and not self.checksum_type:
            self.checksum_type = "FULL_OBJECT"

    where = "moto.s3.responses.S3Response"
    listing = source_of(responses.S3Response.list_parts, f"{where}.list_parts")
    head = source_of(responses.S3Response.head_object, f"{where}.head_object")
    completing = source_of(responses.S3Response._key_response_post, f"{where}._key_response_post")
    list_line = '"Size": part.size,'
    head_lines = 'response_headers[f"x-amz-checksum-{key.checksum_algorithm.lower()}"] = (\n                    key.checksum_value\n                )'
    complete_line = '"ETag": key.etag,\n                    }'
    found = (listing.count(list_line), head.count(head_lines), completing.count(complete_line))
    if found != (1, 1, 1):
        raise PatchError(
            f"{where} no longer lists parts, heads objects or answers completions in the lines this patch extends "
            f"({found} matches, moto {moto_version()}). Check what moto does with checksums now, then update or "
            "remove the patch in test/setup/moto_checksums.py."
        )
    namespace = vars(responses)
    namespace["_s3m_part_checksums"] = part_checksums
    namespace["_s3m_object_checksum_headers"] = object_checksum_headers
    namespace["_s3m_completed_checksums"] = lambda key: {
        f"Checksum{name.removeprefix('x-amz-checksum-').upper()}" if name != "x-amz-checksum-type" else "ChecksumType": value
        for name, value in object_checksum_headers(key).items()
    }
    list_parts = recompiled(
        responses.S3Response.list_parts,
        f"{where}.list_parts",
        textwrap.dedent(listing.replace(list_line, list_line + " **_s3m_part_checksums(part),")),
        namespace,
    )
    head_object = recompiled(
        responses.S3Response.head_object,
        f"{where}.head_object",
        textwrap.dedent(head.replace(head_lines, "response_headers.update(_s3m_object_checksum_headers(key))")),
        namespace,
    )
    moto_key_response_post = recompiled(
        responses.S3Response._key_response_post,
        f"{where}._key_response_post",
        textwrap.dedent(completing.replace(complete_line, '"ETag": key.etag, **_s3m_completed_checksums(key),\n                    }')),
        namespace,
    )

    responses.S3Response._get_checksum = _get_checksum  # type: ignore[method-assign]
    responses.S3Response.put_object = put_object  # type: ignore[method-assign]
    responses.S3Response.upload_part = upload_part  # type: ignore[method-assign]
    responses.S3Response.list_parts = list_parts  # type: ignore[method-assign]
    responses.S3Response.head_object = head_object  # type: ignore[method-assign]
    responses.S3Response._key_response_post = _key_response_post  # type: ignore[method-assign]
    models.S3Backend.complete_multipart_upload = complete_multipart_upload  # type: ignore[method-assign]
    models.FakeKey.__init__ = key_init  # type: ignore[method-assign]
    log("patched: checksums are computed, verified, stored and listed as S3 does (CRC64NVME by default)")


def load_crc_library() -> ctypes.CDLL:
    """Compiles test/setup/crc.c once per version of it (cached in .tmp/testbed) and loads it."""
    source = Path(__file__).with_name("crc.c")
    version = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    cache = Path(__file__).resolve().parents[2] / ".tmp" / "testbed"
    library = cache / f"crc-{version}.so"
    if not library.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / f"crc-{version}.{os.getpid()}.so"
        compiler = os.environ.get("CC", "cc")
        try:
            built = subprocess.run([compiler, "-O2", "-shared", "-fPIC", "-o", str(partial), str(source)], capture_output=True, text=True)
        except OSError as error:
            raise PatchError(f"cannot run the C compiler {compiler!r} to build {source} ({error}); install gcc") from error
        if built.returncode != 0:
            raise PatchError(f"cannot compile {source} with {compiler}: {built.stderr.strip()}")
        os.replace(partial, library)
    loaded = ctypes.CDLL(str(library))
    loaded.s3m_init.restype = None
    loaded.s3m_crc32c.restype = ctypes.c_uint32
    loaded.s3m_crc32c.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32]
    loaded.s3m_crc64nvme.restype = ctypes.c_uint64
    loaded.s3m_crc64nvme.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]
    loaded.s3m_init()
    return loaded
