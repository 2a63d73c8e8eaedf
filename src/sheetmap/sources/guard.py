"""Refuse hostile or unusable workbook files before any parser sees them.

`check_workbook_file(path)` is called on every .xlsx/.xlsm source before
`openpyxl.load_workbook` (or any other reader). It raises `SourceError`
(exit code 2) with a message that names the file and says what to do for:

* a missing file, a folder, an empty file, Excel's `~$` lock file;
* files that are not zip packages: password-protected workbooks and legacy
  .xls/.doc files (both OLE2 compound files), images, PDFs, web pages, text;
* zip packages that are not workbooks: .ods, .xlsb, .docx, .pptx, others;
* damaged zips: truncated, bad CRC, sizes that do not match the data;
* zip bombs: too many parts, too much data once unpacked (declared sizes are
  checked first, then every part is inflated in bounded chunks so a lying
  header cannot slip past), parts compressed suspiciously well;
* XML parts with a DTD (`<!DOCTYPE`): entity expansion ("billion laughs")
  and external entities (XXE) both need one, and Excel never writes one.

About defusedxml: openpyxl 3.1 parses every part through defusedxml when it is
installed (`openpyxl.DEFUSEDXML`, see openpyxl/xml/__init__.py and
openpyxl/xml/functions.py), so openpyxl alone already refuses entity
declarations with `defusedxml.EntitiesForbidden`; tests/test_guard.py pins
that. This module is the first line: it gives a message a person can act on,
covers readers that do not use defusedxml, and does not depend on lxml being
absent (with lxml installed openpyxl's `fromstring` uses lxml instead).

The checks stream through the file once and keep at most a few MiB in memory,
unless the caller asks to keep the parts it will read next (`keep`): they are
inflated here anyway, and inflating them again costs a reader about 0.1 s for a
50 MB workbook. A normal 1 MB workbook takes a few tens of milliseconds.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, NoReturn

from sheetmap.errors import SourceError

MiB = 1024 * 1024

# A roadmap workbook is a few hundred KB; 512 MiB of unpacked XML is already far
# beyond what openpyxl can load in reasonable time and memory, so anything over
# it is either a mistake or an attack.
MAX_FILE_BYTES = 512 * MiB
MAX_INFLATED_BYTES = 512 * MiB
# Excel writes a few dozen parts; 10k is generous and keeps zipfile's own
# bookkeeping (one ZipInfo per part) small.
MAX_MEMBERS = 10_000
MAX_CENTRAL_DIRECTORY_BYTES = 16 * MiB
# Real sheet XML deflates 5-100x; deflate tops out near 1030x, which is what
# bombs use. Small parts cannot do much harm whatever their ratio.
MAX_RATIO = 200
RATIO_MIN_BYTES = 4 * MiB
# Inflate in chunks of this size so memory stays bounded whatever the data.
CHUNK_BYTES = 1 * MiB
# Parts kept for the reader (`keep`), at most this much in all; the rest it inflates itself.
KEEP_BYTES = 64 * MiB
# The XML prolog (declaration, comments, DOCTYPE) comes before the root element
# and is a few hundred bytes in real files. A longer one is hiding something.
MAX_PROLOG_CHARS = 64 * 1024
# Bytes read to recognise the encoding of an XML part (BOM, <?xml encoding=?>).
XML_SNIFF_BYTES = 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# OLE2 directory entries store stream names in UTF-16LE.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
WORD_DOCUMENT = "WordDocument".encode("utf-16-le")
POWERPOINT_DOCUMENT = "PowerPoint Document".encode("utf-16-le")

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Content types that mark a workbook's main part (openpyxl's XLSX/XLSM/XLTX/XLTM)
WORKBOOK_CONTENT_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    b"application/vnd.ms-excel.template.macroEnabled.main+xml",
)

SAVE_AS_XLSX = (
    "Open it in Excel (or LibreOffice, Numbers or Google Sheets), save or "
    "download it as 'Excel Workbook (.xlsx)', and try again with that file."
)
RESAVE = "Open it in Excel (or LibreOffice), save it again as 'Excel Workbook (.xlsx)', and try again."
TOO_BIG_FIX = (
    "No roadmap needs that much, so sheetmap refuses it for safety. If it is a "
    "real workbook, delete unused sheets, images and formatted empty rows, "
    "save it, and try again."
)


def check_workbook_file(path: Path, keep: Callable[[str], bool] | None = None) -> dict[str, bytes]:
    """Raise `SourceError` unless `path` is a plain, safe .xlsx/.xlsm package.

    Call it before `openpyxl.load_workbook(path, ...)`. Passing does not mean
    the sheets are valid, only that reading the file is safe and bounded.
    Returns the inflated bytes of the parts whose names `keep` accepts (each
    checked whole: its size, its checksum and its XML prolog), up to
    `KEEP_BYTES` in all; none without it.
    """
    path = Path(path)
    size = _check_is_regular_file(path)
    with _open(path) as f, _damage_is_refused(path):
        head = f.read(4096)
        if head.startswith(OLE2_MAGIC):
            _refuse_ole2(path, f)
        if not head.startswith(b"PK"):
            _refuse_not_zip(path, head)
        _check_central_directory_size(path, f, size)
        with zipfile.ZipFile(f) as zf:
            infos = zf.infolist()
            _check_declared_sizes(path, infos, MAX_INFLATED_BYTES)
            _check_is_workbook_package(path, zf)
            kept: dict[str, bytes] = {}
            _scan_members(path, f, size, infos, MAX_INFLATED_BYTES, check_xml=True, keep=keep, kept=kept)
    return kept


def verify_inflated_sizes(path: Path, limit: int = MAX_INFLATED_BYTES) -> int:
    """Inflate every part of the zip at `path` in bounded chunks; return the total.

    Declared sizes can lie, so this measures what the data really unpacks to,
    and stops as soon as a part unpacks past its declared size or the total
    passes `limit`. It also checks each part's CRC. Raises `SourceError`.
    Memory use is about `CHUNK_BYTES` whatever the file holds.
    """
    path = Path(path)
    size = _check_is_regular_file(path)
    with _open(path) as f, _damage_is_refused(path):
        _check_central_directory_size(path, f, size)
        with zipfile.ZipFile(f) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise _too_many_members(path, len(infos))
            return _scan_members(path, f, size, infos, limit, check_xml=False)


def _open(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise _refuse(path, f"could not be opened ({exc.strerror or exc}).", _CLOSE_AND_RETRY) from None


@contextmanager
def _damage_is_refused(path: Path) -> Iterator[None]:
    """Turn what zipfile and zlib raise on damaged data into a `SourceError`.

    Once the file is open, every failure comes from its content (bad offsets make
    seek fail with EINVAL, bad deflate data raises zlib.error, bad headers raise
    BadZipFile, struct.error, EOFError or ValueError), so all mean "damaged".
    """
    try:
        yield
    except SourceError:
        raise
    except (
        OSError,
        EOFError,
        ValueError,
        struct.error,
        zlib.error,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
    ):
        raise _damaged(path) from None


# --- messages ---------------------------------------------------------------

_CLOSE_AND_RETRY = "Check that you can open it, close it in other programs, and try again."


def _refuse(path: Path, problem: str, fix: str) -> SourceError:
    return SourceError(f"'{path}' {problem} {fix}")


def _damaged(path: Path, detail: str = "") -> SourceError:
    what = "is damaged or incomplete" + (f" ({detail})" if detail else "")
    return _refuse(
        path,
        f"{what}, so sheetmap cannot read it.",
        "If it opens in Excel, save it again as 'Excel Workbook (.xlsx)' and try "
        "again; otherwise copy or download it again.",
    )


def _too_many_members(path: Path, count: int) -> SourceError:
    return _refuse(
        path,
        f"is made of {count:,} parts (a workbook has a few dozen; the limit is {MAX_MEMBERS:,}).",
        TOO_BIG_FIX,
    )


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    return f"{n / 1024:,.0f} KiB" if n < MiB else f"{n / MiB:,.0f} MiB"


def _too_big(path: Path, detail: str) -> SourceError:
    return _refuse(path, f"would unpack to {detail}.", TOO_BIG_FIX)


# --- the checks -------------------------------------------------------------


def _check_is_regular_file(path: Path) -> int:
    """Return the file's size; refuse missing files, folders and empty files."""
    try:
        if path.is_dir():
            raise _refuse(
                path,
                "is a folder, not a workbook file.",
                "Give the path of the .xlsx file.",
            )
        if not path.exists():
            raise _refuse(
                path,
                "cannot be found.",
                f"Check the file's name and folder (sheetmap looked in '{path.absolute().parent}').",
            )
        size = path.stat().st_size
    except OSError as exc:
        raise _refuse(path, f"could not be read ({exc.strerror or exc}).", _CLOSE_AND_RETRY) from None
    if size == 0:
        raise _refuse(
            path,
            "is empty (0 bytes).",
            "It was probably not saved or copied completely: save it again from Excel, or copy it again.",
        )
    if size > MAX_FILE_BYTES:
        raise _refuse(
            path,
            f"is {size / MiB:,.0f} MiB (the limit is {MAX_FILE_BYTES // MiB} MiB).",
            TOO_BIG_FIX,
        )
    return size


