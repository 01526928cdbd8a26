"""Starts one moto server for the local test bed, with eleven of moto's lies fixed.

Runs exactly like ``python3 -m moto.server -H HOST -p PORT [moto options]`` after patching moto
in this process. Used by test/setup/motoServers.ts (vitest's globalSetup) and scripts/lib/moto.sh
(demo and benchmarks), so tests, demo and benchmarks all run against the same moto.

    python3 test/setup/moto_server.py [--parent-pid PID] -H 127.0.0.1 -p 5000

--parent-pid PID
    Asks Linux (PR_SET_PDEATHSIG) to SIGTERM the server when its parent dies, and refuses to start
    if the parent is no longer PID. Exit hooks cannot run when the test runner is SIGKILLed (OOM
    killer, CI timeout), and an orphaned server would hold memory and ports.

The lies fixed, and why they matter here:

1. DynamoDB conditional writes are not atomic. The server is a threaded werkzeug server and
   moto's DynamoDB backend has no lock, so two concurrent conditional writes to one item (an
   ``attribute_not_exists(pk)`` claim, a version check) can both pass their condition before
   either writes. The jobsender's run lease and the worker's ledger transitions rely on exactly
   that atomicity. Fix: every DynamoDB action (single-item, batch, transact, PartiQL: all go
   through ``DynamoHandler.call_action``) runs under one process-wide lock.

2. ListObjectVersions with a KeyMarker and no VersionIdMarker starts one version late. moto
   5.2.1's ``S3Backend.list_object_versions`` skips the first version at or after KeyMarker
   whatever its key: after an existing key it skips that key's latest version but lists its
   older ones; after a bound that is no key it loses the latest version of the next key. S3 lists
   exactly the versions of the keys after KeyMarker. A versioned jobsender pass starts every
   key-space segment, and every resumed segment, that way, so it would lose a key at each bound
   (or cursor whose object has gone) with no key of its own. Fix: the faulty lines are replaced
   in the method's source, which is compiled again in its module.

3. SQS DeleteMessage races with SendMessage and with other deletes. ``Queue.delete_message``
   rebuilds the queue's message list and assigns it back without the lock ``add_message`` holds,
   so a message sent (or deleted) while it runs is lost (or comes back): a continuation queued
   by one worker while another deletes its message can vanish, and a deleted job can be
   delivered again. Real SQS does neither. Fix: delete_message runs under the queue's lock.

4. A ranged GetObject reads the whole object. ``S3Response.get_object`` returns
   ``key.value`` (the whole object, read from its buffer) and the range is sliced from it
   afterwards, so every ranged GET of a 2 GiB object costs moto a 2 GiB read: a worker's part
   lanes and a fan-out's ranges, dozens of ranged GETs per object, made the source moto, not the
   link, the bottleneck of the fan-out benchmark (about 65 CPU-seconds per GiB copied). S3 serves
   a range at the cost of the range. Fix: for a plain ``bytes=FIRST-[LAST]`` range the response
   body is a view of the key that reads only the requested bytes when moto slices it; any other
   request gets ``key.value`` as before.

5. CompleteMultipartUpload is neither serialised nor atomic. moto drops the upload before it
   stores the object, and a second completion of one upload (a retry whose first attempt the
   client gave up on) runs alongside the first: it concatenates the parts again, then fails on
   the upload the first dropped and answers HTTP 500 with an HTML body. Between the two steps a
   ListParts answers NoSuchUpload while HEAD finds no object, so a client that looks for a lost
   completion sees neither the upload nor its object. S3 answers a repeated completion with the
   object it made, and an upload is gone only once its object is there. Fix: completions of one
   upload run one at a time; one that finds its upload completed answers with that object (moto's
   own answer for a completion repeated after the first ended), and the upload is dropped after
   the object is stored (the faulty lines are moved in the method's source).

6. ListParts' PartNumberMarker is a position, not a part number. ``FakeMultipart.list_parts``
   slices the upload's sorted part numbers at index PartNumberMarker, and ``is_truncated``
   compares the number of parts with the next marker, which is right only when parts 1 to the
   marker all exist. A fan-out range lists its own span from the part before it while earlier
   ranges are still missing parts: moto then skipped stored parts of the span (found by the
   killed-range test, which saw a stored part sent again). S3 lists the parts numbered above the
   marker. Fix: both compare part numbers.

7. A conditional PutObject checks and stores in two unguarded steps. ``S3Response.put_object``
   looks the key up for ``If-None-Match: *`` (and ``If-Match``), then stores it, with no lock
   between, so two create-only writes of one key sent at once can both pass the check and both
   succeed. S3 decides a conditional write atomically: one succeeds, the other gets 412. A batch
   worker's create-only copy relies on exactly that. Fix: the PutObjects of one key run one at a
   time.

8. Checksums are computed wrongly (CRC64NVME and CRC32C as CRC32), verified never and kept
   nowhere; S3 verifies every one it is sent and keeps a CRC64NVME with every object. Fixed in
   test/setup/moto_checksums.py, whose header lists each part.

9. Server-side copies ignore ``x-amz-copy-source-if-match`` and UploadPartCopy keeps the checksum
   of its empty request body. Fixed in test/setup/moto_copies.py.

10. Regions are ignored: a request signed for any region reaches any bucket, even one of the other
    partition, and CreateBucket signed for us-east-1 takes any LocationConstraint. S3 answers
    ``301 PermanentRedirect`` with ``x-amz-bucket-region`` from another region of the bucket's
    partition, knows no bucket of another partition, and refuses a LocationConstraint that is not
    the signing region; code that gets a bucket's region wrong passed against moto. Fixed by the
    region front in test/setup/moto_regions.py (a WSGI layer in front of moto's dispatcher, which
    also counts, per bucket, what it saw at ``/moto-api/s3m/regions``).

11. ``x-amz-expected-bucket-owner`` and ``x-amz-source-expected-bucket-owner`` are ignored; S3
    answers 403 AccessDenied when the bucket (or the copy source's) is another account's. Fixed by
    the same front.

Each patch checks that moto still has the shape it fixes and stops the server with a message
otherwise, so a moto upgrade cannot silently drop a fix (test/integration/testbed.test.ts checks
that). The tests that prove the fixes are in test/integration/testbedPatches.test.ts,
test/integration/jobsender/versionedSegments.test.ts and, for lies 8 to 11,
test/integration/testbedChecksums.test.ts, testbedCopies.test.ts and testbedRegions.test.ts.

S3M_MOTO_PATCHES=off starts moto unpatched (``on``, the default, patches; anything else is refused).
It exists only to show that those tests fail without the fixes; never use it otherwise.
"""

