"""Races SQS DeleteMessage with a send and with another delete inside one moto process (lie 3 of test/setup/moto_server.py).

As a delete stores the message list it rebuilt, a hook runs a second operation on another thread
and waits (half a second at most) for it to end: a SendMessage in one round, the DeleteMessage of
a message the rebuilt list kept in the other.
Unpatched, that operation ends inside the window and the first delete's rebuilt list undoes it
(the sent message is lost, the deleted one comes back); patched, it waits for the first delete.
Prints, as JSON, the bodies left in the queue after each round. test/integration/testbedPatches.test.ts
runs it with and without the patch (S3M_MOTO_PATCHES).

    python3 test/support/moto_sqs_delete_race.py test/setup
"""

import json
import sys
import threading
from typing import Any

from moto_in_process import with_fix

with_fix(sys.argv[1], "lock_sqs_deletes")
from moto.sqs.models import Message, Queue, sqs_backends  # noqa: E402

backend = sqs_backends["123456789012"]["us-east-1"]


class HookedQueue(Queue):
    """A queue whose message list, when armed, runs a racer just before a rebuilt list is stored."""

    __module__ = "moto.sqs.models"  # moto's model metaclass names the service from the module
    racer: Any = None

    @property
    def _messages(self) -> Any:
        return self.__dict__["_s3m_messages"]

    @_messages.setter
    def _messages(self, messages: Any) -> None:
        racer, self.racer = self.racer, None
        if racer is not None:
            other = threading.Thread(target=racer, args=(self,))
            other.start()
            other.join(0.5)  # patched, the racer waits for this delete's lock
        self.__dict__["_s3m_messages"] = messages


def round_trip(name: str, racer: Any) -> list[str]:
    """Queue a, b, c (all received), then delete a with `racer(queue)` run as its rebuilt list is stored."""
    queue = backend.create_queue(name)
    queue.__class__ = HookedQueue
    queue.__dict__["_s3m_messages"] = queue.__dict__.pop("_messages")
    for body in ("a", "b", "c"):
        backend.send_message(name, body)
    handles = {message.body: message.receipt_handle for message in backend.receive_message(name, 10, 0, 3600)}
    queue.handles = handles
    queue.racer = racer
    queue.delete_message(handles["a"])
    threading.Event().wait(0.6)
    return sorted(message.body for message in queue._messages)


def send(queue: Any) -> None:
    queue.add_message(Message("new-message", "new"))


def delete_b(queue: Any) -> None:
    queue.delete_message(queue.handles["b"])


print(json.dumps({"sendDuringDelete": round_trip("send-race", send), "deleteDuringDelete": round_trip("delete-race", delete_b)}))
