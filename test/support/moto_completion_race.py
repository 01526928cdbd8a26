"""Races two CompleteMultipartUploads of one upload inside one moto process (lie 5 of test/setup/moto_server.py).

The first completion is held as it stores the object while the second runs; prints, as JSON, what
each answered (the ETag, or the exception raised), whether the upload was still listed while the
object was being stored, and whether it is listed after. test/integration/testbedPatches.test.ts
runs it with and without the patch (S3M_MOTO_PATCHES).

    python3 test/support/moto_completion_race.py test/setup
"""

import json
import sys
import threading
from typing import Any

from moto_in_process import with_fix

with_fix(sys.argv[1], "serialise_completions")
from moto.s3.models import s3_backends  # noqa: E402

backend = s3_backends["123456789012"]["aws"]
bucket = backend.create_bucket("completions", "us-east-1")
upload = backend.create_multipart_upload("completions", "k", {}, "STANDARD", {}, None, None, None)
part = backend.upload_part("completions", upload.id, 1, b"x" * 10)
store = backend.put_object
listed_while_storing: list[bool] = []
second_ran = threading.Event()


def put_object(*args: Any, **kwargs: Any) -> Any:
    listed_while_storing.append(upload.id in bucket.multiparts)
    second_ran.wait(2)  # the first completion is held here while the second one runs
    return store(*args, **kwargs)


backend.put_object = put_object
answers: dict[str, str] = {}


def complete(name: str) -> None:
    try:
        answers[name] = backend.complete_multipart_upload("completions", upload.id, iter([(1, part.etag)])).etag
    except Exception as error:
        answers[name] = type(error).__name__
    finally:
        if name == "second":
            second_ran.set()


first = threading.Thread(target=complete, args=("first",))
first.start()
while not listed_while_storing:  # the first completion has reached the object
    threading.Event().wait(0.01)
second = threading.Thread(target=complete, args=("second",))
second.start()
second.join(0.5)
second_ran.set()
first.join()
second.join()
print(json.dumps({"answers": answers, "listedWhileStoring": listed_while_storing, "listedAfter": upload.id in bucket.multiparts}))
