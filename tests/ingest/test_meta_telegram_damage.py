"""Issue 12, "no record is lost silently": Messenger, Instagram and Telegram exports damaged
the ways real files are (folded HTML, renamed or duplicate JSON keys, half an emoji), built
from the shared fixtures and our own exports. Each case is also run through `greyrock parse`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from greyrock import ingest
from greyrock.cli import app
from greyrock.ingest import _json
from greyrock.model import Kind, Message

HERE = Path(__file__).parent
HTML = HERE / "messenger/html_export/messages/inbox/jordanreyes_10158/message_1.html"
ALICE = "messenger/json_simple/your_activity_across_facebook/messages/inbox/alice_ABC123/message_1.json"


def _read(path: Path, **kwargs: str) -> tuple[list[Message], list[str]]:
    parsed = ingest.parse(path, **kwargs)
    return parsed.sorted(), [str(w) for w in parsed.warnings]


def _cli_ok(path: Path, *args: str) -> list[dict]:
    """`greyrock parse` exits 0 without a traceback; its JSON lines."""
    result = CliRunner().invoke(app, ["parse", str(path), *args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


# --- Messenger HTML: the same boxes, folded and nested differently --------------------------

_BOX = re.compile(
    r'<div class="pam[^"]*"><h2[^>]*>(?P<name>[^<]*)</h2><div class="_3-95 _a6-p">(?P<body>.*?)</div>'
    r'<div class="_3-94 _a6-o">(?P<date>[^<]*)</div></div>'
)
_NAME, _BODY, _DATE = r"\g<name>", r"\g<body>", r"\g<date>"
_VARIANTS = {
    # every box inside two more divs
    "wrapped box": f'<div><div><div class="pam"><h2>{_NAME}</h2><div>{_BODY}</div><div>{_DATE}</div></div></div></div>',
    # sender and body folded into one wrapper, the date beside it
    "sender and body folded": f"<div><section><h2>{_NAME}</h2><div>{_BODY}</div></section><p>{_DATE}</p></div>",
    # body and date folded into one wrapper
    "body and date folded": (
        f"<div><span class=n>{_NAME}</span><div><div>{_BODY}</div><div><b>{_DATE}</b></div></div></div>"
    ),
    # no class names at all, the date wrapped in inline elements
    "no classes, nested date": (
        f"<div><div>{_NAME}</div><div><div><div>{_BODY}</div></div></div><div><span><i>{_DATE}</i></span></div></div>"
    ),
}


def _expected(messages: list[Message]) -> list[tuple[str, str | None, str]]:
    return [(str(m.kind), m.sender, m.body) for m in messages]


@pytest.mark.parametrize("variant", list(_VARIANTS))
def test_html_folding_variants_read_like_the_original(variant: str, tmp_path: Path) -> None:
    original, _ = _read(HTML, me="Sam Okafor")
    source = HTML.read_text()
    changed, boxes = _BOX.subn(_VARIANTS[variant], source)
    assert boxes == 8
    page = tmp_path / "message_1.html"
    page.write_text(changed)
    messages, warnings = _read(page, me="Sam Okafor")
    assert _expected(messages) == _expected(original)
    assert len(messages) == 8 and all(m.body or m.attachments for m in messages)
    assert messages[0].body == "happy new year I guess. you didn't even text me back"
    assert messages[1].extra["reactions"] == [{"reaction": "😂", "actor": "Jordan Reyes"}]
    assert messages[-3].body == "I'm outside.\nCome down or I'm coming up."
    assert not [w for w in warnings if "unparsed" in w]
    assert len(_cli_ok(page, "--me", "Sam Okafor")) == 8


def test_html_body_as_bare_text_or_list_item(tmp_path: Path) -> None:
    """Text standing directly in the box, or in a list item that is not a reaction."""
    source = HTML.read_text()
    happy = "happy new year I guess. you didn&#039;t even text me back"
    box = f"<div><div></div><div>{happy}</div><div></div><div></div></div>"
    bare = source.replace(box, happy.replace(". ", ".<br>"))
    asked = "I asked you not to contact me."
    bare = bare.replace(f"<div><div></div><div>{asked}</div>", f"<div><ul><li>{asked}</li></ul>")
    page = tmp_path / "message_1.html"
    page.write_text(bare)
    messages, _ = _read(page, me="Sam Okafor")
    assert messages[0].body == "happy new year I guess.\nyou didn't even text me back"
    assert messages[1].body == "I asked you not to contact me."
    assert messages[1].extra["reactions"] == [{"reaction": "😂", "actor": "Jordan Reyes"}]


def test_html_date_typed_as_a_message_is_a_message(tmp_path: Path) -> None:
    page = tmp_path / "message_1.html"
    page.write_text(HTML.read_text().replace("I asked you not to contact me.", "Jan 02, 2024 10:15:00 pm"))
    messages, _ = _read(page, me="Sam Okafor")
    assert len(messages) == 8
    assert (str(messages[1].kind), messages[1].sender, messages[1].body) == (
        "message", "Sam Okafor", "Jan 02, 2024 10:15:00 pm"
    )


def test_html_box_without_content_or_between_boxes_is_unparsed(tmp_path: Path) -> None:
    source = HTML.read_text()
    damaged = source.replace("happy new year I guess. you didn&#039;t even text me back", "")
    damaged = damaged.replace("12:02:59 am</div></div>", "12:02:59 am</div></div>call me back")
    page = tmp_path / "message_1.html"
    page.write_text(damaged)
    messages, warnings = _read(page, me="Sam Okafor")
    assert len(messages) == 9
    unparsed = [m for m in messages if m.kind is Kind.UNPARSED]
    assert [m.source.locator for m in unparsed] == ["messages[3]", "messages[8]"]
    stray = next(m for m in unparsed if m.source.locator == "messages[3]")
    assert stray.body == "call me back"
    empty = next(m for m in unparsed if m.source.locator == "messages[8]")
    assert empty.body.startswith('<div class="pam') and "Jordan Reyes" in empty.body
    assert "Jan 02, 2024 10:11:12 pm" in empty.body
    assert any("messages[8]: a message box whose content could not be read" in w for w in warnings)
    assert all(m.body or m.attachments for m in messages)
    assert len(_cli_ok(page, "--me", "Sam Okafor")) == 9


# --- Messenger / Instagram JSON: damaged and duplicate keys, lone surrogates ---------------


def _thread(fixtures: Path) -> dict:
    return json.loads((fixtures / ALICE).read_text())


def test_json_renamed_content_key_is_unparsed_not_empty(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / ALICE).read_text().replace('"content": "See you soon"', '"contnet": "See you soon"')
    path = tmp_path / "message_1.json"
    path.write_text(text)
    messages, warnings = _read(path, me="Test User")
    assert [(str(m.kind), m.body) for m in messages] == [
        ("unparsed", '{"sender_name": "Test User", "timestamp_ms": 1600000120000, "contnet": "See you soon", '
                     '"type": "Generic"}'),
        ("message", "Hello"),
        ("message", "café time?"),  # mojibake still repaired
    ]
    assert any('message_1.json, messages[0]: no message text ("content")' in w for w in warnings)
    rows = _cli_ok(path, "--me", "Test User")
    assert [r["kind"] for r in rows] == ["unparsed", "message", "message"]


def test_json_missing_sender_is_kept_and_named(fixtures: Path, tmp_path: Path) -> None:
    data = _thread(fixtures)
    del data["messages"][1]["sender_name"]
    data["messages"][1]["sendr_name"] = "Alice Example"
    path = tmp_path / "message_1.json"
    path.write_text(json.dumps(data))
    messages, warnings = _read(path, me="Test User")
    cafe = messages[1]
    assert (cafe.body, cafe.sender, str(cafe.direction)) == ("café time?", None, "unknown")
    assert cafe.extra["unread_keys"] == {"sendr_name": "Alice Example"}
    assert any('messages[1]: no sender name ("sender_name")' in w for w in warnings)
    assert len(_cli_ok(path, "--me", "Test User")) == 3


def test_json_duplicate_keys_keep_both_values(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / ALICE).read_text()
    text = text.replace('"content": "Hello",', '"content": "Hello",\n      "content": "I know where you are",')
    text = text.replace('"title": "Alice Example",', '"title": "Alice Example",\n  "title": "Other",')
    path = tmp_path / "message_1.json"
    path.write_text(text)
    messages, warnings = _read(path, me="Test User")
    hello = next(m for m in messages if m.source.locator == "messages[2]")
    assert hello.body == "Hello"
    assert hello.extra["duplicate_keys"] == {"content": ["I know where you are"]}
    assert hello.extra["thread"] == "Alice Example"
    assert [m.body for m in messages if m.kind is Kind.UNPARSED] == ['{"title": "Other"}']
    assert len(messages) == 4
    assert any('message_1.json, messages[2]: the key "content" is written more than once' in w for w in warnings)
    assert any("message_1.json, title: a second value" in w for w in warnings)
    assert len(_cli_ok(path, "--me", "Test User")) == 4


def test_json_second_messages_list_is_read(fixtures: Path, tmp_path: Path) -> None:
    path = fixtures / "instagram" / "test_export.json"
    text = path.read_text().rstrip()
    assert text.endswith("]\n}") or text.endswith("]}")
    extra = ', "messages": [{"sender_name": "John Doe", "timestamp_ms": 1579294200000, "content": "one more"}]}'
    damaged = tmp_path / "test_export.json"
    damaged.write_text(text[:-1].rstrip() + extra)
    messages, _ = _read(damaged, format="instagram", me="Jane Doe")
    assert [(m.body, m.source.locator) for m in messages] == [
        ("Hello John!", "messages[1]"),
        ("Hello Jane!", "messages[0]"),
        ("one more", "messages#2[0]"),
    ]


@pytest.mark.parametrize("fmt", ["messenger", "instagram"])
def test_json_lone_surrogate_becomes_a_replacement_character(fmt: str, fixtures: Path, tmp_path: Path) -> None:
    if fmt == "instagram":
        source, old, new = fixtures / "instagram/test_export.json", '"Hello Jane!"', r'"Hello \ud83d Jane!"'
    else:
        source, old, new = fixtures / ALICE, '"content": "Hello",\n      "type": "Generic"', (
            '"content": "Hello",\n      "type": "Gen\\udc00ric"'
        )
    text = source.read_text()
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1))
    messages, warnings = _read(path, format=fmt)
    if fmt == "instagram":
        assert [m.body for m in messages] == ["Hello John!", "Hello \ufffd Jane!"]
        place = "messages[0].content"
    else:
        assert [m.extra.get("type") for m in messages] == ["Gen\ufffdric", None, None]
        place = "messages[2].type"
    assert any(f"{source.name}, {place}: a lone UTF-16 surrogate" in w for w in warnings)
    rows = _cli_ok(path, "--format", fmt)
    assert len(rows) == (2 if fmt == "instagram" else 3)


def test_json_lone_surrogate_in_an_unparsed_record(fixtures: Path, tmp_path: Path) -> None:
    """The raw JSON of a record that is kept unparsed must be writable too (it crashed)."""
    text = (fixtures / "instagram/test_export.json").read_text()
    path = tmp_path / "test_export.json"
    path.write_text(text.replace("1579294140000", r'"\udc00"'))
    messages, warnings = _read(path, format="instagram")
    unparsed = [m for m in messages if m.kind is Kind.UNPARSED]
    assert [m.body for m in unparsed] == [
        '{"sender_name": "John Doe", "timestamp_ms": "\ufffd", "content": "Hello Jane!"}'
    ]
    assert any("messages[0].timestamp_ms: a lone UTF-16 surrogate" in w for w in warnings)
    assert len(_cli_ok(path, "--format", "instagram")) == 2


def test_json_surrogate_in_a_truncated_thread(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / ALICE).read_text().replace("See you soon", r"See you \ud83d soon")
    path = tmp_path / "message_1.json"
    path.write_text(text[: text.index('"content": "caf')])
    messages, warnings = _read(path, me="Test User")
    assert [m.body for m in messages if m.kind is not Kind.UNPARSED] == ["See you \ufffd soon"]
    assert any("messages[0].content: a lone UTF-16 surrogate" in w for w in warnings)


def test_json_bytes_not_utf8_are_named(fixtures: Path, tmp_path: Path) -> None:
    data = (fixtures / ALICE).read_bytes().replace(b"See you soon", b"See you \xff soon")
    path = tmp_path / "message_1.json"
    path.write_bytes(data)
    messages, warnings = _read(path, me="Test User")
    assert messages[-1].body == "See you \ufffd soon"
    offset = data.index(b"\xff")
    assert any(f"message_1.json, byte {offset}: bytes that are not UTF-8" in w for w in warnings)


# --- Telegram -------------------------------------------------------------------------------

TG = "telegram/test_single_export.json"


def test_telegram_lone_surrogate(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / TG).read_text()
    path = tmp_path / "result.json"
    path.write_text(text.replace('"Minimal Message"', r'"Minimal \ud83d Message"').replace('"Link:"', r'"Li\udc01nk:"'))
    messages, warnings = _read(path)
    assert [m.body for m in messages] == ["Minimal \ufffd Message", "Li\ufffdnk:https://telegram.org/"]
    assert any("result.json, messages[0].text: a lone UTF-16 surrogate" in w for w in warnings)
    assert any("result.json, messages[1].text[0].text: a lone UTF-16 surrogate" in w for w in warnings)
    assert len(_cli_ok(path)) == 2


def test_telegram_lone_surrogate_in_a_truncated_file(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / TG).read_text().replace('"Minimal Message"', r'"Minimal \ud83d Message"')
    path = tmp_path / "result.json"
    path.write_text(text[: text.index('"type": "link"')])
    messages, warnings = _read(path)
    assert [(str(m.kind), m.body[:20]) for m in messages] == [
        ("unparsed", '{\n      "type": "mes'),  # no time: sorts first
        ("message", "Minimal \ufffd Message"),
    ]
    assert any("messages[0].text: a lone UTF-16 surrogate" in w for w in warnings)
    assert len(_cli_ok(path)) == 2


def test_telegram_duplicate_keys(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / TG).read_text()
    text = text.replace('"text": "Minimal Message"', '"text": "Minimal Message",\n      "text": "second text"')
    first_list = '"name": "A", "name": "B", "messages": [{"type": "message", "date_unixtime": "1544006000", ' \
        '"from": "Author 3", "text": "from the first list"}], '
    text = text.replace('"messages": [', first_list + '"messages": [', 1)
    path = tmp_path / "result.json"
    path.write_text(text)
    messages, warnings = _read(path)
    assert [(str(m.kind), m.body, m.source.locator) for m in messages] == [
        ("unparsed", '{"name": "B"}', "name"),
        ("message", "from the first list", "messages[0]"),
        ("message", "Minimal Message", "messages#2[0]"),
        ("message", "Link:https://telegram.org/", "messages#2[1]"),
    ]
    assert messages[2].extra["duplicate_keys"] == {"text": ["second text"]}
    assert any('messages#2[0]: the key "text" is written more than once' in w for w in warnings)
    assert len(_cli_ok(path)) == 4


def test_telegram_message_without_text_is_named(fixtures: Path, tmp_path: Path) -> None:
    text = (fixtures / TG).read_text().replace('"text": "Minimal Message"', '"txet": "Minimal Message"')
    path = tmp_path / "result.json"
    path.write_text(text)
    messages, warnings = _read(path)
    assert messages[0].body == "" and messages[0].extra["txet"] == "Minimal Message"
    assert any('result.json, messages[0]: no "text" key' in w for w in warnings)


# --- the shared helper ----------------------------------------------------------------------


def test_json_helper_keeps_first_value_and_repairs_keys() -> None:
    loaded = _json.loads('{"a": 1, "a": 2, "\\ud800k": ["x\\udfff", {"b": 1, "b": "\\ud83d"}]}')
    assert loaded.duplicated is True
    assert loaded.value["a"] == 1 and loaded.value.duplicates == [("a", 2)]
    assert loaded.value["\ufffdk"][0] == "x\ufffd"
    assert [place for place, _ in loaded.notes] == ["\ufffdk", "\ufffdk[0]", "\ufffdk[1].b"]
    assert _json.duplicates(loaded.value) == [("a", 2), ("\ufffdk[1].b", "\ufffd")]
    assert _json.dumps(loaded.value["\ufffdk"][1]) == '{"b": 1, "b": "\ufffd"}'
    plain = _json.loads('{"a": "\\ud83d\\ude00"}')  # a whole pair is one character: nothing to say
    assert plain.value == {"a": "😀"} and plain.notes == [] and plain.duplicated is False
