"""Ingestion: every input format, encodings, folders and globs, and every kind of bad input.

All texts here are invented for the tests (fictional ministers, outlets and places).
"""

from __future__ import annotations

import json
import os
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from multivector import IngestOptions, read_articles
from multivector.cli import app
from multivector.ingest import FALLBACK_ENCODINGS, decode, expand_paths, human_size, read_path
from multivector.records import Article, Skip

BODY = (
    "The foreign minister of Norland met her counterpart from Ostravia on Monday.\n"
    "Both sides agreed to open a second border crossing before the winter.\n"
)
HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Ferry talks resume | Harbour Gazette</title>
<meta property="og:title" content="Ferry talks resume">
<meta property="og:site_name" content="Harbour Gazette">
{date}
</head><body><nav>Home | World | Sport | Contact</nav>
<article><h1>Ferry talks resume</h1>
<p>Negotiators from Norland and Ostravia resumed talks on a ferry line across the bay.</p>
<p>"We want the first boats to sail in spring," the Norland delegate told the Harbour Gazette.</p>
<p>The line would run for 140 km and link two ports closed to each other for years.</p>
</article><footer>All rights reserved. Harbour Gazette, Westport.</footer></body></html>
"""
DATE_META = '<meta property="article:published_time" content="2024-03-05T10:00:00Z">'
RUSSIAN = (
    "Министр иностранных дел заявил, что страна продолжит сотрудничество с соседями.\n"
    "Переговоры пройдут в столице в следующем месяце, сообщили в ведомстве.\n"
)
UNDECODABLE = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x01, 0x02, 0x7F]) * 100


def read(*paths: Path | str, **options: object) -> list[Article | Skip]:
    return list(read_articles(paths, IngestOptions(**options)))  # type: ignore[arg-type]


def only_article(*paths: Path | str, **options: object) -> Article:
    items = read(*paths, **options)
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def html_response(url: str, body: bytes, ctype: str = "text/html; charset=utf-8") -> tuple:
    return url, ctype, body


def write_warc(path: Path, records: list[tuple[str, str, bytes]], *, gz: bool) -> Path:
    """A WARC with a request record and one response record per (url, content type, body)."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for url, ctype, body in records:
            request = writer.create_warc_record(
                url,
                "request",
                http_headers=StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True),
            )
            writer.write_record(request)
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                # length given, or warcio spools the payload to a temp file it never closes
                writer.create_warc_record(
                    url, "response", payload=BytesIO(body), length=len(body), http_headers=headers
                )
            )
    return path


# --- .txt -------------------------------------------------------------------------------------


def test_txt_title_is_first_line_and_text_is_the_file(write_file):
    path = write_file("ferry.txt", "\n\n  Border crossing agreed  \n" + BODY)
    article = only_article(path)
    assert article.title == "Border crossing agreed"
    assert article.text == path.read_bytes().decode("utf-8")
    assert (article.doc, article.path, article.format) == ("ferry.txt", str(path), "txt")
    assert (article.encoding, article.language, article.published) == ("utf-8", "en", None)
    assert len(article.id) == 32


def test_txt_title_skips_site_chrome(write_file):
    path = write_file("a.txt", "Harbour Gazette\nNews\nBorder crossing agreed\n" + BODY)
    article = only_article(path)
    assert article.title == "Border crossing agreed"
    assert article.source == "Harbour Gazette"


def test_txt_crlf_is_kept_and_offsets_point_into_it(write_file):
    raw = "Border crossing agreed\r\n" + BODY.replace("\n", "\r\n") + "Back to news »\r\n"
    path = write_file("crlf.txt", raw.encode("utf-8"))
    article = only_article(path)
    assert article.text == raw
    assert article.text.count("\r") == 4
    assert article.title == "Border crossing agreed"
    (chrome,) = article.boilerplate
    assert article.text[chrome.start : chrome.end] == "Back to news »"


def test_txt_byte_order_mark_stays_in_text_not_in_title(write_file):
    path = write_file("bom.txt", b"\xef\xbb\xbfBorder crossing agreed\n" + BODY.encode())
    article = only_article(path)
    assert article.text.startswith("\ufeff")
    assert article.title == "Border crossing agreed"


