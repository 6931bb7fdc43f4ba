"""One e-mail (RFC 5322 bytes) as a Message: shared by the mbox and eml importers.

E-mail is the least tidy format greyrock reads, so everything here assumes the worst:

- Headers are decoded by hand rather than through `email.policy.default`, which turns a
  broken encoded word (`=?UTF-8?B?not base64?=`) into noise; here a broken word stays as
  written, and raw 8-bit headers are read as UTF-8, then cp1252.
- Declared charsets lie. Text is tried as declared, as UTF-8 and as cp1252, and finally as
  latin-1, which cannot fail; a charset that was not honoured is reported.
- The body is the text/plain part where there is one (text/html of the same alternative is
  the same words and is not repeated), else the HTML made readable with lxml: no script
  or style, line breaks kept, nothing fetched.
- Every other part is an Attachment with its bytes. A forwarded mail (message/rfc822) is one
  attachment, serialised again from its parsed form, and nothing inside it is read into
  the outer message, so no text or file is counted twice.
- A message the parser or this module cannot make sense of becomes one unparsed Message
  with its raw text.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import csv
import email.errors
import email.policy
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from email.generator import BytesGenerator
from email.message import EmailMessage, Message as MimePart
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

import lxml.etree
import lxml.html

from greyrock.model import Attachment, Channel, Direction, Kind, Message, Source

from ._base import Context
from ._export import Entry
from ._text import decode_mixed

__all__ = [
    "FROM_LINE_DATE",
    "decode_text",
    "decode_words",
    "from_line_date",
    "has_email_headers",
    "html_to_text",
    "looks_like_headers",
    "opens_email",
    "read_email",
]

# The date of an mbox "From " line: `From 1234567890@xxx Mon Jan 01 00:00:00 +0000 2024`
# (Gmail), `From - Sat Jan 01 00:00:00 2000` (Thunderbird), `From a@b Sat Jan  3 01:05:34 1996`.
FROM_LINE_DATE = re.compile(
    rb"^From \S+\s+(?:[A-Za-z]{3},?\s+)?(?P<mon>[A-Za-z]{3})\s+(?P<day>\d{1,2})\s+"
    rb"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s+(?:(?P<z1>[+-]\d{4})\s+)?"
    rb"(?P<y>\d{4})(?:\s+(?P<z2>[+-]\d{4}))?"
)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}

_PARSER = BytesParser(policy=email.policy.default)
# Regenerating a forwarded mail: headers exactly as they came, no ">From " mangling.
_REGEN = email.policy.default.clone(refold_source="none", max_line_length=0)

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_EMAIL_IN_TEXT = re.compile(r"[^\s<>()\[\],;:\"@]+@[^\s<>()\[\],;:\"@]+\.[^\s<>()\[\],;:\"@]+")
_SAFE_CHARSET = re.compile(r"^[A-Za-z0-9._:+-]{1,40}$")
# Codecs that would run code-like transformations over hostile text, or are not charsets.
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"}

# Header names that mark the start of an RFC 822 message (for sniffing .eml without a name).
_FIRST_HEADERS = {
    b"received", b"return-path", b"delivered-to", b"from", b"date", b"subject", b"message-id",
    b"mime-version", b"to", b"x-mozilla-status", b"x-gm-thrid", b"x-gmail-labels",
    b"dkim-signature", b"arc-seal", b"authentication-results", b"x-received", b"x-google-smtp-source",
}
_CORE_HEADERS = {b"from", b"date", b"subject", b"message-id", b"mime-version", b"to"}
_HEADER_LINE = re.compile(rb"^([!-9;-~]+):")
# Headers that only mail software writes. A header block that a person quotes in a reply or
# an inline forward ("From: ... Sent: ... To: ... Subject: ...") has none of them, so
# `opens_email` does not take such a quote for the start of a new e-mail.
_MACHINE_HEADERS = {
    b"received", b"return-path", b"delivered-to", b"message-id", b"mime-version", b"content-type",
    b"content-transfer-encoding", b"x-gm-thrid", b"x-gmail-labels", b"x-mozilla-status", b"dkim-signature",
    b"arc-seal", b"authentication-results", b"x-received", b"x-google-smtp-source",
}
_PERSON_HEADERS = {b"from", b"date", b"subject", b"to", b"cc"}


# --- sniffing helpers ---------------------------------------------------------------------


def looks_like_headers(head: bytes) -> bool:
    """Whether `head` opens with an RFC 822 header block holding at least two core headers.

    Every line up to the first blank one must be a header or a folded continuation, so a
    text file that merely mentions "Subject:" somewhere is not claimed.
    """
    lines = head.lstrip(b"\xef\xbb\xbf").splitlines()
    if not lines:
        return False
    first = _HEADER_LINE.match(lines[0])
    if first is None or first.group(1).lower() not in _FIRST_HEADERS:
        return False
    seen: set[bytes] = set()
    complete = len(head) < 65536  # a head cut at the sniff limit may end mid-header
    for line in lines:
        if not line.strip():
            complete = True
            break
        if line[:1] in (b" ", b"\t"):
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        seen.add(match.group(1).lower())
    return complete and len(seen & _CORE_HEADERS) >= 2


def opens_email(lines: Iterable[bytes], max_lines: int = 200, max_bytes: int = 65536) -> bool:
    """Whether `lines` open a stored e-mail: a header block, ended by a blank line, naming at
    least two of From, Date, Subject, To, Cc and at least one header that only mail software
    writes (Message-ID, Received, Content-Type, X-GM-THRID ...).

    Used by the mbox splitter to find an e-mail whose "From " line is damaged or missing.
    Reads at most `max_lines` lines and `max_bytes` bytes: a longer block is not taken.
    """
    names: set[bytes] = set()
    size = 0
    for count, line in enumerate(lines):
        if line in (b"\n", b"\r\n"):
            return len(names & _PERSON_HEADERS) >= 2 and bool(names & _MACHINE_HEADERS)
        size += len(line)
        if count >= max_lines or size > max_bytes:
            return False
        if line[:1] in (b" ", b"\t"):
            if not names:
                return False
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    return False


def from_line_date(line: bytes) -> datetime | None:
    """The delivery time on an mbox From line: aware when the line carries a zone."""
    match = FROM_LINE_DATE.match(line)
    if match is None:
        return None
    month = _MONTHS.get(match["mon"].decode("ascii").lower())
    if month is None:
        return None
    zone = match["z1"] or match["z2"]
    minutes = int(zone[1:3]) * 60 + int(zone[3:5]) if zone else 0
    try:
        when = datetime(
            int(match["y"]), month, int(match["day"]), int(match["h"]), int(match["m"]), int(match["s"] or 0)
        )
        if zone is None:
            return when
        return when.replace(tzinfo=timezone(timedelta(minutes=minutes if zone[:1] == b"+" else -minutes)))
    except ValueError:  # 31 February, 25 o'clock, a zone of +9999
        return None


# --- text and headers ---------------------------------------------------------------------


def _codec(declared: str | None) -> str | None:
    if not declared:
        return None
    try:
        info = codecs.lookup(declared.strip().strip('"').lower())
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def _single_byte(codec: str) -> bool:
    """Charsets in which valid UTF-8 almost certainly means the declaration is wrong."""
    return codec == "ascii" or codec.startswith(("iso8859-", "cp125", "latin", "mac-roman"))


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Text from bytes in a charset that may be missing, unknown or wrong; never fails.

    Returns the text and the codec that read it. Text that is neither what was declared
    nor UTF-8 is read as UTF-8 where it is UTF-8 and as cp1252 where it is not (a mailer
    that declared utf-8 over text typed in Windows-1252, or a reply pasted from another
    encoding); the codec is then "cp1252" or "latin-1" when that reading is the same as
    reading the whole as one of those, else "utf-8 and cp1252".
    """
    codec = _codec(declared)
    order: list[str] = []
    if codec and not _single_byte(codec):
        order.append(codec)
    order.append("utf-8")
    if codec and _single_byte(codec):
        order.append(codec)
    for name in order:
        try:
            return data.decode(name), name
        except (UnicodeError, LookupError):
            continue
    text = decode_mixed(data).text
    for name in ("cp1252", "latin-1"):
        try:
            if data.decode(name) == text:
                return text, name
        except UnicodeError:
            continue
    return text, "utf-8 and cp1252"


