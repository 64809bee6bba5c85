"""Why a transformation failed, as codes the images service and the user can act on.

`retryable` says whether trying again later may succeed (storage down) or never will (a corrupt
source, a crop outside the image): the worker retries only the former and sends the latter to
the dead-letter topic at once.
"""


class TransformError(Exception):
    code = "transform_failed"
    retryable = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.attempts = 1  # how many tries it took to give up


class SourceCorrupt(TransformError):
    code = "source_corrupt"


class SourceTooLarge(TransformError):
    code = "source_too_large"


class UnsupportedFormat(TransformError):
    code = "unsupported_format"


class InvalidOperation(TransformError):
    code = "invalid_operation"


class OutputTooLarge(TransformError):
    code = "output_too_large"


class JobTimedOut(TransformError):
    code = "timeout"


class SourceNotFound(TransformError):
    code = "source_not_found"


class SourceChecksumMismatch(TransformError):
    """The stored source is not the bytes that were verified at upload: rendering it could put
    someone else's content at this content address, so it is refused for good."""

    code = "source_checksum_mismatch"


class WorkerCrashed(TransformError):
    """The libvips process died on this input (a decoder crash): the input is the suspect."""

    code = "worker_crashed"


class StorageUnavailable(TransformError):
    code = "storage_unavailable"
    retryable = True


class InternalError(TransformError):
    """A bug or an unforeseen failure: reported without details (those go to the logs)."""

    code = "internal_error"
