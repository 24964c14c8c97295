"""One JSON object per log event, traceback included, for the operators' log
collector: a multi-line traceback would otherwise arrive as many unrelated lines."""

import datetime
import json
import logging


class JsonFormatter(logging.Formatter):
    def format(self, record):
        event = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat()
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # django.request adds the response's status code (and the request, which
        # holds cookies and is not logged).
        if hasattr(record, "status_code"):
            event["status_code"] = record.status_code
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            event["method"] = request.method
            event["path"] = request.path
        if record.exc_info:
            event["exception"] = record.exc_info[0].__name__
            event["traceback"] = self.formatException(record.exc_info)
        return json.dumps(event, default=str)