import ctypes
import inspect
import os
import re
import signal
import sys
import textwrap
import threading
from collections.abc import Callable
from typing import Any

from moto_checksums import keep_checksums_as_s3_does
from moto_copies import keep_copy_conditions
from moto_patching import PatchError, log, moto_version, recompiled, source_of
from moto_regions import enforce_regions_and_owners

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    """Patches moto (unless S3M_MOTO_PATCHES=off), then serves until SIGTERM or SIGINT."""
    moto_argv = watch_parent(argv)
    patches = os.environ.get("S3M_MOTO_PATCHES", "on")
    if patches not in ("on", "off"):
        sys.exit(f"moto_server.py: S3M_MOTO_PATCHES must be 'on' (the default) or 'off', not {patches!r}")
    if patches == "off":
        log(
            "S3M_MOTO_PATCHES=off: moto runs UNPATCHED (DynamoDB writes race, ListObjectVersions loses keys, "
            "SQS deletes race, ranged GETs read whole objects, completions race, "
            "ListParts markers are positions, conditional PUTs race, "
            "checksums neither verified nor kept, copy conditions ignored, "
            "regions ignored, expected bucket owners ignored)"
        )
    else:
        try:
            serialise_dynamodb()
            fix_list_object_versions_key_marker()
            lock_sqs_deletes()
            read_only_the_range()
            serialise_completions()
            list_parts_after_the_marker()
            serialise_object_writes()
            keep_checksums_as_s3_does()
            keep_copy_conditions()
            enforce_regions_and_owners()
        except PatchError as error:
            sys.exit(f"moto_server.py: refusing to start: {error}")
    import moto.server

    moto.server.main(moto_argv)


def watch_parent(argv: list[str]) -> list[str]:
    """Consumes ``--parent-pid PID`` (if first); returns the rest, moto.server's arguments."""
    if argv[:1] != ["--parent-pid"]:
        return argv
    if len(argv) < 2 or not argv[1].isdigit():
        sys.exit("moto_server.py: --parent-pid needs a process id")
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:
        pass  # Not Linux: the parent's exit hooks remain the only guard.
    # Checked after prctl: a parent that died before it would leave us orphaned for good.
    if os.getppid() != int(argv[1]):
        sys.exit("moto_server.py: the parent exited before the server started")
    return argv[2:]


