"""Media: safe remote ingest into Cloud Storage (`ingest`), the stored files public
delivery serves (`delivery`; its HTTP side, ranges and revalidation, is
shared/web/media_files.py), the `media/{id}` documents (`library`), content sniffing
(`sniff`) and Google Drive link conversion (`drive`)."""

from shared.errors import SokuError


class UploadFailedError(SokuError):
    """The spec's `upload_failed`: the remote file could not or may not be stored."""

    status = 400
    code = "upload_failed"
    message = "Media upload failed"
