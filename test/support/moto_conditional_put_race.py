"""Races two create-only PutObjects (If-None-Match: *) of one key inside one moto process (lie 7 of test/setup/moto_server.py).

The first PUT is held after its check, as it stores the object, while the second runs. Unpatched,
the second passes the same check and both succeed; patched, the second waits for the first and
is refused with 412. Prints, as JSON, each PUT's HTTP status and the body stored.
test/integration/testbedPatches.test.ts runs it with and without the patch (S3M_MOTO_PATCHES).

    python3 test/support/moto_conditional_put_race.py test/setup
"""

import json
import sys
import threading
from typing import Any

from moto_in_process import with_fix

with_fix(sys.argv[1], "serialise_object_writes")
from moto.s3.models import s3_backends  # noqa: E402
from moto.server import create_backend_app  # noqa: E402

app = create_backend_app("s3")
backend = s3_backends["123456789012"]["aws"]
# Signed-looking requests: moto answers an unsigned request for an existing key 403, not 412.
HEADERS = {
    "Host": "s3.amazonaws.com",
    "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
}
app.test_client().put("/conditional-puts", headers=HEADERS)
store = backend.put_object
first_stores = threading.Event()
second_ended = threading.Event()


def put_object(*args: Any, **kwargs: Any) -> Any:
    if threading.current_thread().name == "first":
        first_stores.set()
        second_ended.wait(2)  # the first PUT is held here, past its check, while the second runs
    return store(*args, **kwargs)


backend.put_object = put_object
statuses: dict[str, int] = {}


def put(name: str) -> None:
    try:
        answer = app.test_client().put("/conditional-puts/k", headers={**HEADERS, "If-None-Match": "*"}, data=name.encode())
        statuses[name] = answer.status_code
    finally:
        if name == "second":
            second_ended.set()


first = threading.Thread(target=put, args=("first",), name="first")
first.start()
first_stores.wait(5)
second = threading.Thread(target=put, args=("second",), name="second")
second.start()
second.join(0.5)
second_ended.set()
first.join()
second.join()
stored = backend.get_object("conditional-puts", "k")
print(json.dumps({"statuses": statuses, "stored": stored.value.decode() if stored is not None else None}))