def test_user_supplied_date_fills_only_missing_dates(write_file):
    path = write_file("a.txt", "Border crossing agreed\n" + BODY)
    assert only_article(path).published is None
    assert only_article(path, published="2024-01-02").published == "2024-01-02"


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_russian_legacy_encodings_are_detected(write_file, encoding):
    text = "Переговоры о пароме\n" + RUSSIAN
    article = only_article(write_file(f"ru-{encoding}.txt", text.encode(encoding)))
    assert article.text == text
    assert article.encoding == encoding
    assert article.title == "Переговоры о пароме"
    assert article.language == "ru"


def test_latin1_text_is_decoded(write_file):
    text = "Le ministre a déclaré que la coopération était très importante pour l'été à Genève.\n"
    article = only_article(write_file("fr.txt", text.encode("latin-1")))
    assert article.text == text
    # Every byte here means the same in latin-1 and cp1252; either name is a correct record.
    assert article.encoding in {"latin_1", "cp1252"}
    assert article.language == "fr"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_byte_order_mark(write_file, codec):
    text = "Border crossing agreed\r\n" + BODY
    bom = "\ufeff".encode(codec)
    article = only_article(write_file(f"{codec}.txt", bom + text.encode(codec)))
    assert (article.text, article.encoding) == (text, "utf-16")
    assert article.title == "Border crossing agreed"


def test_utf8_is_preferred(write_file):
    article = only_article(write_file("ru.txt", ("Заголовок\n" + RUSSIAN).encode("utf-8")))
    assert article.encoding == "utf-8"


def test_decode_restricted_to_plausible_encodings():
    assert "utf_16" not in FALLBACK_ENCODINGS
    with pytest.raises(Exception, match="cannot decode text"):
        decode(UNDECODABLE, "x")


# --- .html ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_main_text_and_metadata(write_file, suffix):
    path = write_file(f"ferry{suffix}", HTML.format(date=DATE_META))
    article = only_article(path)
    assert article.title == "Ferry talks resume"
    assert article.source == "Harbour Gazette"
    assert article.published == "2024-03-05"
    assert article.format == "html"
    assert "resumed talks on a ferry line" in article.text
    assert "140 km" in article.text
    assert "Home | World" not in article.text
    assert "All rights reserved" not in article.text


def test_html_without_date_has_null_published(write_file):
    article = only_article(write_file("nodate.html", HTML.format(date="")))
    assert article.published is None
    assert article.title == "Ferry talks resume"


def test_html_in_cp1251_records_encoding(write_file):
    html = (
        "<html><head><title>Паром</title></head><body><article><p>"
        + RUSSIAN.replace("\n", "</p><p>")
        + "</p></article></body></html>"
    )
    article = only_article(write_file("ru.html", html.encode("cp1251")))
    assert article.encoding == "cp1251"
    assert "Министр иностранных дел" in article.text


# --- .json / .jsonl ---------------------------------------------------------------------------


def test_json_object(write_file):
    obj = {
        "text": BODY,
        "title": "Crossing",
        "source": "Harbour Gazette",
        "published": "2023-11-30T08:00:00Z",
        "url": "https://gazette.example/crossing",
    }
    article = only_article(write_file("one.json", json.dumps(obj)))
    assert (article.title, article.source, article.published) == (
        "Crossing",
        "Harbour Gazette",
        "2023-11-30",
    )
    assert article.doc == "https://gazette.example/crossing"
    assert article.text == BODY
    assert article.format == "json"


def test_json_list_and_articles_key(write_file):
    items = [{"id": "n-1", "text": BODY}, {"text": "Second piece.\nIt has a body of its own."}]
    listed = read(write_file("list.json", json.dumps(items)))
    wrapped = read(write_file("wrapped.json", json.dumps({"articles": items})))
    assert [a.doc for a in listed] == ["n-1", "list.json#2"]
    assert [a.doc for a in wrapped] == ["n-1", "wrapped.json#2"]
    assert all(isinstance(a, Article) for a in listed + wrapped)


