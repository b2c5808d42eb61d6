"""Which text encoding a shapefile's attributes are in.

Shapefiles from Chinese systems are often GBK without a ``.cpg`` file, and GDAL then
decodes them as Latin-1: 批准文号 comes back as 'Åú×¼ÎÄºÅ'. redline decides, in order:

1. the user's ``encoding=`` argument;
2. the ``.cpg`` file next to the ``.dbf``;
3. the DBF language-driver id (byte 29 of the header), e.g. 0x4D = code page 936 (GBK);
4. a heuristic over the DBF's field names and text: valid UTF-8 with non-ASCII bytes -> UTF-8;
   otherwise GB18030 (a superset of GBK and GB2312) if it decodes cleanly; ASCII-only -> UTF-8.

GBK and GB2312 are read as GB18030, which decodes all of them identically.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DetectedEncoding", "detect_shapefile_encoding", "detect_zipped_shapefile_encoding", "normalise_encoding"]

# DBF language driver ids (byte 29) to Python codecs: the ones seen in Chinese data, and the common others.
LDID = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x57: None,  # 0x57 = "ANSI": the writer's code page, unknown
    0x4D: "gb18030", 0x7A: "gb18030",  # 936 Chinese GBK (PRC)
    0x4E: "cp949", 0x4F: "big5", 0x78: "big5", 0x7B: "cp949",
    0x13: "cp932", 0x7B + 1: "cp932", 0x64: "cp852", 0x65: "cp866", 0xC8: "cp1250", 0xC9: "cp1251",
}

_CPG_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "65001": "utf-8",
    "gbk": "gb18030", "gb2312": "gb18030", "gb18030": "gb18030", "936": "gb18030", "cp936": "gb18030",
    "ansi 936": "gb18030", "big5": "big5", "950": "big5", "1252": "cp1252", "ansi 1252": "cp1252",
    "iso-8859-1": "latin-1", "iso88591": "latin-1", "88591": "latin-1", "latin1": "latin-1",
}


@dataclass(frozen=True)
class DetectedEncoding:
    encoding: str
    how: str  # "user", "cpg", "ldid", "heuristic", "not a shapefile"

    def __str__(self) -> str:
        name = "GBK/GB18030" if self.encoding == "gb18030" else self.encoding.upper()
        return f"{name} (from {self.how})"


def normalise_encoding(name: str) -> str:
    """A codec name Python and GDAL both accept; GBK and GB2312 become GB18030 (their superset)."""
    key = name.strip().lower()
    key = _CPG_ALIASES.get(key, key)
    try:
        codecs.lookup(key)
    except LookupError:
        raise LookupError(f"unknown text encoding {name!r}; try 'GBK' or 'UTF-8'") from None
    return key


def _dbf_text_sample(raw: bytes) -> tuple[int, bytes]:
    """The LDID byte and the raw bytes of field names plus the first records' character fields."""
    if len(raw) < 32:
        return 0, b""
    ldid = raw[29]
    header_len = int.from_bytes(raw[8:10], "little")
    record_len = int.from_bytes(raw[10:12], "little")
    names, char_fields, pos, off = [], [], 32, 1
    while pos + 32 <= min(header_len, len(raw)) and raw[pos] != 0x0D:
        desc = raw[pos:pos + 32]
        names.append(desc[:11].split(b"\x00")[0])
        ftype, flen = chr(desc[11]), desc[16]
        if ftype in "CM":
            char_fields.append((off, flen))
        off += flen
        pos += 32
    chunks = list(names)
    start = header_len
    while start + record_len <= len(raw) and record_len > 0:
        rec = raw[start:start + record_len]
        chunks += [rec[o:o + n].strip(b" \x00") for o, n in char_fields]
        start += record_len
    return ldid, b"\n".join(c for c in chunks if c)


def _decodes(sample: bytes, encoding: str) -> str:
    """The sample decoded chunk by chunk, or '' if any chunk is invalid.

    DBF field names are cut at 10 bytes, often in the middle of a multi-byte character, so an
    incomplete character at the end of a chunk is allowed (it is how the writer truncated it).
    """
    parts = []
    for chunk in sample.split(b"\n"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            parts.append(decoder.decode(chunk, final=False))
        except UnicodeDecodeError:
            return ""
    return "\n".join(parts)


#: how much of a .dbf the heuristic reads: the header and the first records
SAMPLE_BYTES = 1 << 20


def detect_shapefile_encoding(path: str | Path, encoding: str | None = None) -> DetectedEncoding:
    """Decide the attribute encoding of a shapefile (see the module docstring for the order)."""
    if encoding:
        return DetectedEncoding(normalise_encoding(encoding), "user")
    p = Path(path)
    stem = p.with_suffix("")
    cpg = next((c for c in (stem.with_suffix(".cpg"), stem.with_suffix(".CPG")) if c.exists()), None)
    dbf = next((d for d in (stem.with_suffix(".dbf"), stem.with_suffix(".DBF")) if d.exists()), None)
    cpg_text = cpg.read_text(errors="replace") if cpg is not None else None
    if dbf is None:
        return _decide(cpg_text, None)
    with open(dbf, "rb") as fh:
        return _decide(cpg_text, fh.read(SAMPLE_BYTES))


def detect_zipped_shapefile_encoding(path: str | Path, layer: str | int | None = None,
                                     encoding: str | None = None) -> DetectedEncoding | None:
    """The same decision for a shapefile inside a .zip (the one named ``layer``, else the first); None
    when the archive holds no shapefile."""
    import zipfile

    if encoding:
        return DetectedEncoding(normalise_encoding(encoding), "user")
    with zipfile.ZipFile(path) as zf:
        members = {m.lower(): m for m in zf.namelist()}
        shps = [m for m in zf.namelist() if m.lower().endswith(".shp")]
        if layer is not None:
            shps = [m for m in shps if Path(m).stem.lower() == str(layer).lower()] or shps
        if not shps:
            return None
        stem = shps[0][:-4].lower()
        cpg, dbf = members.get(stem + ".cpg"), members.get(stem + ".dbf")
        cpg_text = zf.read(cpg).decode(errors="replace") if cpg else None
        if dbf is None:
            return _decide(cpg_text, None)
        with zf.open(dbf) as fh:
            return _decide(cpg_text, fh.read(SAMPLE_BYTES))


def _decide(cpg_text: str | None, dbf_head: bytes | None) -> DetectedEncoding:
    """.cpg text, then the DBF's language driver, then the heuristic over its text."""
    if cpg_text is not None:
        text = cpg_text.strip()
        try:
            return DetectedEncoding(normalise_encoding(text), f".cpg file ({text})")
        except LookupError:
            pass
    if dbf_head is None:
        return DetectedEncoding("utf-8", "no .dbf found")
    ldid, sample = _dbf_text_sample(dbf_head)
    from_ldid = LDID.get(ldid)
    if from_ldid:
        return DetectedEncoding(from_ldid, f"DBF language driver 0x{ldid:02X}")
    if not sample or sample.isascii():
        return DetectedEncoding("utf-8", "heuristic: attributes are plain ASCII")
    if _decodes(sample, "utf-8"):
        return DetectedEncoding("utf-8", "heuristic: attributes decode as UTF-8")
    text = _decodes(sample, "gb18030")
    if text:
        cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        if cjk >= max(1, len([c for c in text if not c.isascii()]) // 2):
            return DetectedEncoding("gb18030", "heuristic: attributes decode as GBK with Chinese characters")
    return DetectedEncoding("latin-1", "heuristic: neither UTF-8 nor GBK; read as Latin-1 (override with encoding=)")
