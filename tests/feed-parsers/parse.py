"""Reads one feed document (bytes on stdin) with Python's feedparser and prints what it saw as JSON.

Driven by tests/Shared/Feedparser.cs. Only the stream is parsed: feedparser fetches nothing.
"""
import io
import json
import sys
import time

import feedparser


def when(parsed):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed) if parsed else None


def links(node):
    return [{"rel": l.get("rel"), "href": l.get("href")} for l in node.get("links", [])]


d = feedparser.parse(io.BytesIO(sys.stdin.buffer.read()))
json.dump({
    "version": d.get("version"),
    "bozo": bool(d.get("bozo")),
    "bozo_exception": str(d["bozo_exception"]) if d.get("bozo") else None,
    "feed": {
        "id": d.feed.get("id"),
        "title": d.feed.get("title"),
        "link": d.feed.get("link"),
        "subtitle": d.feed.get("subtitle"),
        "updated": when(d.feed.get("updated_parsed")),
        "links": links(d.feed),
    },
    "entries": [{
        "id": e.get("id"),
        "link": e.get("link"),
        "title": e.get("title"),
        "updated": when(e.get("updated_parsed")),
        "published": when(e.get("published_parsed")),
        "summary": e.get("summary"),
        "content": [c.get("value") for c in e.get("content", [])],
    } for e in d.entries],
}, sys.stdout)