def test_jsonl_doc_is_id_or_url(write_file):
    lines = [
        {"id": "kz-001", "text": BODY, "published": "2024-05-06"},
        {"url": "https://gazette.example/b", "text": "Another report.\nWith a body."},
        {"text": "No identifier here.\nJust text."},
    ]
    path = write_file("feed.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    articles = read(path)
    assert [a.doc for a in articles] == ["kz-001", "https://gazette.example/b", "feed.jsonl:3"]
    assert [a.published for a in articles] == ["2024-05-06", None, None]
    assert articles[1].url == "https://gazette.example/b"
    assert {a.format for a in articles} == {"jsonl"}


def test_jsonl_in_extract_output_carries_text(runner, write_file):
    path = write_file("feed.jsonl", json.dumps({"id": "x1", "text": BODY}) + "\n")
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["doc"] == "x1"
    assert record["text"] == BODY


# --- .warc / .warc.gz -------------------------------------------------------------------------


@pytest.mark.parametrize("name,gz", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_warc_html_responses_only(tmp_path, name, gz):
    path = write_warc(
        tmp_path / name,
        [
            (
                "https://gazette.example/ferry",
                "text/html; charset=utf-8",
                HTML.format(date=DATE_META).encode(),
            ),
            ("https://gazette.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x01" * 50),
            (
                "https://gazette.example/data.json",
                "application/json",
                b'{"text": "not an article"}',
            ),
        ],
        gz=gz,
    )
    article = only_article(path)
    assert article.doc == article.url == "https://gazette.example/ferry"
    assert article.format == "warc"
    assert (article.title, article.published) == ("Ferry talks resume", "2024-03-05")
    assert "ferry line" in article.text


def test_warc_bad_record_is_skipped_and_rest_read(tmp_path):
    path = write_warc(
        tmp_path / "mixed.warc.gz",
        [
            (
                "https://gazette.example/empty",
                "text/html",
                b"<html><body><div></div></body></html>",
            ),
            ("https://gazette.example/ferry", "text/html", HTML.format(date="").encode()),
        ],
        gz=True,
    )
    skip, article = read(path)
    assert isinstance(skip, Skip) and isinstance(article, Article)
    assert skip.message == (
        f"{path} [https://gazette.example/empty]: skipped: "
        "no article text found in the HTML (malformed or empty page)"
    )


# --- folders and globs ------------------------------------------------------------------------


def test_folder_is_read_recursively_in_sorted_order(tmp_path, write_file):
    write_file("corpus/b.txt", "Bee\n" + BODY)
    write_file("corpus/a/z.txt", "Zed\n" + BODY + "z")
    write_file("corpus/a/y.jsonl", json.dumps({"id": "y", "text": BODY + "y"}) + "\n")
    write_file("corpus/.hidden/h.txt", "Hidden\n" + BODY)
    write_file("corpus/.h.txt", "Hidden file\n" + BODY)
    write_file("corpus/README.md", "# not an article\n")
    items = read(tmp_path / "corpus")
    assert [i.doc for i in items] == ["b.txt", "y", "z.txt"]  # files, then sub-folders
    assert all(isinstance(i, Article) for i in items)


def test_glob_patterns(tmp_path, write_file):
    for name in ("x/one.txt", "x/two.txt", "x/deep/three.txt", "x/four.html"):
        write_file(name, "Title " + name + "\n" + BODY)
    flat = read(str(tmp_path / "x" / "*.txt"))
    deep = read(str(tmp_path / "x" / "**" / "*.txt"))
    assert [a.doc for a in flat] == ["one.txt", "two.txt"]
    assert sorted(a.doc for a in deep) == ["one.txt", "three.txt", "two.txt"]


def test_expand_paths_reports_arguments_that_yield_nothing(tmp_path, write_file):
    write_file("empty-folder/notes.md", "notes")
    items = list(expand_paths([tmp_path / "empty-folder", str(tmp_path / "*.pdf")]))
    assert [i.message for i in items] == [  # type: ignore[union-attr]
        f"{tmp_path / 'empty-folder'}: skipped: "
        "folder holds no .txt, .html, .json, .jsonl or .warc files",
        f"{tmp_path / '*.pdf'}: skipped: no such file, folder or matching pattern",
    ]


# --- bad input: one exact line on stderr, the rest still read, exit 1 ------------------------

DECODE_FAIL = (
    "cannot decode text: not UTF-8 and no plausible encoding among "
    "cp1251, koi8_r, cp1252, latin_1, iso8859_5, mac_cyrillic"
)
NO_HTML_TEXT = "no article text found in the HTML (malformed or empty page)"

BAD_FILES = [
    (
        "binary.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "binary file (contains NUL bytes), not text",
    ),
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\r\n\t\n", "empty file"),
    ("bom-only.txt", b"\xef\xbb\xbf\r\n", "empty file"),
    ("utf16-blank.txt", "\ufeff \n".encode("utf-16-le"), "empty file"),
    (
        "utf16-odd.txt",
        b"\xff\xfeA\x00B",
        "cannot decode text: starts with a UTF-16 byte-order mark but is not UTF-16",
    ),
    ("mojibake.txt", UNDECODABLE, DECODE_FAIL),
    ("empty-page.html", b"<html><head></head><body><div></div></body></html>", NO_HTML_TEXT),
    ("broken.html", b"<<<>>> <html <body", NO_HTML_TEXT),
    ("binary.html", b"\x00\x01\x02GIF89a", "binary file (contains NUL bytes), not text"),
    ("notext.json", b'{"title": "A title but no text"}', "no 'text' field (or it is empty)"),
    ("blanktext.json", b'{"text": "   "}', "no 'text' field (or it is empty)"),
    ("number.json", b"42", "expected a JSON object with a 'text' field"),
    (
        "truncated.json",
        b'{"text": "cut',
        "invalid JSON (Unterminated string starting at: line 1 column 10)",
    ),
    ("nothing.json", b"[]", "empty JSON list, no articles"),
    ("empty.jsonl", b"\n\n", "empty file"),
    ("notes.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    (
        "junk.warc",
        b"this is not a web archive at all\n" * 3,
        "not a readable WARC archive (found other data where a WARC record should start)",
    ),
]


@pytest.mark.parametrize("name,content,reason", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gets_one_exact_line_and_run_goes_on(runner, write_file, name, content, reason):
    good = write_file("corpus/good.txt", "Border crossing agreed\n" + BODY)
    bad = write_file(f"corpus/{name}", content)
    result = runner.invoke(app, ["extract", str(bad), str(good)])
    assert result.stderr.splitlines() == [f"{bad}: skipped: {reason}"]
    assert [json.loads(line)["doc"] for line in result.stdout.splitlines()] == ["good.txt"]
    assert result.exit_code == 1


def test_bad_file_inside_folder_is_reported_too(runner, write_file, tmp_path):
    write_file("corpus/a.txt", "Border crossing agreed\n" + BODY)
    bad = write_file("corpus/b.txt", b"")
    write_file("corpus/c.txt", "Ferry talks resume\n" + BODY)
    result = runner.invoke(app, ["extract", str(tmp_path / "corpus")])
    assert result.stderr == f"{bad}: skipped: empty file\n"
    assert len(result.stdout.splitlines()) == 2
    assert result.exit_code == 1


def test_json_list_item_without_text_is_named(runner, write_file):
    path = write_file("list.json", json.dumps([{"text": BODY}, {"title": "no text"}, "x"]))
    result = runner.invoke(app, ["extract", str(path)])
    assert result.stderr.splitlines() == [
        f"{path}: skipped: item 2: no 'text' field (or it is empty)",
        f"{path}: skipped: item 3: expected a JSON object with a 'text' field",
    ]
    assert len(result.stdout.splitlines()) == 1
    assert result.exit_code == 1


def test_malformed_jsonl_lines_name_the_line_and_the_rest_is_read(runner, write_file):
    lines = [
        json.dumps({"id": "a", "text": BODY}),
        '{"id": "b", "text": "unterminated',
        "",
        json.dumps({"id": "c"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "d", "text": "Last one.\nStill read."}),
    ]
    path = write_file("feed.jsonl", ("\n".join(lines) + "\n").encode() + b"\xff\xfe\n")
    result = runner.invoke(app, ["extract", str(path)])
    assert result.stderr.splitlines() == [
        f"{path}:2: skipped: invalid JSON (Unterminated string starting at: column 21)",
        f"{path}:4: skipped: no 'text' field (or it is empty)",
        f"{path}:5: skipped: expected a JSON object with a 'text' field",
        f"{path}:7: skipped: line is not UTF-8",
    ]
    assert [json.loads(x)["doc"] for x in result.stdout.splitlines()] == ["a", "d"]
    assert result.exit_code == 1


def test_dangling_symlink_is_a_vanished_file(runner, write_file, tmp_path):
    good = write_file("good.txt", "Border crossing agreed\n" + BODY)
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "deleted-long-ago.txt")
    result = runner.invoke(app, ["extract", str(link), str(good)])
    assert result.stderr == f"{link}: skipped: file vanished before it could be read\n"
    assert result.exit_code == 1
    folder = runner.invoke(app, ["extract", str(tmp_path)])
    assert folder.stderr == f"{link}: skipped: file vanished before it could be read\n"
    assert len(folder.stdout.splitlines()) == 1


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".warc"])
def test_file_vanishing_between_listing_and_reading(write_file, tmp_path, suffix):
    path = write_file(f"soon-gone{suffix}", "Title\n" + BODY)
    items = []
    for item in expand_paths([tmp_path]):
        os.remove(item)  # type: ignore[arg-type]
        items.extend(read_path(item, IngestOptions()))  # type: ignore[arg-type]
    assert [i.message for i in items] == [  # type: ignore[union-attr]
        f"{path}: skipped: file vanished before it could be read"
    ]


