"""Write hostile and broken workbook files into a folder at test time.

Nothing here is committed as a binary: each function builds its file in a few
milliseconds (the zip bombs too: their deflate stream is one compressed block
repeated, so a 1 GiB part costs about 1 MiB of disk and no compression time)
and returns its path. Used by tests/test_guard.py and by any test that needs
a file sheetmap must refuse.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

MiB = 1024 * 1024

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_PART = "xl/worksheets/sheet1.xml"


# --- plain workbooks ----------------------------------------------------------


def normal_workbook(directory: Path, name: str = "roadmap.xlsx", rows: int = 3) -> Path:
    """A small, legitimate workbook written by openpyxl."""
    path = directory / name
    path.write_bytes(normal_workbook_bytes(rows))
    return path


def normal_workbook_bytes(rows: int = 3) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Initiatives"
    ws.append(["ID", "Title", "Horizon", "Theme", "Problem"])
    for i in range(1, rows + 1):
        ws.append([f"INIT-{i}", f"Customers cannot find feature {i}", ("Now", "Next", "Later")[i % 3], "Growth", "?"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def large_workbook(directory: Path, rows: int = 40_000) -> Path:
    """A legitimate workbook of about 1 MB on disk (about 16 MB of XML), for timing the guard.

    openpyxl needs seconds to write this many cells, so the sheet XML is written directly.
    """
    cells = []
    for r in range(1, rows + 1):
        values = (f"INIT-{r}", f"Customers cannot find feature {r}", ("Now", "Next", "Later")[r % 3], "Growth")
        row = "".join(
            f'<c r="{col}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for col, v in zip("ABCD", values, strict=True)
        )
        cells.append(f'<row r="{r}">{row}<c r="E{r}"><v>{r * 7 % 1000}</v></c></row>')
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{SHEET_NS}">'
        f'<dimension ref="A1:E{rows}"/><sheetData>{"".join(cells)}</sheetData></worksheet>'
    )
    return _replace_sheet(directory, "large.xlsx", sheet.encode())


def absurd_dimension(directory: Path) -> Path:
    """Two rows of data under a `<dimension ref="A1:XFD1048576"/>` (like gnumeric writes).

    Legitimate: the guard must let it through; the reader must not trust it.
    """
    base = normal_workbook(directory, "base-dimension.xlsx", rows=1)

    def widen(xml: bytes) -> bytes:
        start = xml.index(b"<dimension ref=")
        end = xml.index(b"/>", start) + 2
        return xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[end:]

    return _rewrite(base, directory / "absurd-dimension.xlsx", {SHEET_PART: widen})


# --- zip bombs ------------------------------------------------------------------


def zip_bomb(directory: Path, inflated: int = 1024 * MiB) -> Path:
    """A valid workbook whose sheet is `inflated` bytes of spaces, honestly declared."""
    return _bomb(directory / "zip-bomb.xlsx", inflated, declare=None)


def lying_zip_bomb(directory: Path, inflated: int = 1024 * MiB) -> Path:
    """The same bomb, but its headers claim the sheet is 10 KB."""
    return _bomb(directory / "lying-zip-bomb.xlsx", inflated, declare=10_000)


def ratio_bomb(directory: Path) -> Path:
    """64 MiB (under the size limit) packed about 1000 to 1: refused on the ratio."""
    return _bomb(directory / "ratio-bomb.xlsx", 64 * MiB, declare=None)


def too_many_members(directory: Path, count: int = 10_001) -> Path:
    """A workbook padded with thousands of tiny parts."""
    path = directory / "many-parts.xlsx"
    base = _members(normal_workbook(directory, "base-many.xlsx"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in base.items():
            zf.writestr(name, data)
        for i in range(count):
            zf.writestr(f"xl/media/pad{i}.bin", b"")
    return path


def _bomb(path: Path, inflated: int, declare: int | None) -> Path:
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{SHEET_NS}"><sheetData>'
    tail = b"</sheetData></worksheet>"
    unit = b" " * MiB
    count = max(1, (inflated - len(head) - len(tail)) // MiB)
    members = [
        m for m in _raw_members(_members(normal_workbook(path.parent, "base-bomb.xlsx"))) if m.name != SHEET_PART
    ]
    sheet = _repeated_deflate(SHEET_PART, head.encode(), unit, count, tail)
    if declare is not None:
        sheet.size = declare
    members.append(sheet)
    write_raw_zip(path, members)
    return path


# --- XML entity tricks ---------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE worksheet [\n  <!ENTITY lol "lol">\n'
    + b"".join(
        b'  <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b"]>\n"
    + f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
    "</row></sheetData></worksheet>".encode()
)

XXE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c>'
    "</row></sheetData></worksheet>".encode()
)


def billion_laughs(directory: Path) -> Path:
    """A valid workbook whose sheet declares the classic entity bomb (3 GB of 'lol')."""
    return _replace_sheet(directory, "billion-laughs.xlsx", BILLION_LAUGHS)


def xxe(directory: Path) -> Path:
    """A valid workbook whose sheet pulls /etc/passwd into cell A1 through an external entity."""
    return _replace_sheet(directory, "xxe.xlsx", XXE)


def xxe_utf16(directory: Path) -> Path:
    """The XXE sheet encoded as UTF-16 (with a BOM), so a byte search for '<!DOCTYPE' misses it."""
    text = XXE.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return _replace_sheet(directory, "xxe-utf16.xlsx", text.encode("utf-16"))


def xxe_after_comment(directory: Path, padding: int = 10_000) -> Path:
    """The XXE DOCTYPE placed after a long comment, beyond a naive 'first few KB' scan."""
    declaration, rest = XXE.split(b"\n", 1)
    return _replace_sheet(
        directory, "xxe-after-comment.xlsx", declaration + b"\n<!--" + b" " * padding + b"-->\n" + rest
    )


# --- not zip files --------------------------------------------------------------


def encrypted_workbook(directory: Path) -> Path:
    """What Excel writes for a workbook with a password: an OLE2 file with an EncryptedPackage stream."""
    return _write(directory, "protected.xlsx", _cfb(["EncryptionInfo", "EncryptedPackage"]))


def legacy_xls(directory: Path) -> Path:
    """An Excel 97-2003 file (OLE2 with a Workbook stream), named .xlsx as people do."""
    return _write(directory, "legacy.xlsx", _cfb(["Workbook", "\x05SummaryInformation"]))


def word_doc(directory: Path) -> Path:
    """A Word 97-2003 document (OLE2 with a WordDocument stream)."""
    return _write(directory, "minutes.xlsx", _cfb(["WordDocument", "1Table"]))


def ods(directory: Path) -> Path:
    """An OpenDocument spreadsheet: a zip whose first part is 'mimetype'."""
    path = directory / "roadmap.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        zf.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>', zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>', zipfile.ZIP_DEFLATED)
    return path


def xlsb(directory: Path) -> Path:
    """An Excel Binary Workbook's layout."""
    return _zip(directory, "binary.xlsx", {"[Content_Types].xml": "<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})


def docx(directory: Path) -> Path:
    """A Word document (.docx) renamed .xlsx."""
    return _zip(directory, "notes.xlsx", {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def plain_zip(directory: Path) -> Path:
    """A zip archive with no workbook in it."""
    return _zip(directory, "archive.xlsx", {"readme.txt": "hello"})


def empty(directory: Path) -> Path:
    return _write(directory, "empty.xlsx", b"")


def truncated(directory: Path) -> Path:
    """The first half of a real workbook (an interrupted download or copy)."""
    data = normal_workbook(directory, "whole.xlsx", rows=50).read_bytes()
    return _write(directory, "truncated.xlsx", data[: len(data) // 2])


def corrupt_crc(directory: Path) -> Path:
    """A workbook whose sheet data has one byte changed, so it no longer matches its CRC."""
    base = normal_workbook(directory, "base-crc.xlsx", rows=50)
    members = _raw_members(_members(base))
    for member in members:
        if member.name == SHEET_PART:
            # Store the sheet uncompressed with one byte changed: it unpacks, but not to its CRC.
            data = bytearray(zlib.decompress(member.data, -zlib.MAX_WBITS))
            data[len(data) // 2] ^= 0x20
            member.method = zipfile.ZIP_STORED
            member.data = bytes(data)
    path = directory / "corrupt-crc.xlsx"
    write_raw_zip(path, members)
    return path


def zip_password(directory: Path) -> Path:
    """A workbook whose parts are flagged as zip-encrypted (flag bit 0)."""
    members = _raw_members(_members(normal_workbook(directory, "base-zipcrypt.xlsx")))
    for member in members:
        member.flags |= 0x1
    path = directory / "zip-password.xlsx"
    write_raw_zip(path, members)
    return path


def png_renamed(directory: Path) -> Path:
    """A 1x1 PNG image named .xlsx."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )
    return _write(directory, "screenshot.xlsx", png)


def text_renamed(directory: Path) -> Path:
    """A CSV file named .xlsx."""
    return _write(directory, "export.xlsx", "ID,Title,Horizon\nINIT-1,Faster onboarding,Now\n")


def html_renamed(directory: Path) -> Path:
    """An HTML table saved as .xlsx, as many web apps 'export to Excel'."""
    return _write(directory, "web-export.xlsx", "<html><body><table><tr><td>ID</td></tr></table></body></html>")


def excel_lock_file(directory: Path) -> Path:
    """The `~$name.xlsx` owner file Excel leaves next to an open workbook."""
    return _write(directory, "~$roadmap.xlsx", b"\x0bJane Doe".ljust(165, b"\x00"))


# Everything check_workbook_file must refuse: name -> (builder, words the message must contain)
HOSTILE: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "zip_bomb": (zip_bomb, ("unpack", "MiB")),
    "lying_zip_bomb": (lying_zip_bomb, ("unpack", "declared")),
    "ratio_bomb": (ratio_bomb, ("zip bomb", "to 1")),
    "too_many_members": (too_many_members, ("parts",)),
    "billion_laughs": (billion_laughs, ("entity declarations",)),
    "xxe": (xxe, ("entity declarations",)),
    "xxe_utf16": (xxe_utf16, ("entity declarations",)),
    "xxe_after_comment": (xxe_after_comment, ("entity declarations",)),
    "encrypted_workbook": (encrypted_workbook, ("password", "Save it without a password")),
    "legacy_xls": (legacy_xls, (".xls", "Excel Workbook (.xlsx)")),
    "word_doc": (word_doc, ("Word document",)),
    "ods": (ods, (".ods", ".xlsx")),
    "xlsb": (xlsb, (".xlsb", "Excel Workbook (.xlsx)")),
    "docx": (docx, ("Word document",)),
    "plain_zip": (plain_zip, ("no Excel workbook",)),
    "empty": (empty, ("empty",)),
    "truncated": (truncated, ("damaged",)),
    "corrupt_crc": (corrupt_crc, ("damaged",)),
    "zip_password": (zip_password, ("password",)),
    "png_renamed": (png_renamed, ("PNG image", "Excel Workbook (.xlsx)")),
    "text_renamed": (text_renamed, ("text file", ".csv")),
    "html_renamed": (html_renamed, ("web page", "Excel Workbook (.xlsx)")),
    "excel_lock_file": (excel_lock_file, ("lock file", "roadmap.xlsx")),
}


# --- raw zip writing -------------------------------------------------------------


@dataclass
class RawMember:
    """One zip entry, given as the bytes to store (already compressed) and what to declare."""

    name: str
    data: bytes
    method: int
    crc: int
    size: int
    flags: int = 0


def write_raw_zip(path: Path, members: list[RawMember]) -> None:
    """Write a zip whose headers say exactly what `members` say, true or not."""
    out = io.BytesIO()
    central = io.BytesIO()
    dos_time, dos_date = 0, (2024 - 1980) << 9 | 1 << 5 | 1
    for m in members:
        offset = out.tell()
        name = m.name.encode()
        # Both headers carry these: version needed, flags, method, time, date, CRC, sizes, name and extra lengths.
        fields = (20, 0, m.flags, m.method, dos_time, dos_date, m.crc, len(m.data), m.size, len(name), 0)
        out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", *fields))
        out.write(name)
        out.write(m.data)
        # The central entry adds: version made by; comment length, disk, attributes (all 0) and the offset.
        central.write(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, *fields, 0, 0, 0, 0, offset))
        central.write(name)
    cd_offset = out.tell()
    cd = central.getvalue()
    out.write(cd)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(cd), cd_offset, 0))
    path.write_bytes(out.getvalue())


def _repeated_deflate(name: str, head: bytes, unit: bytes, count: int, tail: bytes) -> RawMember:
    """A deflate stream for head + unit*count + tail, built by repeating one compressed block.

    Each piece is compressed by a fresh compressor ending in a full flush, which
    leaves it byte-aligned and independent, so the pieces can be concatenated;
    an empty final block ends the stream.
    """

    def piece(data: bytes) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    final = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)
    data = piece(head) + piece(unit) * count + piece(tail) + final
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    return RawMember(name, data, zipfile.ZIP_DEFLATED, crc, len(head) + len(unit) * count + len(tail))


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _raw_members(members: dict[str, bytes]) -> list[RawMember]:
    out = []
    for name, data in members.items():
        c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        out.append(RawMember(name, c.compress(data) + c.flush(), zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data)))
    return out


def _rewrite(source: Path, target: Path, changes: dict[str, Callable[[bytes], bytes]]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in changes:
                data = changes[info.filename](data)
            dst.writestr(info.filename, data)
    return target


def _replace_sheet(directory: Path, name: str, sheet_xml: bytes) -> Path:
    base = normal_workbook(directory, f"base-{name}", rows=1)
    return _rewrite(base, directory / name, {SHEET_PART: lambda _: sheet_xml})


def _write(directory: Path, name: str, data: bytes | str) -> Path:
    """`data` (text as UTF-8) as the file `name` in `directory`."""
    path = directory / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _zip(directory: Path, name: str, parts: dict[str, bytes | str]) -> Path:
    """A deflated zip archive of these parts (name -> content) as the file `name` in `directory`."""
    path = directory / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, data in parts.items():
            zf.writestr(part, data)
    return path


def _cfb(stream_names: list[str]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors) with empty streams of these names.

    Layout: header, sector 0 = FAT, sector 1 = directory (root + streams, up to 3).
    """
    free, end_of_chain, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    struct.pack_into(
        "<8s16sHHHHH6sLLLLLLLLLL",
        header,
        0,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # little-endian
        9,  # sector shift
        6,  # mini sector shift
        b"\x00" * 6,
        0,  # directory sectors (0 for version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,  # transaction signature
        4096,  # mini stream cutoff
        end_of_chain,  # first mini FAT sector
        0,  # mini FAT sectors
        end_of_chain,  # first DIFAT sector
        0,  # DIFAT sectors
        0,  # DIFAT[0]: the FAT is sector 0
    )
    header[80:512] = struct.pack("<L", free) * 108
    fat = struct.pack("<LL", fat_sector, end_of_chain) + struct.pack("<L", free) * 126

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        e = bytearray(128)
        e[: len(encoded)] = encoded
        struct.pack_into("<HBBLLL", e, 64, len(encoded), kind, 1, free, right, child)
        struct.pack_into("<LQ", e, 116, end_of_chain, 0)
        return bytes(e)

    names = stream_names[:3]
    entries = [entry("Root Entry", 5, child=1)]
    for i, name in enumerate(names, start=1):
        entries.append(entry(name, 2, right=i + 1 if i < len(names) else free))
    directory = b"".join(entries).ljust(512, b"\x00")
    return bytes(header) + fat + directory
