"""Lies 10 and 11 of the test bed: moto ignores S3 regions and expected bucket owners.

What moto 5.2.1 does, and what S3 does:

10. Regions. moto answers a request for a bucket whatever region the request was signed for (and
    finds a bucket of the other partition too: its bucket names are one namespace for all
    partitions). S3 answers a request sent to another region of the bucket's partition with
    ``301 PermanentRedirect`` and the header ``x-amz-bucket-region`` (the SDKs' region discovery
    reads it), and does not know a bucket of another partition at all: bucket namespaces are per
    partition. moto also creates a bucket whose LocationConstraint is not the region a request
    was signed for when that region is us-east-1. So code that picks a bucket's region wrongly
    passed against moto and fails against S3.
11. Owners. moto ignores ``x-amz-expected-bucket-owner`` and ``x-amz-source-expected-bucket-owner``
    (moto 5.2.1 reads neither anywhere). S3 answers ``403 AccessDenied`` when the bucket (or the
    copy source's bucket) belongs to another account, which is how a migration makes sure it
    writes into, and reads from, the accounts it means to.

Fix: a "region front", a WSGI layer in front of moto's dispatcher in the moto process
(``DomainDispatcherApplication.__call__``), that looks at the path, the query and the headers of
every request signed with SigV4 for the service ``s3`` (an ``Authorization`` credential scope
``AKID/DATE/REGION/s3/aws4_request``, or a presigned URL's ``X-Amz-Credential``) and either calls
through to moto untouched or answers itself, as S3 does:

- a bucket of another partition than the signing region's: ``404 NoSuchBucket``;
- a bucket of another region of the same partition: ``301 PermanentRedirect`` with
  ``x-amz-bucket-region`` (and S3's XML error, ``Endpoint`` and ``Bucket`` in it; no body for
  HEAD). GetBucketLocation (``?location``) answers from any region of the partition, as in S3;
- CreateBucket whose LocationConstraint (none means us-east-1) is not the signing region: 400
  ``IllegalLocationConstraintException`` with S3's message (``LocationConstraint`` us-east-1
  signed for us-east-1 is left to moto, which answers ``InvalidLocationConstraint`` as S3 does);
- CopyObject and UploadPartCopy are judged by their destination (the path); the copy source's
  bucket may be in any region of the partition, as in S3, but one of another partition does not
  exist for this request: ``404 NoSuchBucket`` naming the source bucket (what S3 answers for a
  source bucket it does not know; a cross-partition copy cannot be made inside S3);
- ``x-amz-expected-bucket-owner`` that is not the bucket's account, or
  ``x-amz-source-expected-bucket-owner`` that is not the copy source bucket's: ``403
  AccessDenied``. Both are read from the query too: a presigned URL made by the SDK carries them
  there (SignatureV4.presign hoists every ``x-amz-*`` header into the query).

Checked in that order (partition, region, owner, copy source partition, copy source owner).
Everything else goes to moto untouched: requests signed for any other service (SQS, DynamoDB,
STS, ...), unsigned requests, ListBuckets (no bucket), S3 Control, moto-api, buckets moto does
not have (moto answers NoSuchBucket). HeadBucket's ``x-amz-bucket-region`` on a 200 is moto's own.

The front reads no body it passes on: it looks at the path, the query and the headers only, and
calls moto with the request as it came (the fronts see every byte of every test). The only body
it reads is CreateBucket's (a few hundred bytes of XML, at most 64 KiB, put back for moto), and
the body of a request it refuses, which it discards before answering so that the client, which
may still be sending a large PutObject, reads the answer instead of a reset connection.

What S3 does that the front does not reproduce: a request signed for the wrong region but sent to
the bucket's own regional endpoint gets ``400 AuthorizationHeaderMalformed`` from S3 (a local
endpoint has no region, so the signing region stands for the endpoint's); ``Expect:
100-continue`` is answered 100 by werkzeug before the front runs (S3 answers the 301 instead);
the legacy global endpoint (``s3.amazonaws.com``): its ``307 TemporaryRedirect`` for new buckets,
and its CreateBucket that takes another region's LocationConstraint signed for us-east-1 (the
front treats us-east-1 like every regional endpoint, which refuses it); virtual-hosted-style
addressing (the bucket is taken from the path only; our clients use path-style against local
endpoints); CreateBucket of a name another partition holds (S3 creates it, moto answers
BucketAlreadyExists), and the ``EU`` alias of eu-west-1; HeadBucket's ``x-amz-bucket-region`` on a
403 or a 404; a copy source hoisted into a presigned URL's query (moto reads only the header);
access points, S3 Express and SigV4a (no region in its scope: passed through).

Each answer of its own is one line in the server's log (``region front: 301 PermanentRedirect
(signed for us-east-1, bucket in eu-west-1) for GET /bucket/key``). And it counts, so that tests
count at the endpoint rather than trust client logs: per bucket, the S3 requests it judged whose
path names it, the 301s it answered (and per signing region), and its refusals (owner, partition,
LocationConstraint; a copy source's refusal counts against the source bucket). ``GET
/moto-api/s3m/regions`` answers them all as JSON, ``GET /moto-api/s3m/regions?bucket=NAME`` one
bucket's (zeros for a bucket never seen); test/support/regionFront.ts reads them. The counts are
the server's, from its start, and never reset.
"""

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from io import BytesIO
from typing import Any
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from moto_patching import PatchError, log, moto_version, source_of