@pytest.mark.parametrize("suffix", [".txt", ".html", ".json", ".jsonl", ".warc.gz"])
def test_unreadable_file(runner, write_file, monkeypatch, suffix):
    # chmod 000 does not stop root, so make the read itself fail as it would for a user.
    path = write_file(f"locked{suffix}", "Title\n" + BODY)
    real_open, real_read = Path.open, Path.read_bytes

    def denied(self: Path, *args: object, **kwargs: object):
        if self.name == path.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    def denied_read(self: Path) -> bytes:
        if self.name == path.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "open", denied)
    monkeypatch.setattr(Path, "read_bytes", denied_read)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.stderr == f"{path}: skipped: cannot read file (Permission denied)\n"
    assert result.exit_code == 1


def test_file_over_size_limit(runner, write_file):
    big = write_file("big.txt", "Long report\n" + "word " * 400)  # 2,012 bytes
    small = write_file("small.txt", "Short report\n" + BODY)
    result = runner.invoke(app, ["extract", "--max-size", "0.001", str(big), str(small)])
    assert result.stderr == (
        f"{big}: skipped: file is 2.0 kB, over the 1.0 kB limit (raise it with --max-size)\n"
    )
    assert [json.loads(x)["doc"] for x in result.stdout.splitlines()] == ["small.txt"]
    assert result.exit_code == 1


