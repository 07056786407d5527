"""Files in, articles out: one streaming pass over a corpus of .txt, .html, .json(l) and .warc.

`read_articles` yields an `Article` for every article it can read and a `Skip` for every
file (or line, or WARC record) it cannot, in a stable order, holding at most one file's
worth of text in memory (JSONL and WARC are read record by record). Nothing is invented:
a date that nothing states is None.
"""

from __future__ import annotations

import codecs
import contextlib
import glob
import gzip
import io
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from .clean import ChromeRules, analyse_layout
from .errors import InputError
from .language import detect_language
from .records import Article, Skip, content_hash

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: Encodings the detector may choose among when a file is not UTF-8.
FALLBACK_ENCODINGS = ("cp1251", "koi8_r", "cp1252", "latin_1", "iso8859_5", "mac_cyrillic")
TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html"}
RECORD_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".warc": "warc"}
READABLE = ".txt, .html, .json, .jsonl or .warc"
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
)

Item = Article | Skip


@dataclass(frozen=True)
class IngestOptions:
    """How to read a corpus. `published` is a user-supplied date for articles that state none."""

    max_bytes: int = DEFAULT_MAX_BYTES
    published: str | None = None
    chrome: ChromeRules = field(default_factory=ChromeRules.load)
    #: (st_dev, st_ino) of files never to read: the run's own output, which would otherwise
    #: be read back while it is written (`extract corpus > corpus/out.jsonl` never ends).
    exclude: frozenset[tuple[int, int]] = frozenset()


