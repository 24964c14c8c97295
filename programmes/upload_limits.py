"""The import's limits applied to the upload request itself, before any of it is
kept: a request that says it is too large is refused unread, and one that turns
out larger than it said (or chunked) is cut off as soon as it passes a limit.
Django spools uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to disk, so memory is never
the issue here; disk, time and the number of files are."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .gmpp_files import MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES, MB

# Room for the form's other fields and the multipart boundaries.
FORM_OVERHEAD_BYTES = 1 * MB


def declared_size_problem(request):
    """A message if the request's Content-Length is beyond the limits, else ""."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "The request's length cannot be read."
    if declared > MAX_TOTAL_BYTES + FORM_OVERHEAD_BYTES:
        return (
            f"The upload is {declared / MB:,.1f} MB; one import can be at most "
            f"{MAX_TOTAL_BYTES // MB} MB ({MAX_FILES} files of up to "
            f"{MAX_FILE_BYTES // MB} MB each). Nothing was read."
        )
    return ""


class LimitedUploadHandler(FileUploadHandler):
    """First in the chain: counts files and bytes as they arrive and stops the
    upload at the first limit passed; `refused` then says why."""

    def __init__(self, request=None):
        super().__init__(request)
        self.files = 0
        self.total = 0
        self.refused = ""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files += 1
        if self.files > MAX_FILES:
            self._refuse(f"More than {MAX_FILES} files were sent in one upload.")

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if start + len(raw_data) > MAX_FILE_BYTES:
            self._refuse(
                f"{self.file_name} is larger than {MAX_FILE_BYTES // MB} MB, the most "
                "one file can be."
            )
        if self.total > MAX_TOTAL_BYTES:
            self._refuse(
                f"The files come to more than {MAX_TOTAL_BYTES // MB} MB, the most one "
                "import can be."
            )
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file

    def _refuse(self, message):
        self.refused = message + " Nothing was imported."
        # Read no further: the rest of an oversized request is never wanted.
        raise StopUpload(connection_reset=True)
