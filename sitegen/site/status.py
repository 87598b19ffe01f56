"""`status.json`: each source's health (read from the store by the build, see store/health.py)."""

from __future__ import annotations

import json

from sitegen.store.health import SourceStatus


def status_json(statuses: tuple[SourceStatus, ...], digest: dict[str, object] | None = None) -> bytes:
    document: dict[str, object] = {
        "sources": [
            {
                "name": s.name,
                "label": s.label,
                "last_success": s.last_success.isoformat() if s.last_success else None,
                "last_error": (
                    {"day": s.last_error.day.isoformat(), "error": s.last_error.error, "at": s.last_error.at}
                    if s.last_error
                    else None
                ),
                "coverage": s.counts,
                "papers": s.papers,
                "days": {day.isoformat(): health.to_json() for day, health in s.days},
            }
            for s in statuses
        ]
    }
    if digest is not None:
        document["digest"] = digest
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