COUNTS_PATH = "/moto-api/s3m/regions"
CREATE_BUCKET_BODY_LIMIT = 64 * 1024
DRAIN_CHUNK = 1024 * 1024
CREDENTIAL_IN_AUTHORIZATION = re.compile(r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)")
LOCATION_CONSTRAINT = re.compile(rb"<LocationConstraint>\s*([^<\s]*)\s*</LocationConstraint>")
# Query parameters of SigV4 itself and of the SDK: a PUT /bucket with only these is CreateBucket.
SIGNING_PARAMETERS = frozenset(
    name.lower()
    for name in (
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Security-Token",
        "x-id",
    )
)
PERMANENT_REDIRECT = (
    "The bucket you are attempting to access must be addressed using the specified endpoint. "
    "Please send all future requests to this endpoint."
)
DOMAINS = {"aws-cn": "amazonaws.com.cn"}
STATUS_LINES = {
    200: "200 OK",
    301: "301 Moved Permanently",
    400: "400 Bad Request",
    403: "403 Forbidden",
    404: "404 Not Found",
}


@dataclass
class BucketCounts:
    """What the front saw of one bucket (the JSON the counts path answers, field for field)."""

    requests: int = 0
    redirects: int = 0
    redirectsBySigningRegion: dict[str, int] = field(default_factory=dict)  # noqa: N815 (JSON name)
    ownerRefusals: int = 0  # noqa: N815
    partitionRefusals: int = 0  # noqa: N815
    locationRefusals: int = 0  # noqa: N815


@dataclass(frozen=True)
class Located:
    """Where moto keeps a bucket: its region, partition and owning account."""

    region: str
    partition: str
    account: str