def serialise_dynamodb() -> None:
    """Runs every DynamoDB action of this process under one lock (lie 1)."""
    from moto.dynamodb import urls
    from moto.dynamodb.responses import DynamoHandler

    where = "moto.dynamodb.responses.DynamoHandler"
    if "call_action" not in vars(DynamoHandler):
        raise PatchError(f"{where} no longer defines call_action, the dispatch point the lock wraps")
    routes = urls.url_paths.values()
    if any(getattr(route, "__self__", None) is not DynamoHandler for route in routes):
        raise PatchError(f"moto.dynamodb.urls no longer routes every request to {where}.dispatch")
    try:
        dispatch = inspect.getsource(DynamoHandler._dispatch)
    except (OSError, TypeError) as error:
        raise PatchError(f"cannot read {where}._dispatch ({error})") from error
    if "self.call_action()" not in dispatch:
        raise PatchError(f"{where}._dispatch no longer calls self.call_action()")

    lock = threading.Lock()
    unlocked: Callable[[Any], Any] = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        with lock:
            return unlocked(self)

    call_action.__wrapped__ = unlocked  # type: ignore[attr-defined]
    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
    log("patched: DynamoDB actions run one at a time (conditional writes are atomic)")


# moto 5.2.1, S3Backend.list_object_versions: with only a KeyMarker, the first version whose key
# is >= KeyMarker is skipped by the `continue` whatever its key is.
LIST_VERSIONS_BUGGY = """\
            elif not version_id_marker:
                # Only KeyMarker is supplied, and it will be set to the last item of the previous page
                # We skip all versions with ``name < key_marker``
                # Because our list is ordered, we keep everything where ``name >= key_marker`` (i.e.: the next page)
                skip_versions = version.name < key_marker
                continue
"""

# S3: with only a KeyMarker, the listing starts at the first version of the first key > KeyMarker.
LIST_VERSIONS_FIXED = """\
            elif not version_id_marker:
                # s3-migrate patch (test/setup/moto_server.py): like S3, list the keys strictly
                # after KeyMarker, starting with (not skipping) the first version of the next key.
                skip_versions = version.name <= key_marker
                if skip_versions:
                    continue
"""


def fix_list_object_versions_key_marker() -> None:
    """Makes ListObjectVersions with only a KeyMarker start right after that key (lie 2)."""
    import moto.s3.models as models

    original = models.S3Backend.list_object_versions
    where = "moto.s3.models.S3Backend.list_object_versions"
    source = textwrap.dedent(source_of(original, where))
    found = source.count(LIST_VERSIONS_BUGGY)
    if found != 1:
        raise PatchError(
            f"{where} does not contain the KeyMarker lines this patch replaces ({found} matches, "
            f"moto {moto_version()}). Check whether this moto still skips the first version after "
            "a KeyMarker, then update or remove the patch in test/setup/moto_server.py."
        )
    patched = recompiled(original, where, source.replace(LIST_VERSIONS_BUGGY, LIST_VERSIONS_FIXED), vars(models))
    models.S3Backend.list_object_versions = patched  # type: ignore[method-assign]
    log("patched: ListObjectVersions with only a KeyMarker lists the keys after it")


def lock_sqs_deletes() -> None:
    """Makes SQS DeleteMessage hold the queue's own lock while it rebuilds the queue (lie 3)."""
    from moto.sqs.models import Queue

    where = "moto.sqs.models.Queue"
    try:
        delete = inspect.getsource(Queue.delete_message)
        init = inspect.getsource(Queue.__init__)
        add = inspect.getsource(Queue.add_message)
    except (OSError, TypeError, AttributeError) as error:
        raise PatchError(f"cannot read {where}.delete_message / add_message / __init__ ({error})") from error
    if "self._messages = new_messages" not in delete or "with self._messages_lock" in delete:
        raise PatchError(f"{where}.delete_message no longer rebuilds the queue unlocked; check and remove this patch")
    if "self._messages_lock = Condition()" not in init or "with self._messages_lock" not in add:
        raise PatchError(f"{where} no longer guards add_message with _messages_lock, the lock this patch takes")

    unlocked: Callable[..., Any] = Queue.delete_message

    def delete_message(self: Any, receipt_handle: str) -> None:
        # _messages_lock is a Condition over an RLock: add_message holds it while it appends.
        with self._messages_lock:
            unlocked(self, receipt_handle)

    delete_message.__wrapped__ = unlocked  # type: ignore[attr-defined]
    Queue.delete_message = delete_message  # type: ignore[method-assign]
    log("patched: SQS DeleteMessage cannot undo a concurrent send or delete")