def _refuse_ole2(path: Path, f: BinaryIO) -> NoReturn:
    """An OLE2 compound file: a password-protected workbook, or a legacy Office file.

    Excel stores a workbook with a password as an OLE2 file holding an
    "EncryptedPackage" stream; .xls, .doc and .ppt files are OLE2 files too.
    """
    found = _find_in_file(f, (ENCRYPTED_PACKAGE, WORD_DOCUMENT, POWERPOINT_DOCUMENT))
    if ENCRYPTED_PACKAGE in found:
        raise _refuse(
            path,
            "is protected with a password, so sheetmap cannot read it.",
            "Save it without a password: open it in Excel, choose File > Info > "
            "Protect Workbook > Encrypt with Password, delete the password, click "
            "OK, save, and try again.",
        )
    if WORD_DOCUMENT in found:
        raise _refuse(
            path,
            "is a Word document, not an Excel workbook.",
            "Give the path of the .xlsx file.",
        )
    if POWERPOINT_DOCUMENT in found:
        raise _refuse(
            path,
            "is a PowerPoint file, not an Excel workbook.",
            "Give the path of the .xlsx file.",
        )
    raise _refuse(
        path,
        "is in the old Excel 97-2003 format (.xls), which sheetmap does not read.",
        "Open it in Excel and choose File > Save As > 'Excel Workbook (.xlsx)', then try again with the .xlsx file.",
    )