@dataclass(frozen=True)
class Answer:
    """A response the front gives instead of moto."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    why: str = ""


class RegionFront:
    """Judges S3 requests by region, partition and owner before moto sees them (lies 10 and 11)."""

    def __init__(self, locate: Callable[[str], Located | None], partition_of: Callable[[str], str]) -> None:
        self._locate = locate
        self._partition_of = partition_of
        self._lock = threading.Lock()
        self._counts: dict[str, BucketCounts] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any, moto: Callable[[], Iterable[bytes]]) -> Iterable[bytes]:
        """Answers ``environ`` itself, or returns ``moto()``, moto's own answer to it."""
        if environ.get("PATH_INFO") == COUNTS_PATH:
            return self._respond(self._counts_answer(environ), environ, start_response)
        answer = self.judge(environ)
        if answer is None:
            return moto()
        drain(environ)
        log(f"region front: {answer.status} {answer.why} for {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}")
        return self._respond(answer, environ, start_response)

    def judge(self, environ: dict[str, Any]) -> Answer | None:
        """S3's answer when it differs from moto's for this request, else None (moto answers)."""
        query_string = str(environ.get("QUERY_STRING", ""))
        query = {name.lower(): values for name, values in parse_qs(query_string, keep_blank_values=True).items()} if query_string else {}
        scope = signing_scope(environ, query)
        if scope is None or scope[1] != "s3":
            return None
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith("/v20180820/") or "s3-control" in str(environ.get("HTTP_HOST", "")):
            return None  # S3 Control signs for s3 too.
        bucket_name, _, key = path.lstrip("/").partition("/")
        if not bucket_name:
            return None
        region = scope[0]
        partition = self._partition_of(region)
        method = str(environ.get("REQUEST_METHOD", ""))
        self._count(bucket_name, "requests")
        if method == "PUT" and not key and set(query) <= SIGNING_PARAMETERS:
            return self._judge_location(environ, bucket_name, region)
        bucket = self._locate(bucket_name)
        if bucket is None:
            return None
        if bucket.partition != partition:
            self._count(bucket_name, "partitionRefusals")
            return no_such_bucket(bucket_name, f"signed for {region}, bucket in {bucket.region} (another partition)")
        if bucket.region != region and "location" not in query:
            self._count(bucket_name, "redirects", region)
            return permanent_redirect(bucket_name, bucket, f"signed for {region}, bucket in {bucket.region}")
        expected = header_or_query(environ, query, "x-amz-expected-bucket-owner")
        if expected is not None and expected != bucket.account:
            self._count(bucket_name, "ownerRefusals")
            return access_denied(f"expected owner {expected}, bucket of {bucket.account}")
        source_name = copy_source_bucket(environ)
        source = self._locate(source_name) if source_name else None
        if source_name is None or source is None:
            return None
        if source.partition != partition:
            self._count(source_name, "partitionRefusals")
            return no_such_bucket(source_name, f"signed for {region}, copy source {source_name} in {source.region} (another partition)")
        expected_source = header_or_query(environ, query, "x-amz-source-expected-bucket-owner")
        if expected_source is not None and expected_source != source.account:
            self._count(source_name, "ownerRefusals")
            return access_denied(f"expected source owner {expected_source}, copy source {source_name} of {source.account}")
        return None

    def _judge_location(self, environ: dict[str, Any], bucket_name: str, region: str) -> Answer | None:
        body = peek_small_body(environ)
        if body is None:
            return None  # Too large or of unknown length to be a CreateBucketConfiguration: moto judges.
        found = LOCATION_CONSTRAINT.search(body)
        constraint = found.group(1).decode("utf-8", "replace") if found else ""
        if (constraint or "us-east-1") == region:
            return None
        self._count(bucket_name, "locationRefusals")
        named = f"The {constraint} location constraint" if constraint else "The unspecified location constraint"
        return error_answer(
            400,
            "IllegalLocationConstraintException",
            f"{named} is incompatible for the region specific endpoint this request was sent to.",
            why=f"CreateBucket signed for {region}, LocationConstraint {constraint or '(none)'}",
        )

    def _count(self, bucket_name: str, what: str, region: str | None = None) -> None:
        with self._lock:
            counts = self._counts.setdefault(bucket_name, BucketCounts())
            setattr(counts, what, getattr(counts, what) + 1)
            if region is not None:
                counts.redirectsBySigningRegion[region] = counts.redirectsBySigningRegion.get(region, 0) + 1

    def _counts_answer(self, environ: dict[str, Any]) -> Answer:
        wanted = parse_qs(str(environ.get("QUERY_STRING", ""))).get("bucket")
        with self._lock:
            if wanted:
                document: Any = asdict(self._counts.get(wanted[0], BucketCounts()))
            else:
                document = {"buckets": {name: asdict(counts) for name, counts in self._counts.items()}}
        return Answer(200, (("Content-Type", "application/json"),), json.dumps(document).encode())

    @staticmethod
    def _respond(answer: Answer, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else answer.body
        headers = [*answer.headers, ("Content-Length", str(len(body)))]
        start_response(STATUS_LINES[answer.status], headers)
        return [body]


def signing_scope(environ: dict[str, Any], query: dict[str, list[str]]) -> tuple[str, str] | None:
    """(region, service) of a SigV4 request's credential scope, from its Authorization or its presigned query."""
    authorization = CREDENTIAL_IN_AUTHORIZATION.match(str(environ.get("HTTP_AUTHORIZATION", "")))
    if authorization is not None:
        credential = authorization.group(1)
    elif "x-amz-credential" in query:
        credential = query["x-amz-credential"][0]
    else:
        return None
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        return None
    return parts[2], parts[3].lower()


def header_or_query(environ: dict[str, Any], query: dict[str, list[str]], name: str) -> str | None:
    """A header's value, else the same name's query parameter (where a presigned URL carries it)."""
    header = environ.get("HTTP_" + name.upper().replace("-", "_"))
    if header is not None:
        return str(header).strip()
    values = query.get(name)
    return values[0].strip() if values else None


def copy_source_bucket(environ: dict[str, Any]) -> str | None:
    """The bucket of ``x-amz-copy-source`` (URL-encoded ``[/]bucket/key[?versionId=...]``), if any."""
    raw = environ.get("HTTP_X_AMZ_COPY_SOURCE")
    if not raw:
        return None
    path = unquote(str(raw).split("?", 1)[0]).lstrip("/")
    if path.startswith("arn:"):
        return None  # An access point: not judged.
    return path.split("/", 1)[0] or None


def peek_small_body(environ: dict[str, Any]) -> bytes | None:
    """A small body with a Content-Length, read and put back for moto; None when it is not one."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower() or length > CREATE_BUCKET_BODY_LIMIT:
        return None
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = BytesIO(body)
    return body


def drain(environ: dict[str, Any]) -> None:
    """Reads and drops the body of a request the front answers itself (no more than it declared)."""
    from werkzeug.wsgi import get_input_stream

    stream = get_input_stream(environ)
    while stream.read(DRAIN_CHUNK):
        pass


def request_id() -> str:
    return uuid.uuid4().hex[:16].upper()


def error_answer(
    status: int,
    code: str,
    message: str,
    extra: tuple[tuple[str, str], ...] = (),
    headers: tuple[tuple[str, str], ...] = (),
    why: str = "",
) -> Answer:
    """S3's XML error document, with ``extra`` elements after the Message; ``why`` goes to the server's log."""
    rid = request_id()
    elements = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in extra)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message>{elements}"
        f"<RequestId>{rid}</RequestId><HostId>s3m-region-front</HostId></Error>"
    ).encode()
    return Answer(status, (("Content-Type", "application/xml"), ("x-amz-request-id", rid), *headers), body, f"{code} ({why})" if why else code)


def permanent_redirect(bucket_name: str, bucket: Located, why: str) -> Answer:
    domain = DOMAINS.get(bucket.partition, "amazonaws.com")
    host = f"s3.{domain}" if bucket.region == "us-east-1" else f"s3.{bucket.region}.{domain}"
    return error_answer(
        301,
        "PermanentRedirect",
        PERMANENT_REDIRECT,
        (("Endpoint", f"{bucket_name}.{host}"), ("Bucket", bucket_name)),
        (("x-amz-bucket-region", bucket.region),),
        why,
    )


def no_such_bucket(bucket_name: str, why: str) -> Answer:
    return error_answer(404, "NoSuchBucket", "The specified bucket does not exist", (("BucketName", bucket_name),), why=why)


def access_denied(why: str) -> Answer:
    return error_answer(403, "AccessDenied", "Access Denied", why=why)


def enforce_regions_and_owners() -> None:
    """Puts the region front in front of moto's dispatcher (lies 10 and 11)."""
    import moto.server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.s3 import models, responses
    from moto.utilities.utils import get_partition

    where = "moto.moto_server.werkzeug_app.DomainDispatcherApplication.__call__"
    if "self.get_application(environ)" not in source_of(DomainDispatcherApplication.__call__, where):
        raise PatchError(f"{where} no longer dispatches through get_application (moto {moto_version()}); update test/setup/moto_regions.py")
    # By name, not by main's source: the launcher's own tests stub moto.server.main.
    if getattr(moto.server, "DomainDispatcherApplication", None) is not DomainDispatcherApplication:
        raise PatchError(f"moto.server no longer serves a DomainDispatcherApplication (moto {moto_version()}); update test/setup/moto_regions.py")
    backends = models.s3_backends
    if not isinstance(getattr(backends, "bucket_accounts", None), dict):
        raise PatchError(f"moto.s3.models.s3_backends has no bucket_accounts map (moto {moto_version()}); update test/setup/moto_regions.py")
    bucket_init = source_of(models.FakeBucket.__init__, "moto.s3.models.FakeBucket.__init__")
    for line in ("self.region_name = region_name", "self.partition = get_partition(region_name)", "s3_backends.bucket_accounts[name] = (self.partition, account_id)"):
        if line not in bucket_init:
            raise PatchError(f"moto.s3.models.FakeBucket.__init__ no longer has {line!r} (moto {moto_version()}); update test/setup/moto_regions.py")
    get_bucket = source_of(models.S3Backend.get_bucket, "moto.s3.models.S3Backend.get_bucket")
    if "self.buckets[bucket_name]" not in get_bucket or "s3_backends[account_id][partition].get_bucket(bucket_name)" not in get_bucket:
        raise PatchError(f"moto.s3.models.S3Backend.get_bucket no longer finds buckets where the front looks (moto {moto_version()})")
    if '"x-amz-bucket-region": bucket.region_name' not in source_of(responses.S3Response.head_bucket, "moto.s3.responses.S3Response.head_bucket"):
        raise PatchError(f"moto.s3.responses.S3Response.head_bucket no longer answers x-amz-bucket-region (moto {moto_version()})")
    if (get_partition("cn-northwest-1"), get_partition("eu-west-1")) != ("aws-cn", "aws"):
        raise PatchError("moto.utilities.utils.get_partition no longer maps cn-* to aws-cn and eu-west-1 to aws")

    def locate(bucket_name: str) -> Located | None:
        owner = backends.bucket_accounts.get(bucket_name)
        if owner is None:
            return None
        partition, account = owner
        bucket = backends[account][partition].buckets.get(bucket_name)
        if bucket is None:
            return None  # A table bucket, or one moto filed elsewhere: moto answers.
        return Located(region=str(bucket.region_name), partition=str(bucket.partition), account=str(bucket.account_id))

    front = RegionFront(locate, get_partition)
    dispatch = DomainDispatcherApplication.__call__

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Any:  # noqa: N807
        return front(environ, start_response, lambda: dispatch(self, environ, start_response))

    __call__.__wrapped__ = dispatch  # type: ignore[attr-defined]
    DomainDispatcherApplication.__call__ = __call__  # type: ignore[method-assign]
    log("patched: S3 requests are judged by region, partition and expected owner (301 PermanentRedirect, NoSuchBucket, AccessDenied)")