GET_RETURNS_WHOLE_VALUE = "        return 200, response_headers, key.value\n"
GET_RETURNS_RANGED_VALUE = "        return 200, response_headers, _s3m_ranged_value(self, key)\n"
PLAIN_RANGE = re.compile(r"bytes=(\d+)-(\d*)")


class KeyRange:
    """A key's bytes that moto's range handling slices: reads only the slice asked for (lie 4)."""

    def __init__(self, key: Any) -> None:
        self._key = key

    def __len__(self) -> int:
        return int(self._key.contentsize)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, window: slice) -> bytes:
        start, stop, step = window.indices(len(self))
        if step != 1:
            raise TypeError("KeyRange supports contiguous slices only")
        with self._key.lock:
            self._key._value_buffer.seek(start)
            return bytes(self._key._value_buffer.read(max(0, stop - start)))


def ranged_value(response: Any, key: Any) -> Any:
    """The body for a GET of ``key``: a KeyRange for a plain satisfiable range, else the whole value."""
    plain = PLAIN_RANGE.fullmatch(str(response.headers.get("range", "")).strip())
    if plain is None:
        return key.value
    first, last = int(plain.group(1)), plain.group(2)
    if first >= int(key.contentsize) or (last != "" and int(last) < first):
        return key.value
    return KeyRange(key)


def read_only_the_range() -> None:
    """Makes a ranged GetObject read only the range from the stored object (lie 4)."""
    import moto.s3.models as models
    import moto.s3.responses as responses

    original = responses.S3Response.get_object
    where = "moto.s3.responses.S3Response.get_object"
    source = source_of(original, where)
    found = source.count(GET_RETURNS_WHOLE_VALUE)
    range_handler = inspect.getsource(responses.S3Response._handle_range_header)
    if found != 1 or "response_content[begin : end + 1]" not in range_handler:
        raise PatchError(
            f"{where} no longer returns key.value for _handle_range_header to slice ({found} matches, "
            f"moto {moto_version()}). Check whether ranged GETs still read the whole object, then update "
            "or remove the patch in test/setup/moto_server.py."
        )
    if not hasattr(models.FakeKey, "contentsize") and "self.contentsize" not in inspect.getsource(models.FakeKey):
        raise PatchError("moto.s3.models.FakeKey no longer records contentsize")
    responses._s3m_ranged_value = ranged_value  # type: ignore[attr-defined]
    fixed = textwrap.dedent(source.replace(GET_RETURNS_WHOLE_VALUE, GET_RETURNS_RANGED_VALUE))
    responses.S3Response.get_object = recompiled(original, where, fixed, vars(responses))  # type: ignore[method-assign]
    log("patched: a ranged GetObject reads only its range")


# moto 5.2.1, S3Backend.complete_multipart_upload: the upload is dropped before the object is stored.
COMPLETE_DROPS_UPLOAD_FIRST = """\
    value, etag, checksum_details = multipart.complete(body)
    if value is not None:
        del bucket.multiparts[multipart_id]

    if value is None:
        return None
"""
COMPLETE_KEEPS_UPLOAD = """\
    value, etag, checksum_details = multipart.complete(body)
    if value is None:
        return None
"""
COMPLETE_NOTIFIES = "    notifications.send_event(\n"
COMPLETE_DROPS_UPLOAD_LAST = """\
    # s3-migrate patch (test/setup/moto_server.py): like S3, the upload is gone only once its object is stored.
    del bucket.multiparts[multipart_id]
    notifications.send_event(
"""