def file_format(path: Path) -> str | None:
    """The reader a file needs, by its name; None for files multivector does not read."""
    name = path.name.lower()
    if name.endswith((".warc.gz", ".warc")):
        return "warc"
    return TEXT_SUFFIXES.get(path.suffix.lower()) or RECORD_SUFFIXES.get(path.suffix.lower())


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | Skip]:
    """Files named by each argument: a file, a folder (recursive, sorted) or a glob pattern.

    A file named explicitly is always yielded (its reader reports it if it is unusable,
    even a dangling symlink); folders and patterns yield only the files multivector reads,
    so a README beside the articles is not an error. An argument that yields nothing at
    all is reported.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = False
            unlisted: list[OSError] = []  # os.walk drops folders it cannot list unless told
            for root, dirs, files in os.walk(path, onerror=unlisted.append):
                yield from _folder_skips(unlisted)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    candidate = Path(root) / name
                    if not name.startswith(".") and file_format(candidate) is not None:
                        found = True
                        yield candidate
            yield from _folder_skips(unlisted)
            if not found:
                yield Skip(str(raw), f"folder holds no {READABLE} files")
        elif path.exists() or path.is_symlink():
            yield path
        else:
            matches = sorted(glob.glob(str(raw), recursive=True))
            if not matches:
                yield Skip(str(raw), "no such file, folder or matching pattern")
                continue
            readable = [Path(m) for m in matches if not Path(m).is_dir() and file_format(Path(m))]
            if not readable:
                yield Skip(str(raw), f"pattern matches no {READABLE} files")
            yield from readable


def _folder_skips(errors: list[OSError]) -> Iterator[Skip]:
    while errors:
        exc = errors.pop(0)
        yield Skip(str(exc.filename), f"cannot read folder ({exc.strerror or exc})")


def parse_date(value: Any) -> str | None:
    """An ISO date from a metadata value, or None when it cannot be read for sure."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 first, then the most plausible of FALLBACK_ENCODINGS.

    UTF-16 is read only when the file says so with a byte-order mark (Windows "Unicode"
    text); otherwise its NUL bytes mark the file as binary.
    """
    text, encoding = _decode(data, source)
    if not text.strip().lstrip("\ufeff").strip():
        raise InputError(source, "empty file")
    return text, encoding


def _decode(data: bytes, source: str) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError(
                source, "cannot decode text: starts with a UTF-16 byte-order mark but is not UTF-16"
            ) from None
    if b"\x00" in data[:8192]:
        raise InputError(source, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(FALLBACK_ENCODINGS)).best()
    if best is None or best.encoding is None:
        raise InputError(
            source,
            "cannot decode text: not UTF-8 and no plausible encoding among "
            + ", ".join(FALLBACK_ENCODINGS),
        )
    return str(best), best.encoding


def human_size(n: float) -> str:
    """A byte count as people read it: 812 bytes, 3.4 kB, 51.2 MB."""
    if n < 1000:
        return f"{n:,.0f} bytes"
    if n < 1_000_000:
        return f"{n / 1000:,.1f} kB"
    return f"{n / 1_000_000:,.1f} MB"


def _too_big(size: int, max_bytes: int, what: str = "file") -> str:
    limit = human_size(max_bytes)
    return f"{what} is {human_size(size)}, over the {limit} limit (raise it with --max-size)"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file vanished before it could be read"
    return f"cannot read file ({exc.strerror or exc})"


def _read_file(path: Path, max_bytes: int) -> bytes:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(source, _too_big(size, max_bytes))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(source, _os_reason(exc)) from None
    if len(data) > max_bytes:  # it grew after the check
        raise InputError(source, _too_big(len(data), max_bytes))
    return data  # `decode` tells an empty (or blank) file


def build_article(
    text: str,
    *,
    doc: str,
    path: str,
    fmt: str,
    options: IngestOptions,
    title: str | None = None,
    source: str | None = None,
    published: str | None = None,
    encoding: str | None = None,
    url: str | None = None,
) -> Article:
    """An Article with chrome, headline and outlet found in the text, metadata taking priority."""
    layout = analyse_layout(text, options.chrome)
    return Article(
        id=content_hash(text),
        doc=doc,
        path=path,
        text=text,
        title=title or layout.title,
        source=source or layout.source,
        published=published or options.published,
        language=detect_language(text),
        encoding=encoding,
        format=fmt,
        url=url,
        boilerplate=layout.boilerplate,
    )


def _read_txt(path: Path, options: IngestOptions) -> Iterator[Item]:
    text, encoding = decode(_read_file(path, options.max_bytes), str(path))
    yield build_article(
        text, doc=path.name, path=str(path), fmt="txt", encoding=encoding, options=options
    )


def _html_article(
    html: str,
    *,
    doc: str,
    path: str,
    fmt: str,
    encoding: str,
    options: IngestOptions,
    url: str | None = None,
) -> Article:
    from trafilatura import bare_extraction

    result = bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(result, "text", None) if result is not None else None
    if not text or not any(ch.isalpha() for ch in text):
        raise InputError(path, "no article text found in the HTML (malformed or empty page)")
    return build_article(
        text,
        doc=doc,
        path=path,
        fmt=fmt,
        options=options,
        title=getattr(result, "title", None),
        source=getattr(result, "sitename", None),
        published=parse_date(getattr(result, "date", None)),
        encoding=encoding,
        url=url or getattr(result, "url", None),
    )


def _read_html(path: Path, options: IngestOptions) -> Iterator[Item]:
    html, encoding = decode(_read_file(path, options.max_bytes), str(path))
    yield _html_article(
        html, doc=path.name, path=str(path), fmt="html", encoding=encoding, options=options
    )


def _json_article(
    obj: Any,
    *,
    path: Path,
    line: int | None,
    options: IngestOptions,
    item: int | None = None,
    encoding: str = "utf-8",
) -> Article:
    """One article from a JSON object; `line` (JSONL) or `item` (JSON list, 1-based) locate it."""
    where = f"item {item}: " if item is not None else ""
    if not isinstance(obj, dict):
        raise InputError(str(path), f"{where}expected a JSON object with a 'text' field", line=line)
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(str(path), f"{where}no 'text' field (or it is empty)", line=line)
    fallback = f"{path.name}:{line}" if line else f"{path.name}#{item}" if item else path.name
    doc = obj.get("id") or obj.get("url") or fallback
    return build_article(
        text,
        doc=str(doc),
        path=str(path),
        fmt="jsonl" if line else "json",
        options=options,
        title=obj.get("title") or None,
        source=obj.get("source") or None,
        published=parse_date(obj.get("published")),
        encoding=encoding,
        url=obj.get("url") or None,
    )


def _read_json(path: Path, options: IngestOptions) -> Iterator[Item]:
    text, encoding = decode(_read_file(path, options.max_bytes), str(path))
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError(
            str(path), f"invalid JSON ({exc.msg}: line {exc.lineno} column {exc.colno})"
        ) from None
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, list):
        if not data:
            raise InputError(str(path), "empty JSON list, no articles")
        numbered: list[tuple[int | None, Any]] = list(enumerate(data, start=1))
    else:
        numbered = [(None, data)]
    for item, obj in numbered:
        try:
            yield _json_article(
                obj, path=path, line=None, options=options, item=item, encoding=encoding
            )
        except InputError as exc:
            yield Skip(exc.source, exc.reason, exc.line)


def _read_jsonl(path: Path, options: IngestOptions) -> Iterator[Item]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(str(path), _os_reason(exc)) from None
    seen_any = False
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            seen_any = True
            try:
                if len(raw) > options.max_bytes:
                    raise InputError(
                        str(path), _too_big(len(raw), options.max_bytes, "line"), line=number
                    )
                try:
                    line = raw.rstrip(b"\r\n").decode("utf-8-sig" if number == 1 else "utf-8")
                    obj = json.loads(line)
                except UnicodeDecodeError:
                    raise InputError(str(path), "line is not UTF-8", line=number) from None
                except json.JSONDecodeError as exc:
                    raise InputError(
                        str(path), f"invalid JSON ({exc.msg}: column {exc.colno})", line=number
                    ) from None
                yield _json_article(obj, path=path, line=number, options=options)
            except InputError as exc:
                yield Skip(exc.source, exc.reason, exc.line)
    if not seen_any:
        raise InputError(str(path), "empty file")


def _read_warc(path: Path, options: IngestOptions) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found = False
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise InputError(str(path), _os_reason(exc)) from None
    complaints = io.StringIO()
    try:
        with stream:
            for record in _quiet_records(ArchiveIterator(stream), complaints):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                ctype = record.http_headers.get_header("Content-Type") or ""
                if "html" not in ctype.lower():
                    continue
                found = True
                url = record.rec_headers.get_header("WARC-Target-URI")
                payload = record.content_stream().read(options.max_bytes + 1)
                try:
                    if len(payload) > options.max_bytes:
                        raise InputError(
                            f"{path} [{url}]",
                            f"record is over the {human_size(options.max_bytes)} limit "
                            "(raise it with --max-size)",
                        )
                    if getattr(record.raw_stream, "limit", 0) > 0:
                        raise InputError(
                            str(path), "record is cut short (the archive ends inside it)"
                        )
                    html, encoding = decode(payload, f"{path} [{url}]")
                    yield _html_article(
                        html,
                        doc=url or path.name,
                        path=str(path),
                        fmt="warc",
                        encoding=encoding,
                        options=options,
                        url=url,
                    )
                except InputError as exc:
                    yield Skip(f"{path} [{url}]", exc.reason)
    except (ArchiveLoadFailed, OSError, EOFError, gzip.BadGzipFile) as exc:
        reason = " ".join(str(exc).split())  # warcio quotes the bad line, newline and all
        raise InputError(str(path), f"not a readable WARC archive ({reason})") from None
    damaged = "found other data where a WARC record should start"
    if not found:
        if complaints.getvalue():
            raise InputError(str(path), f"not a readable WARC archive ({damaged})")
        raise InputError(str(path), "WARC archive holds no HTML responses")
    if complaints.getvalue():
        yield Skip(str(path), f"damaged WARC archive ({damaged}); the readable records were read")


def _quiet_records(records: Iterable[Any], complaints: io.StringIO) -> Iterator[Any]:
    """warcio writes its warnings about damaged archives straight to stderr; keep them out
    of the one-line-per-skip report and let the caller turn them into a skip."""
    iterator = iter(records)
    while True:
        with contextlib.redirect_stderr(complaints):
            record = next(iterator, None)
        if record is None:
            return
        yield record


_READERS = {
    "txt": _read_txt,
    "html": _read_html,
    "json": _read_json,
    "jsonl": _read_jsonl,
    "warc": _read_warc,
}


def read_path(path: Path, options: IngestOptions) -> Iterator[Item]:
    """Articles and skips of one file; never raises for bad input."""
    fmt = file_format(path)
    if fmt is None:
        yield Skip(str(path), f"unsupported file type {path.suffix or '(no extension)'!r}")
        return
    try:
        _check_regular(path)
        yield from _READERS[fmt](path, options)
    except InputError as exc:
        yield Skip(exc.source, exc.reason, exc.line)


def _check_regular(path: Path) -> None:
    """Refuse pipes, sockets and devices named like articles: reading one can block forever."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(str(path), _os_reason(exc)) from None
    if not stat.S_ISREG(mode):
        raise InputError(str(path), "not a regular file (a pipe, socket or device)")


def read_articles(
    paths: Iterable[str | Path], options: IngestOptions | None = None
) -> Iterator[Item]:
    """Every article and skip under `paths`, streamed in a stable order."""
    options = options or IngestOptions()
    for item in expand_paths(paths):
        if isinstance(item, Skip):
            yield item
        elif options.exclude and file_identity(item) in options.exclude:
            yield Skip(str(item), "this is the output file of the run itself")
        else:
            yield from read_path(item, options)


def file_identity(path: str | Path | int) -> tuple[int, int] | None:
    """(device, inode) of a file path or descriptor, to recognise one file under two names."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
