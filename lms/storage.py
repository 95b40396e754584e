"""Private files: learner exports, quiz file answers, certificate PDFs.

They live in their own storage (`STORAGES["private"]`, a folder outside MEDIA_ROOT), so neither nginx's
`/media/` nor the development server ever serves them. Their names carry a random token, so a name seen
once (a log line, a shoulder) does not lead to the next one. Only views that check who asks hand them out,
through `serve_private()`: a streamed response in the embedded default (`PRIVATE_MEDIA_SERVE = "django"`),
an `X-Accel-Redirect` to an nginx `internal` location in production (`"nginx"`, see docs/security.md).

Plumbing: imports no app.
"""

import mimetypes
import os
import uuid
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponse
from django.utils.deconstruct import deconstructible
from django.utils.encoding import iri_to_uri
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename

SERVE_MODES = ("django", "nginx")
MAX_BASENAME = 100


def private_storage():
    """The storage of every private FileField; a callable, so migrations name it instead of a path."""
    return storages["private"]


class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage rooted at PRIVATE_MEDIA_ROOT (read when first used, so test settings apply).

    It has no public URL: a template that asks for `.url` gets an error instead of a link that would leak.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no public URL; link to the view that serves them.")


def PrivateS3Storage(**options):  # noqa: N802 - stands where a storage class is named in STORAGES
    """Private files in S3-compatible storage (MEDIA_STORAGE=s3): private objects, no public URL.

    Built on first use, so django-storages is imported only by installations that choose it."""
    from storages.backends.s3 import S3Storage

    class _PrivateS3Storage(S3Storage):
        def url(self, name, *args, **kwargs):
            raise ValueError("Private files have no public URL; link to the view that serves them.")

    return _PrivateS3Storage(**options)


@deconstructible
class PrivateName:
    """`upload_to` for private files: `<folder>/<random token>/<original name>`.

    The token makes names unguessable; the original name (ASCII-safe, as Django cleans it) stays last, so a
    download keeps a readable file name.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename):
        return f"{self.folder}/{uuid.uuid4().hex}/{_clean(filename)}"

    def __eq__(self, other):
        return isinstance(other, PrivateName) and other.folder == self.folder


def _clean(filename: str, keep: int = MAX_BASENAME) -> str:
    """The user's file name as a safe last path part, short enough for the 255-character column."""
    try:
        name = get_valid_filename(os.path.basename(filename or ""))
    except SuspiciousFileOperation:
        name = "tep"
    stem, ext = os.path.splitext(name)
    return stem[:keep - len(ext[:10])] + ext[:10]


def private_name(folder: str, filename: str) -> str:
    """A fresh unguessable name, for services that save through the storage directly."""
    return PrivateName(folder)(None, filename)


def private_file_view(view):
    """For views that hand out a private file: an anonymous visitor gets the same 404 as anyone else who
    may not see it (a login page would confirm that the file exists)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def serve_private(field_file, filename: str | None = None, content_type: str | None = None,
                  as_attachment: bool = True) -> HttpResponse:
    """Hand out a private file the caller has already allowed; 404 when it is gone from storage."""
    name = field_file.name
    if not name or not field_file.storage.exists(name):
        raise Http404
    filename = filename or Path(name).name
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if serve_mode() == "nginx":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = iri_to_uri(settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + name)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        response = FileResponse(field_file.storage.open(name, "rb"), as_attachment=as_attachment,
                                filename=filename, content_type=content_type)
    # Personal data: no shared cache keeps a copy; the browser must not guess another type (HTML).
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_mode() -> str:
    return getattr(settings, "PRIVATE_MEDIA_SERVE", "django")


def _inside(path, folder) -> bool:
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


@checks.register(checks.Tags.security)
def check_private_media(app_configs=None, **kwargs):
    """Refuse a private root that /media/ would serve, and an unknown serving mode."""
    errors = []
    private, media = getattr(settings, "PRIVATE_MEDIA_ROOT", None), settings.MEDIA_ROOT
    if not private:
        errors.append(checks.Error("PRIVATE_MEDIA_ROOT is not set.", id="lms.E101"))
    elif media and (_inside(private, media) or _inside(media, private)):
        errors.append(checks.Error(
            "PRIVATE_MEDIA_ROOT must lie outside MEDIA_ROOT: everything under MEDIA_ROOT is public.",
            hint="Set PRIVATE_MEDIA_ROOT to a folder such as /srv/lms/private.", id="lms.E102"))
    if getattr(settings, "MEDIA_STORAGE", "filesystem") == "s3" and serve_mode() == "nginx":
        errors.append(checks.Error(
            "PRIVATE_MEDIA_SERVE=nginx needs private files on a filesystem nginx reads; with MEDIA_STORAGE=s3 "
            "set PRIVATE_MEDIA_SERVE=django.", id="lms.E104"))
    if serve_mode() not in SERVE_MODES:
        errors.append(checks.Error(f"PRIVATE_MEDIA_SERVE must be one of {SERVE_MODES}.", id="lms.E103"))
    return errors
