"""Two writers at once, outside the app's own turn-taking."""

import threading

from django.db import connections, transaction


def write_beside(first, second):
    """Runs `first()` in a transaction and, once it has written, `second()` in
    another transaction on another connection; the first commits after giving
    the second half a second to start waiting for it. Returns the second's
    errors (none expected)."""
    first_wrote = threading.Event()
    errors = []

    def run_second():
        try:
            first_wrote.wait()
            with transaction.atomic():
                second()
        except Exception as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)
        finally:
            connections.close_all()

    other = threading.Thread(target=run_second)
    other.start()
    with transaction.atomic():
        first()
        first_wrote.set()
        other.join(timeout=0.5)  # the second is now waiting for this one
    other.join(timeout=10)
    return errors