def test_jsonl_size_limit_is_per_line(runner, write_file):
    path = write_file(
        "feed.jsonl",
        "\n".join(
            [
                json.dumps({"id": "big", "text": "word " * 400}),
                json.dumps({"id": "ok", "text": BODY}),
            ]
        ),
    )
    result = runner.invoke(app, ["extract", "--max-size", "0.001", str(path)])
    assert result.stderr == (
        f"{path}:1: skipped: line is 2.0 kB, over the 1.0 kB limit (raise it with --max-size)\n"
    )
    assert [json.loads(x)["doc"] for x in result.stdout.splitlines()] == ["ok"]


def test_warc_size_limit_is_per_record(runner, tmp_path):
    big_page = HTML.format(date="").replace(
        "</article>", "<p>" + "More words. " * 200 + "</p></article>"
    )
    path = write_warc(
        tmp_path / "c.warc.gz",
        [
            ("https://gazette.example/big", "text/html", big_page.encode()),
            ("https://gazette.example/ok", "text/html", HTML.format(date="").encode()),
        ],
        gz=True,
    )
    result = runner.invoke(app, ["extract", "--max-size", "0.002", str(path)])
    assert result.stderr == (
        f"{path} [https://gazette.example/big]: skipped: record is over the 2.0 kB limit "
        "(raise it with --max-size)\n"
    )
    assert [json.loads(x)["doc"] for x in result.stdout.splitlines()] == [
        "https://gazette.example/ok"
    ]