def _find_in_file(f: BinaryIO, needles: tuple[bytes, ...]) -> set[bytes]:
    """Return which of `needles` occur in the file, reading it in chunks."""
    overlap = max(len(n) for n in needles) - 1
    found: set[bytes] = set()
    f.seek(0)
    tail = b""
    while chunk := f.read(CHUNK_BYTES):
        window = tail + chunk
        found.update(n for n in needles if n in window)
        tail = window[-overlap:]
    return found


def _refuse_not_zip(path: Path, head: bytes) -> NoReturn:
    """Say what the file looks like instead, from its first bytes."""
    if path.name.startswith("~$"):
        raise _refuse(
            path,
            "is the lock file Excel keeps while a workbook is open, not a workbook.",
            f"Use '{path.with_name(path.name[2:])}' instead.",
        )
    kinds = (
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"{\\rtf", "an RTF document"),
    )
    for magic, kind in kinds:
        if head.startswith(magic):
            raise _refuse(
                path,
                f"is {kind} with a workbook's name, not an Excel workbook.",
                SAVE_AS_XLSX,
            )
    text = _as_text(head)
    if text is not None:
        lower = text.lower()
        if "urn:schemas-microsoft-com:office:spreadsheet" in lower:
            raise _refuse(
                path,
                "is an 'XML Spreadsheet 2003' file, not an Excel workbook.",
                SAVE_AS_XLSX,
            )
        if "<html" in lower or "<table" in lower or "<!doctype html" in lower:
            # Many web apps "export to Excel" as an HTML table named .xls/.xlsx.
            raise _refuse(
                path,
                "is a web page (HTML) with a workbook's name, not an Excel workbook.",
                SAVE_AS_XLSX,
            )
        raise _refuse(
            path,
            "is a text file, not an Excel workbook.",
            "If it holds comma-separated values, rename it to end in .csv (sheetmap reads "
            "CSV files too); otherwise " + SAVE_AS_XLSX[0].lower() + SAVE_AS_XLSX[1:],
        )
    raise _refuse(path, "is not an Excel workbook (.xlsx).", SAVE_AS_XLSX)