def serialise_completions() -> None:
    """Runs the completions of one upload one at a time, and drops the upload last (lie 5)."""
    import moto.s3.models as models
    from moto.s3.exceptions import NoSuchUpload

    original = models.S3Backend.complete_multipart_upload
    where = "moto.s3.models.S3Backend.complete_multipart_upload"
    source = textwrap.dedent(source_of(original, where))
    found = (source.count(COMPLETE_DROPS_UPLOAD_FIRST), source.count(COMPLETE_NOTIFIES))
    if found != (1, 1):
        raise PatchError(
            f"{where} no longer drops the upload before storing the object in the lines this patch moves "
            f"({found} matches, moto {moto_version()}). Check whether completions still race, then update "
            "or remove the patch in test/setup/moto_server.py."
        )
    fixed = source.replace(COMPLETE_DROPS_UPLOAD_FIRST, COMPLETE_KEEPS_UPLOAD).replace(COMPLETE_NOTIFIES, COMPLETE_DROPS_UPLOAD_LAST)
    reordered = recompiled(original, where, fixed, vars(models))
    guard = threading.Lock()
    locks: dict[str, threading.Lock] = {}

    def complete_multipart_upload(self: Any, bucket_name: str, multipart_id: str, body: Any) -> Any:
        bucket = self.get_bucket(bucket_name)
        waiting = bucket.multiparts.get(multipart_id)
        with guard:
            lock = locks.setdefault(multipart_id, threading.Lock())
        with lock:
            if multipart_id in bucket.multiparts:
                return reordered(self, bucket_name, multipart_id, body)
            # Completed while this one waited: answer with the object it made, as moto does for a
            # completion repeated after the first ended.
            key = bucket.keys.get(waiting.key_name) if waiting is not None else None
            if key is not None and key.multipart is not None and key.multipart.id == multipart_id:
                return key
            raise NoSuchUpload(upload_id=multipart_id)

    complete_multipart_upload.__wrapped__ = reordered  # type: ignore[attr-defined]
    models.S3Backend.complete_multipart_upload = complete_multipart_upload  # type: ignore[method-assign]
    log("patched: completions of one upload run one at a time, and the upload goes only once its object is stored")


def list_parts_after_the_marker() -> None:
    """Makes ListParts list the parts numbered above PartNumberMarker, and page by number (lie 6)."""
    import moto.s3.models as models

    where = "moto.s3.models"
    listing = source_of(models.FakeMultipart.list_parts, f"{where}.FakeMultipart.list_parts")
    truncated = source_of(models.S3Backend.is_truncated, f"{where}.S3Backend.is_truncated")
    if "self.partlist[part_number_marker:max_marker]" not in listing or "].parts) > next_part_number_marker" not in truncated:
        raise PatchError(
            f"{where}.FakeMultipart.list_parts no longer slices its part list at the marker's position "
            f"(moto {moto_version()}). Check whether ListParts still treats PartNumberMarker as a position, "
            "then update or remove the patch in test/setup/moto_server.py."
        )

    def list_parts(self: Any, part_number_marker: int, max_parts: int) -> Any:
        above = [part_id for part_id in self.partlist if part_id > part_number_marker]
        for part_id in above[:max_parts]:
            yield self.parts[part_id]

    def is_truncated(self: Any, bucket_name: str, multipart_id: str, next_part_number_marker: int) -> bool:
        partlist = self.get_bucket(bucket_name).multiparts[multipart_id].partlist
        return any(part_id > next_part_number_marker for part_id in partlist)

    list_parts.__wrapped__ = models.FakeMultipart.list_parts  # type: ignore[attr-defined]
    is_truncated.__wrapped__ = models.S3Backend.is_truncated  # type: ignore[attr-defined]
    models.FakeMultipart.list_parts = list_parts  # type: ignore[method-assign]
    models.S3Backend.is_truncated = is_truncated  # type: ignore[method-assign]
    log("patched: ListParts lists the parts numbered above PartNumberMarker")


def serialise_object_writes() -> None:
    """Runs the PutObjects of one key one at a time, so a conditional write checks and stores atomically (lie 7)."""
    from moto.s3.responses import S3Response

    where = "moto.s3.responses.S3Response.put_object"
    source = source_of(S3Response.put_object, where)
    if 'if_none_match == "*"' not in source or "self.backend.get_object(self.bucket_name, key_name)" not in source:
        raise PatchError(
            f"{where} no longer checks If-None-Match by looking the key up before it stores it "
            f"(moto {moto_version()}). Check whether conditional PUTs still race, then update or remove "
            "the patch in test/setup/moto_server.py."
        )
    unlocked: Callable[[Any], Any] = S3Response.put_object
    guard = threading.Lock()
    locks: dict[tuple[str, str], threading.Lock] = {}

    def put_object(self: Any) -> Any:
        with guard:
            lock = locks.setdefault((self.bucket_name, self.parse_key_name()), threading.Lock())
        with lock:
            return unlocked(self)

    put_object.__wrapped__ = unlocked  # type: ignore[attr-defined]
    S3Response.put_object = put_object  # type: ignore[method-assign]
    log("patched: the PutObjects of one key run one at a time (a conditional write checks and stores atomically)")


if __name__ == "__main__":
    main(sys.argv[1:])