def test_nonexistent_path(runner, write_file, tmp_path):
    good = write_file("good.txt", "Border crossing agreed\n" + BODY)
    missing = tmp_path / "no-such-file.txt"
    result = runner.invoke(app, ["extract", str(missing), str(good)])
    assert result.stderr == f"{missing}: skipped: no such file, folder or matching pattern\n"
    assert len(result.stdout.splitlines()) == 1
    assert result.exit_code == 1


def test_everything_read_exits_zero(runner, write_file):
    result = runner.invoke(app, ["extract", str(write_file("a.txt", "Title\n" + BODY))])
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize(
    "args,message",
    [
        (["extract"], "Missing argument"),
        (["extract", "x.txt", "--format", "xml"], "--format 'xml' is not supported; use jsonl"),
        (["extract", "x.txt", "--published", "last week"], "is not a date; use YYYY-MM-DD"),
        (["extract", "x.txt", "--max-size", "0"], "--max-size"),
        (["extract", "x.txt", "--no-such-option"], "No such option"),
        (["analyze", "x.txt", "--batch-size", "0"], "--batch-size"),
        (["articles", "--db", "definitely-missing.db"], "no such database"),
        (["no-such-command"], "No such command"),
        (["extract", "x.txt", "--out", "no/such/folder/o.jsonl"], "cannot write there"),
    ],
)
def test_usage_errors_exit_2(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "n,text",
    [
        (0, "0 bytes"),
        (999, "999 bytes"),
        (1000, "1.0 kB"),
        (2_500_000, "2.5 MB"),
        (50_000_000, "50.0 MB"),
    ],
)
def test_human_size(n, text):
    assert human_size(n) == text


def test_warc_cut_short_or_with_trailing_garbage(runner, tmp_path):
    page = ("https://gazette.example/ferry", "text/html", HTML.format(date="").encode())
    whole = write_warc(tmp_path / "whole.warc", [page], gz=False).read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole[: len(whole) - 200])
    trailing = tmp_path / "trailing.warc"
    trailing.write_bytes(whole + b"garbage where a record should be\n")
    result = runner.invoke(app, ["extract", str(cut), str(trailing)])
    assert result.stderr.splitlines() == [
        f"{cut} [https://gazette.example/ferry]: skipped: record is cut short "
        "(the archive ends inside it)",
        f"{trailing}: skipped: not a readable WARC archive "
        "(Invalid WARC record, first line: garbage where a record should be)",
    ]
    assert [json.loads(x)["doc"] for x in result.stdout.splitlines()] == [
        "https://gazette.example/ferry"
    ]
    assert result.exit_code == 1


def test_unlistable_subfolder_is_reported(runner, write_file, tmp_path, monkeypatch):
    write_file("c/a.txt", "Border crossing agreed\n" + BODY)
    write_file("c/locked/b.txt", "Ferry talks resume\n" + BODY)
    locked = tmp_path / "c" / "locked"
    real_scandir = os.scandir

    def scandir(path="."):  # chmod does not stop root; fail the listing itself
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = runner.invoke(app, ["extract", str(tmp_path / "c")])
    assert result.stderr == f"{locked}: skipped: cannot read folder (Permission denied)\n"
    assert [json.loads(x)["doc"] for x in result.stdout.splitlines()] == ["a.txt"]
    assert result.exit_code == 1


def test_named_pipe_is_refused_not_read(runner, write_file, tmp_path):
    good = write_file("c/a.txt", "Border crossing agreed\n" + BODY)
    fifo = tmp_path / "c" / "feed.jsonl"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    result = runner.invoke(app, ["extract", str(tmp_path / "c")])
    assert result.stderr == f"{fifo}: skipped: not a regular file (a pipe, socket or device)\n"
    assert [json.loads(x)["path"] for x in result.stdout.splitlines()] == [str(good)]
    assert result.exit_code == 1