def _as_text(head: bytes) -> str | None:
    """Decode the start of a file if it reads as text, else None."""
    for bom, encoding in (
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return head[: len(head) // 2 * 2].decode(encoding, "replace")
    text = head.decode("utf-8", "replace")
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return text if printable >= 0.95 * len(text) else None


def _check_central_directory_size(path: Path, f: BinaryIO, size: int) -> None:
    """Read the zip's end record and refuse huge directories before zipfile loads them.

    zipfile reads the whole central directory into memory and builds one
    object per entry, so millions of entries would cost time and memory
    before `MAX_MEMBERS` could be checked on `infolist()`.
    """
    tail_len = min(size, 22 + 0xFFFF)  # end record plus the longest comment
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise _damaged(path, "the end of the file is missing")
    entries, cd_size = struct.unpack_from("<HL", tail, at + 10)
    if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= 20:
        # Zip64: the real counts are in the zip64 end record the locator points to.
        sig, _, zip64_end = struct.unpack_from("<4sLQ", tail, at - 20)
        if sig == b"PK\x06\x07" and zip64_end + 56 <= size:
            f.seek(zip64_end)
            record = f.read(56)
            if record[:4] == b"PK\x06\x06":
                entries, cd_size = struct.unpack_from("<QQ", record, 32)
    if entries > MAX_MEMBERS:
        raise _too_many_members(path, entries)
    if cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _refuse(path, f"has a table of contents of {cd_size / MiB:,.0f} MiB.", TOO_BIG_FIX)


def _check_declared_sizes(path: Path, infos: list[zipfile.ZipInfo], limit: int) -> None:
    """Refuse on what the zip's directory says, before unpacking anything."""
    if len(infos) > MAX_MEMBERS:
        raise _too_many_members(path, len(infos))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(
                path,
                "is locked with a zip password, so sheetmap cannot read it.",
                "Save it again from Excel as 'Excel Workbook (.xlsx)' without a password, and try again.",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Excel only uses these two; others are rare or unsupported by zipfile.
            raise _damaged(path, f"'{info.filename}' is packed in a way Excel never uses")
        total += info.file_size
        if total > limit:
            raise _too_big(path, f"more than {limit // MiB:,} MiB (its parts say so)")
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _too_big(path, _ratio_detail(info.filename, info.file_size, info.compress_size))


def _ratio_detail(name: str, inflated: int, compressed: int) -> str:
    ratio = inflated // max(compressed, 1)
    return (
        f"{_size(inflated)} from a {_size(compressed)} part ('{name}', packed "
        f"{ratio:,} to 1; real workbooks pack less than {MAX_RATIO} to 1), which is how zip bombs work"
    )


def _check_is_workbook_package(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse zip packages that are not Excel workbooks, saying what they are."""
    names = set(zf.namelist())
    if "mimetype" in names:
        with zf.open("mimetype") as m:
            mimetype = m.read(200)
        if mimetype.startswith(ODS_MIMETYPE):
            raise _refuse(
                path,
                "is an OpenDocument spreadsheet (.ods), which sheetmap does not read.",
                "Open it in LibreOffice or Excel and save it as 'Excel 2007-365 (.xlsx)' / "
                "'Excel Workbook (.xlsx)', then try again with the .xlsx file.",
            )
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise _refuse(
                path,
                "is an OpenDocument text or presentation, not a spreadsheet.",
                SAVE_AS_XLSX,
            )
    # Transitional and Strict OOXML both keep the workbook at xl/workbook.xml.
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        raise _refuse(
            path,
            "is an Excel Binary Workbook (.xlsb), which sheetmap does not read.",
            SAVE_AS_XLSX,
        )
    if "word/document.xml" in names:
        raise _refuse(
            path,
            "is a Word document, not an Excel workbook.",
            "Give the path of the .xlsx file.",
        )
    if "ppt/presentation.xml" in names:
        raise _refuse(
            path,
            "is a PowerPoint file, not an Excel workbook.",
            "Give the path of the .xlsx file.",
        )
    # Some writers put the workbook elsewhere; like openpyxl, find it by content type.
    if "[Content_Types].xml" in names:
        with zf.open("[Content_Types].xml") as ct:
            content_types = ct.read(MiB)
        if any(t in content_types for t in WORKBOOK_CONTENT_TYPES):
            return
    raise _refuse(path, "is a zip file but holds no Excel workbook.", SAVE_AS_XLSX)


def _scan_members(
    path: Path,
    f: BinaryIO,
    size: int,
    infos: list[zipfile.ZipInfo],
    limit: int,
    *,
    check_xml: bool,
    keep: Callable[[str], bool] | None = None,
    kept: dict[str, bytes] | None = None,
) -> int:
    """Inflate every member from the raw file in bounded chunks; return the total.

    Reads each member's bytes from its local header, as any zip reader would,
    without trusting the declared uncompressed size: a member that inflates
    past its declared size (or the total past `limit`) is refused on the spot.
    Members whose names `keep` accepts are put into `kept` once checked, up to
    `KEEP_BYTES` in all (of a name given twice, only the last member counts, as
    `zipfile` reads it).
    """
    total = kept_bytes = 0
    for info in infos:
        if info.is_dir():
            continue
        if not 0 <= info.header_offset < size:
            raise _damaged(path, f"'{info.filename}' is missing")
        f.seek(info.header_offset)
        header = f.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise _damaged(path, f"'{info.filename}' is missing")
        name_len, extra_len = struct.unpack_from("<HH", header, 26)
        data_start = info.header_offset + 30 + name_len + extra_len
        if data_start + info.compress_size > size:
            raise _damaged(path, f"'{info.filename}' is cut short")
        f.seek(data_start)
        prolog = _PrologScanner() if check_xml else None
        pieces: list[bytes] | None = None
        if keep is not None and kept is not None and keep(info.filename):
            kept_bytes -= len(kept.pop(info.filename, b""))  # a name given twice: zipfile reads its last member
            if kept_bytes + info.file_size <= KEEP_BYTES:
                pieces = []
        inflated = 0
        crc = 0
        for piece in _inflate(path, f, info):
            inflated += len(piece)
            if inflated > info.file_size:
                raise _too_big(
                    path,
                    f"more than its parts say ('{info.filename}' unpacks past its declared size)",
                )
            if total + inflated > limit:
                raise _too_big(path, f"more than {limit // MiB:,} MiB")
            crc = zlib.crc32(piece, crc)
            if pieces is not None:
                pieces.append(piece)
            if prolog is not None and not prolog.done:
                prolog.feed(piece)
                _check_prolog(path, info.filename, prolog)
        if inflated != info.file_size or crc != info.CRC:
            raise _damaged(path, f"'{info.filename}' does not match its checksum")
        if prolog is not None and not prolog.done:
            prolog.feed(b"", final=True)
            _check_prolog(path, info.filename, prolog)
        total += inflated
        if inflated > RATIO_MIN_BYTES and inflated > MAX_RATIO * max(info.compress_size, 1):
            raise _too_big(path, _ratio_detail(info.filename, inflated, info.compress_size))
        if pieces is not None and kept is not None:
            kept[info.filename] = b"".join(pieces)
            kept_bytes += inflated
    return total


def _inflate(path: Path, f: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Yield the member's uncompressed data, at most `CHUNK_BYTES` at a time."""
    remaining = info.compress_size
    if remaining == 0 and info.file_size == 0:
        return  # some writers store empty parts with no deflate data at all
    if info.compress_type == zipfile.ZIP_STORED:
        while remaining:
            chunk = f.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                raise _damaged(path, f"'{info.filename}' is cut short")
            remaining -= len(chunk)
            yield chunk
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _damaged(path, f"'{info.filename}' is packed in a way Excel never uses")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        while remaining and not inflater.eof:
            chunk = f.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                raise _damaged(path, f"'{info.filename}' is cut short")
            remaining -= len(chunk)
            while chunk:
                # max_length bounds the output; the rest waits in unconsumed_tail
                piece = inflater.decompress(chunk, CHUNK_BYTES)
                chunk = inflater.unconsumed_tail
                if piece:
                    yield piece
            # Output still buffered inside zlib after all input went in
            while not inflater.eof and (piece := inflater.decompress(b"", CHUNK_BYTES)):
                yield piece
    except zlib.error:
        raise _damaged(path, f"'{info.filename}' cannot be unpacked") from None
    if not inflater.eof:
        raise _damaged(path, f"'{info.filename}' is cut short")


def _check_prolog(path: Path, name: str, prolog: _PrologScanner) -> None:
    if prolog.verdict == "dtd":
        raise _refuse(
            path,
            f"contains XML entity declarations (a DOCTYPE in '{name}'), which sheetmap refuses "
            "for safety: they can make a reader run out of memory or read files on this "
            "computer, and spreadsheet apps never write them.",
            "If you trust the file, open it in Excel and save it again as 'Excel Workbook (.xlsx)'.",
        )
    if prolog.verdict == "encoding":
        raise _refuse(
            path,
            f"has a part ('{name}') in a text encoding spreadsheet apps do not use.",
            RESAVE,
        )
    if prolog.verdict == "long":
        raise _refuse(path, f"has a part ('{name}') with an unusually long XML header.", RESAVE)


# --- XML prolog -------------------------------------------------------------

_XML_DECL_ENCODING = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")


class _PrologScanner:
    """Decide from the start of an XML part whether it has a DTD.

    Entity declarations can only appear in a DOCTYPE, and a DOCTYPE can only
    appear in the prolog: after the XML declaration, comments and processing
    instructions, before the root element. So the scan reads the prolog with
    XML's own rules (in the part's real encoding, so UTF-16 or a declared
    encoding cannot hide it) and stops at the root element's `<`.

    verdict: None (undecided), "ok", "dtd", "encoding" (unknown), "long".
    """

    def __init__(self) -> None:
        self.verdict: str | None = None
        self._raw = b""
        self._text = ""
        self._decoded = 0
        self._decoder: codecs.IncrementalDecoder | None = None

    @property
    def done(self) -> bool:
        return self.verdict is not None

    def feed(self, data: bytes, final: bool = False) -> None:
        if self._decoder is None:
            self._raw += data
            if len(self._raw) < XML_SNIFF_BYTES and not final:
                return
            encoding = _xml_encoding(self._raw)
            if encoding is None:
                self.verdict = "encoding"
                return
            self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            data, self._raw = self._raw, b""
        # Decode at most 4 bytes per allowed character, so the text stays contiguous and small.
        data = data[: MAX_PROLOG_CHARS * 4 - self._decoded]
        self._decoded += len(data)
        self._text += self._decoder.decode(data, final)
        self.verdict = _prolog_verdict(self._text, final)
        if self.verdict is None and (len(self._text) > MAX_PROLOG_CHARS or self._decoded >= MAX_PROLOG_CHARS * 4):
            self.verdict = "long"


def _xml_encoding(raw: bytes) -> str | None:
    """The encoding an XML parser would use for `raw` (XML 1.0 appendix F)."""
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: it starts with the same bytes
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00", "utf-16-le"),
        (b"\x00<", "utf-16-be"),
    )
    for bom, encoding in boms:
        if raw.startswith(bom):
            return encoding
    match = _XML_DECL_ENCODING.match(raw)
    if not match:
        return "utf-8"
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    # A UTF-16/32 declaration on ASCII-looking bytes is an error to parsers; read as-is.
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def _prolog_verdict(text: str, final: bool) -> str | None:
    i = 1 if text.startswith("\ufeff") else 0
    n = len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return "ok" if final else None
        if text[i] != "<":
            return "ok"  # not well-formed: the parser will refuse it, no DTD is read
        rest = text[i : i + 4]
        if rest.startswith("<?"):
            end = text.find("?>", i + 2)
            if end < 0:
                return "ok" if final else None
            i = end + 2
        elif rest.startswith("<!--"):
            end = text.find("-->", i + 4)
            if end < 0:
                return "ok" if final else None
            i = end + 3
        elif rest.startswith("<!"):
            if len(rest) < 4 and "<!--".startswith(rest) and not final:
                return None  # may still turn out to be a comment
            return "dtd"  # only a DOCTYPE (or garbage) starts with <! in a prolog
        elif len(rest) < 2 and not final:
            return None
        else:
            return "ok"  # the root element: a DOCTYPE can no longer follow
