"""Lie 9 of the test bed: moto's server-side copies ignore their source condition and checksum.

- CopyObject and UploadPartCopy ignore ``x-amz-copy-source-if-match``: a copy pinned to an ETag
  the source no longer has goes ahead with the new bytes. S3 answers 412 PreconditionFailed and
  copies nothing; a server-side copy relies on exactly that to never mix two versions. Fix: both
  compare the header with the source's ETag first.
- UploadPartCopy answers, and keeps, the checksum of its (empty) request body. S3 computes the
  copied range's checksum with the upload's algorithm and keeps it for ListParts and completion.
  Fix: the part keeps the checksum of its bytes in the upload's algorithm.
"""

from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from moto_patching import PatchError, log, moto_version


def keep_copy_conditions() -> None:
    """Applies both fixes (lie 9)."""
    from moto.s3 import responses, utils
    from moto.s3.exceptions import PreconditionFailed

    for name in ("copy_object", "upload_part_copy"):
        if not callable(getattr(responses.S3Response, name, None)):
            raise PatchError(f"moto.s3.responses.S3Response has no {name} (moto {moto_version()}); update test/setup/moto_copies.py")

    def check_source_condition(self: Any) -> None:
        wanted = self.headers.get("x-amz-copy-source-if-match")
        if not wanted:
            return
        parsed = urlparse(str(self.headers.get("x-amz-copy-source")))
        bucket, key = unquote(parsed.path).lstrip("/").split("/", 1)
        version = parse_qs(parsed.query).get("versionId", [None])[0]
        source = self.backend.get_object(bucket, key, version_id=version)
        if source is not None and str(wanted).replace('"', "") != source.etag.replace('"', ""):
            raise PreconditionFailed("x-amz-copy-source-If-Match")

    moto_copy_object = responses.S3Response.copy_object

    def copy_object(self: Any) -> Any:
        check_source_condition(self)
        return moto_copy_object(self)

    moto_upload_part_copy = responses.S3Response.upload_part_copy

    def upload_part_copy(self: Any) -> Any:
        check_source_condition(self)
        answer = moto_upload_part_copy(self)
        multipart = self.backend.get_bucket(self.bucket_name).multiparts.get(self._get_param("uploadId"))
        algorithm = multipart.metadata.get("x-amz-checksum-algorithm") if multipart is not None else None
        part = multipart.parts.get(self._get_int_param("partNumber")) if multipart is not None else None
        if part is not None and algorithm:
            part.checksum_algorithm = str(algorithm).upper()
            part.checksum_value = utils.compute_checksum(bytes(part.value), part.checksum_algorithm).decode()
        return answer

    responses.S3Response.copy_object = copy_object  # type: ignore[method-assign]
    responses.S3Response.upload_part_copy = upload_part_copy  # type: ignore[method-assign]
    log("patched: server-side copies honour x-amz-copy-source-if-match, and UploadPartCopy keeps the part's checksum")