def _charset_name(declared: str) -> str:
    return declared if _SAFE_CHARSET.match(declared) else "an unreadable charset"


def _decode_word_bytes(encoding: str, payload: str) -> bytes | None:
    try:
        if encoding in "bB":
            padded = payload + "=" * (-len(payload) % 4)
            return base64.b64decode(padded, validate=True)
        return binascii.a2b_qp(payload.encode("ascii"), header=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded; a word that cannot be decoded is kept as written.

    Adjacent words of one charset are joined before decoding, because mailers split
    multi-byte characters across them; whitespace between encoded words is dropped, as
    RFC 2047 says.
    """
    out: list[str] = []
    run: list[bytes] = []
    run_charset = ""
    last_end = 0
    after_word = False

    def flush() -> None:
        if run:
            out.append(decode_text(b"".join(run), run_charset)[0])
            run.clear()

    for match in _ENCODED_WORD.finditer(value):
        gap = value[last_end : match.start()]
        charset = match.group(1).split("*", 1)[0]
        decoded = _decode_word_bytes(match.group(2), match.group(3))
        if decoded is None:
            flush()
            out.append(gap + match.group(0))
            after_word = False
        else:
            joined = after_word and not gap.strip()
            if not (joined and charset.lower() == run_charset.lower()):
                flush()
                run_charset = charset
            if not joined:
                out.append(gap)
            run.append(decoded)
            after_word = True
        last_end = match.end()
    flush()
    out.append(value[last_end:])
    return "".join(out)


def _unfold(raw: str) -> str:
    """A raw header value as text: folding removed, 8-bit bytes read as UTF-8 or cp1252."""
    value = re.sub(r"\r?\n(?=[ \t])", "", raw).replace("\r", "").replace("\n", "")
    data = value.encode("utf-8", "surrogateescape")
    return decode_text(data)[0] if not data.isascii() else value


class _Headers:
    """The first and all values of each header, unfolded, encoded words still in place."""

    def __init__(self, msg: MimePart) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in msg.raw_items():
            self._values.setdefault(name.strip().lower(), []).append(_unfold(str(value)))

    def first(self, name: str) -> str | None:
        values = self._values.get(name)
        return values[0] if values else None

    def text(self, name: str) -> str | None:
        value = self.first(name)
        return decode_words(value).strip() if value is not None else None

    def addresses(self, *names: str) -> list[tuple[str, str]]:
        """(display name, address) pairs; a mangled list still gives its e-mail addresses."""
        pairs: list[tuple[str, str]] = []
        for name in names:
            for value in self._values.get(name, []):
                pairs.extend(_addresses(value))
        return pairs


def _addresses(value: str) -> Iterator[tuple[str, str]]:
    parsed = [(n, a) for n, a in getaddresses([value]) if n or a]
    if not parsed and value.strip():
        found = _EMAIL_IN_TEXT.findall(value)
        parsed = [("", a) for a in found] if found else [(value.strip(), "")]
    for name, addr in parsed:
        if addr and "@" not in addr and not name:
            name = addr
        if addr and not _EMAIL_IN_TEXT.fullmatch(addr):
            found = _EMAIL_IN_TEXT.search(addr)
            if found:
                name, addr = name or addr[: found.start()].strip(" <\"'"), found.group(0)
        yield decode_words(name).strip(), addr.strip()


def _labels(value: str | None) -> list[str]:
    """X-Gmail-Labels: comma-separated, quoted when a label holds a comma, maybe encoded."""
    if not value:
        return []
    try:
        cells = next(csv.reader([value], skipinitialspace=True))
    except (csv.Error, StopIteration):
        cells = value.split(",")
    return [label for label in (decode_words(c).strip() for c in cells) if label]


# --- HTML -------------------------------------------------------------------------------

_SKIP = {"script", "style", "head", "title", "template", "iframe", "object", "embed", "applet", "svg", "noframes"}
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "dl", "pre", "hr"}
_LINE = {
    "div", "li", "tr", "dt", "dd", "section", "article", "header", "footer", "nav", "aside", "main",
    "center", "caption", "address", "figure", "figcaption", "form", "fieldset", "legend", "body",
}
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")


class _TextBuilder:
    """Readable text from HTML events: blocks on their own lines, spaces collapsed."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.breaks = 0
        self.space = False
        self.pre = 0

    def start(self, tag: str, alt: str | None = None) -> None:
        if tag == "br":
            self.breaks += 1
        elif tag in _PARAGRAPH:
            self.breaks = max(self.breaks, 2)
        elif tag in _LINE:
            self.breaks = max(self.breaks, 1)
        elif tag == "img" and alt:
            self.data(f" {alt} ")
        if tag == "pre":
            self.pre += 1

    def end(self, tag: str) -> None:
        if tag in _PARAGRAPH:
            self.breaks = max(self.breaks, 2)
        elif tag in _LINE:
            self.breaks = max(self.breaks, 1)
        elif tag in ("td", "th"):
            self.space = True
        if tag == "pre" and self.pre:
            self.pre -= 1

    def data(self, text: str | None) -> None:
        if not text:
            return
        if self.pre:
            self._flush()
            self.out.append(text)
            return
        collapsed = _HTML_SPACE.sub(" ", text)
        words = collapsed.strip(" ")
        if not words:
            self.space = self.space or bool(collapsed)
            return
        lead = self.space or collapsed.startswith(" ")
        had_breaks = self._flush()
        if lead and not had_breaks and self.out and not self.out[-1].endswith("\n"):
            self.out.append(" ")
        self.out.append(words)
        self.space = collapsed.endswith(" ")

    def _flush(self) -> bool:
        breaks, self.breaks = self.breaks, 0
        if breaks and self.out:
            self.out.append("\n" * min(breaks, 2))
            self.space = False
            return True
        return False

    def text(self) -> str:
        text = re.sub(r"[ \t]+\n", "\n", "".join(self.out))
        return re.sub(r"\n{3,}", "\n\n", text).strip()


class _StdlibHtml(HTMLParser):
    """The fallback reader for HTML that libxml2 gives up on (nesting beyond its limit)."""

    def __init__(self, builder: _TextBuilder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif not self.skipping:
            self.builder.start(tag, dict(attrs).get("alt"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)
        elif not self.skipping:
            self.builder.end(tag)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.builder.data(data)


def html_to_text(html: str) -> tuple[str, bool]:
    """Readable text of an HTML body, and whether lxml read it (rather than the fallback).

    The document is only read: no network, no DTD, no entities beyond HTML's own, and
    nothing in it (scripts, images, styles, refreshes) is acted on. When libxml2 stops
    early (nesting deeper than it allows) or finds no document, the stdlib parser reads
    it instead, so that no text is silently cut.
    """
    data = html.replace("\x00", "").encode("utf-8", "surrogatepass")
    if not data.strip():
        return "", True
    parser = lxml.html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, huge_tree=True
    )
    builder = _TextBuilder()
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.LxmlError, ValueError):
        root = None
    if root is None or any(e.level_name == "FATAL" for e in parser.error_log):
        fallback = _StdlibHtml(builder)
        fallback.feed(html)
        fallback.close()
        return builder.text(), False
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIP:
                walker.skip_subtree()
                continue
            builder.start(tag, element.get("alt"))
            builder.data(element.text)
        else:
            if tag not in _SKIP:
                builder.end(tag)
            if element is not root:
                builder.data(element.tail)
    return builder.text(), True


# --- MIME structure -----------------------------------------------------------------------


class _Reader:
    """Walks one parsed message, gathering body text, attachments and warnings."""

    def __init__(self, linesep: str) -> None:
        self.texts: list[str] = []
        self.attachments: list[Attachment] = []
        self.problems: list[str] = []
        self.linesep = linesep

    def collect(self, part: MimePart, with_text: bool = True) -> None:
        ctype = part.get_content_type()
        if part.get_content_maintype() == "message":
            self.attachments.append(self._message(part))
        elif part.is_multipart():
            children = [c for c in part.get_payload() if isinstance(c, MimePart)]
            best = _best_alternative(children) if ctype == "multipart/alternative" else None
            for child in children:
                self.collect(child, with_text and (best is None or child is best))
            epilogue = part.epilogue if isinstance(part.epilogue, str) else ""
            if epilogue.strip():
                # Mail software writes nothing here; text here is most often a following
                # e-mail whose From line is damaged, and it must not vanish.
                self.problems.append("text after the end of the multipart body was kept as body text")
                data = epilogue.encode("utf-8", "surrogateescape")
                self.texts.append(decode_text(data)[0].replace("\r\n", "\n").replace("\r", "\n").strip())
        elif part.get_content_maintype() == "multipart":
            self.problems.append("a multipart part has no usable boundary; its raw text is the body")
            if with_text:
                self.texts.append(self._text(part, raw=True))
        elif _is_body(part):
            if with_text:
                self.texts.append(self._text(part))
        else:
            self.attachments.append(self._attachment(part))

    def _text(self, part: MimePart, raw: bool = False) -> str:
        data = part.get_payload(decode=True) or b""
        declared = part.get_content_charset()
        text, used = decode_text(data, declared)
        if declared and not data.isascii() and used != _codec(declared):
            name = _charset_name(declared)
            known = "text declared as" if _codec(declared) else "unknown charset"
            self.problems.append(f"{known} {name} was read as {used}")
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if not raw and part.get_content_type() == "text/html":
            text, complete = html_to_text(text)
            if not complete and text:
                self.problems.append("the HTML body nests too deeply for lxml; read with a simpler parser")
        return text.rstrip()

    def _attachment(self, part: MimePart) -> Attachment:
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            data = b""
        name = _filename(part) or f"part-{len(self.attachments) + 1}"
        return _attachment(name, part.get_content_type(), data)

    def _message(self, part: MimePart) -> Attachment:
        """A forwarded mail (or delivery report) kept whole, read no further."""
        payload = part.get_payload()
        subject = None
        data: bytes | None
        if isinstance(payload, list):
            inner = [m for m in payload if isinstance(m, MimePart)]
            subject = _Headers(inner[0]).text("subject") if inner else None
            try:
                buf = io.BytesIO()
                for message in inner:
                    BytesGenerator(buf, mangle_from_=False, policy=_REGEN.clone(linesep=self.linesep)).flatten(message)
                data = buf.getvalue()
            except Exception:  # the generator trips over what the parser let through
                self.problems.append("a forwarded e-mail could not be written out again; kept by name only")
                data = None
        else:
            raw = part.get_payload(decode=True)
            data = raw if isinstance(raw, bytes) else b""
        name = _filename(part) or (f"{subject}.eml" if subject else f"part-{len(self.attachments) + 1}.eml")
        if data is None:
            return Attachment(name=name, mime=part.get_content_type())
        return _attachment(name, part.get_content_type(), data)


def _attachment(name: str, mime: str, data: bytes) -> Attachment:
    return Attachment(name=name, mime=mime, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


def _filename(part: MimePart) -> str | None:
    """Content-Disposition filename or Content-Type name, RFC 2231 and RFC 2047 decoded."""
    try:
        name = part.get_filename()
    except Exception:  # the header registry has choked on hostile parameters before
        name = None
    if not name:
        return None
    return decode_words(str(name)).strip() or None


def _is_body(part: MimePart) -> bool:
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and part.get_content_disposition() != "attachment"
        and _filename(part) is None
    )


def _best_alternative(children: list[MimePart]) -> MimePart | None:
    """The alternative to read: one with text/plain (not blank) if any, else one with HTML."""

    def rank(part: MimePart) -> int:
        best = 0
        stack = [part]
        while stack:
            node = stack.pop()
            if node.get_content_maintype() == "message":
                continue
            if node.is_multipart():
                stack.extend(c for c in node.get_payload() if isinstance(c, MimePart))
            elif _is_body(node):
                if node.get_content_type() == "text/html":
                    best = max(best, 1)
                elif (node.get_payload(decode=True) or b"").strip():
                    best = 2
        return best

    ranked = [(rank(child), -i, child) for i, child in enumerate(children)]
    top = max(ranked, key=lambda r: (r[0], r[1]), default=None)
    return top[2] if top and top[0] > 0 else None


# --- the message ------------------------------------------------------------------------


def _date(headers: _Headers) -> tuple[datetime | None, str | None]:
    raw = headers.first("date")
    if raw is None or not raw.strip():
        return None, None
    try:
        return parsedate_to_datetime(raw.strip()), raw.strip()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, raw.strip()


def _truncated(msg: EmailMessage, raw: bytes) -> bool:
    """Whether the bytes stop inside the message: an unclosed multipart or header block."""
    if raw.endswith(b"\n"):
        return False
    if b"\n\n" not in raw and b"\n\r\n" not in raw:
        return True
    return any(
        isinstance(d, email.errors.CloseBoundaryNotFoundDefect) for p in msg.walk() for d in p.defects
    )


def _direction(ctx: Context, entry: Entry, sender: str | None, sender_name: str | None, labels: list[str]) -> Direction:
    folded = {label.casefold() for label in labels}
    if "sent" in folded:
        return Direction.OUT
    if ctx.me:
        if (sender and sender == ctx.address(ctx.me)) or ctx.is_me(sender_name):
            return Direction.OUT
        return Direction.IN
    if "inbox" in folded:
        return Direction.IN
    ctx.note_once(entry, "cannot tell which e-mails are yours: pass --me YOUR@ADDRESS")
    return Direction.UNKNOWN


def read_email(
    ctx: Context,
    entry: Entry,
    locator: str,
    raw: bytes,
    from_line: bytes | None = None,
    at_end: bool = False,
) -> Message:
    """One e-mail as a Message, or as an unparsed Message holding its raw text.

    `raw` is the message without any mbox From line, which is passed as `from_line` (its
    date stands in for a missing Date header). `at_end`: the bytes are the end of the file,
    so a message that stops half-way is a cut-off file, not a sloppy mailer.
    """
    original = from_line + b"\n" + raw if from_line is not None else raw
    try:
        msg = _PARSER.parsebytes(raw)
        headers = _Headers(msg)
        if at_end and _truncated(msg, raw):
            when = _date(headers)[0] or (from_line_date(from_line) if from_line else None)
            return ctx.unparsed(
                entry, locator, _raw_text(original), "the file ends inside this e-mail",
                channel=Channel.EMAIL, timestamp=when,
            )
        return _message(ctx, entry, locator, msg, headers, raw, from_line)
    except Exception as exc:  # a hostile or broken mail must not stop the mailbox
        return ctx.unparsed(
            entry, locator, _raw_text(original), f"the e-mail could not be read ({type(exc).__name__})",
            channel=Channel.EMAIL,
        )


def _raw_text(raw: bytes) -> str:
    return decode_mixed(raw).text


def _message(
    ctx: Context,
    entry: Entry,
    locator: str,
    msg: EmailMessage,
    headers: _Headers,
    raw: bytes,
    from_line: bytes | None,
) -> Message:
    reader = _Reader("\r\n" if b"\r\n" in raw[:4096] else "\n")
    reader.collect(msg)
    for problem in reader.problems:
        ctx.warn(entry, locator, problem)

    timestamp, date_raw = _date(headers)
    extra: dict[str, object] = {}
    if timestamp is None:
        fallback = from_line_date(from_line) if from_line else None
        what = "no Date header" if date_raw is None else "the Date header cannot be read"
        if fallback is not None:
            ctx.warn(entry, locator, f"{what}; used the time on the mbox From line")
        else:
            ctx.warn(entry, locator, f"{what}; the time is unknown")
        timestamp = fallback
        if date_raw is not None:
            extra["date_raw"] = date_raw

    senders = headers.addresses("from")
    sender_name, sender_raw = senders[0] if senders else ("", "")
    sender = ctx.address(sender_raw or sender_name or None)
    recipients = tuple(dict.fromkeys(a for a in (ctx.address(addr) for _, addr in headers.addresses("to", "cc")) if a))
    labels = _labels(headers.first("x-gmail-labels"))

    for key, header in (("subject", "subject"), ("message_id", "message-id"), ("in_reply_to", "in-reply-to")):
        value = headers.text(header)
        if value is not None:
            extra[key] = value
    bcc = [a for a in (ctx.address(addr) for _, addr in headers.addresses("bcc")) if a]
    if bcc:
        extra["bcc"] = bcc
    if labels:
        extra["labels"] = labels
    thread = headers.text("x-gm-thrid")
    if thread:
        extra["thread_id"] = thread

    body = "\n\n".join(t for t in reader.texts if t)
    return Message(
        timestamp=timestamp,
        channel=Channel.EMAIL,
        kind=Kind.MEDIA if not body and reader.attachments else Kind.MESSAGE,
        direction=_direction(ctx, entry, sender, sender_name or None, labels),
        sender=sender,
        sender_name=sender_name or None,
        recipients=recipients,
        body=body,
        attachments=tuple(reader.attachments),
        source=Source(entry.file, entry.locate(locator)),
        extra=extra,
    )


def has_email_headers(raw: bytes) -> bool:
    """Whether a parser finds any header of an e-mail in `raw` (for forced --format eml)."""
    try:
        headers = _PARSER.parsebytes(raw[:65536], headersonly=True)
        names = {name.strip().lower().encode("ascii", "replace") for name in headers.keys()}
    except Exception:  # read_email will keep such a file as unparsed text
        return True
    return bool(names & (_CORE_HEADERS | _FIRST_HEADERS))
