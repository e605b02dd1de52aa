"""The packet an agency sends its state training board: one zip file (`*.prepkit`), read without trust.

Parts: `result.json` (the result with its questionnaire snapshot embedded, as `export --what result`
writes it), `public-summary.pdf` (the public report), `plan.csv` (the improvement plan, when there is
one) and `manifest.json` (the SHA-256 and size of every other part, and the approval the result carries).

Reading is hostile-safe: the file and every part have size limits (checked on the bytes actually
read, not on what the zip's headers claim), only the known part names are accepted (no folders, no
path traversal, nothing is ever extracted to disk), encrypted or duplicate entries are refused,
every hash is checked, the result goes through the gate, and its approval must match both its
answers and the manifest. Any failure is a ContentError naming the packet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prepkit.content.yamlio import MAX_BYTES, open_regular
from prepkit.errors import ContentError, file_problem, os_reason
from prepkit.results.approval import ApprovalState, approval_state
from prepkit.results.model import Result, result_json

PACKET_SUFFIX = ".prepkit"
PACKET_FORMAT = 1
MANIFEST = "manifest.json"
RESULT = "result.json"
PUBLIC_SUMMARY = "public-summary.pdf"
PLAN = "plan.csv"
PART_LIMITS = {
    MANIFEST: 64 * 1024,
    RESULT: MAX_BYTES,
    PUBLIC_SUMMARY: 32 * 2**20,
    PLAN: 8 * 2**20,
}
MAX_PACKET_BYTES = sum(PART_LIMITS.values()) + 2**20
MAX_RATIO = 200  # a part may not expand more than this from its compressed size (zip bombs)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_packet(
    result: Result, *, public_summary: bytes, plan_csv: bytes | None = None, now: dt.datetime | None = None
) -> bytes:
    """The packet's bytes; result must carry its snapshot. The zip is deterministic for the same parts."""
    if result.snapshot is None:
        raise ValueError("a packet needs the result's questionnaire snapshot")
    parts = {RESULT: result_json(result), PUBLIC_SUMMARY: public_summary}
    if plan_csv is not None:
        parts[PLAN] = plan_csv
    approval = result.approval
    manifest = {
        "packet": PACKET_FORMAT,
        "created": (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        "result": {
            "id": result.id,
            "agency": result.agency,
            "questionnaire": result.questionnaire.id,
            "version": result.questionnaire.version,
            "date": result.date.isoformat(),
        },
        "approval": None if approval is None else approval.model_dump(mode="json"),
        "parts": {name: {"sha256": sha256(data), "bytes": len(data)} for name, data in parts.items()},
    }
    parts[MANIFEST] = (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in (MANIFEST, RESULT, PUBLIC_SUMMARY, PLAN):
            if name in parts:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o600 << 16
                archive.writestr(info, parts[name])
    return buffer.getvalue()


@dataclass(frozen=True)
class PacketContents:
    """A packet's parts, every hash checked; the result itself is checked by `read_packet`."""

    path: Path
    manifest: dict[str, Any]
    parts: dict[str, bytes]

    @property
    def result_text(self) -> str:
        return self.parts[RESULT].decode("utf-8", errors="replace")

    @property
    def label(self) -> Path:
        """How messages name the result inside: PACKET:result.json."""
        return Path(f"{self.path}:{RESULT}")


def _refuse(path: Path, message: str) -> ContentError:
    return file_problem(path, f"packet refused: {message}")


def open_packet(path: Path) -> PacketContents:
    """The parts of the packet in path, read in memory and checked against its manifest."""
    try:
        with open_regular(path) as handle:  # a FIFO or device is refused, never waited on
            data = handle.read(MAX_PACKET_BYTES + 1)
    except OSError as err:
        raise file_problem(path, f"cannot read: {os_reason(err)}") from None
    if len(data) > MAX_PACKET_BYTES:
        raise _refuse(path, f"larger than {MAX_PACKET_BYTES // 2**20} MiB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as err:  # hostile bytes: BadZipFile, struct, zlib, unicode, overflow errors alike
        raise _refuse(path, f"not a readable zip file ({err})") from None
    with archive:
        parts = _read_parts(path, archive)
    manifest = _manifest(path, parts.pop(MANIFEST))
    listed = manifest["parts"]
    if set(listed) != set(parts):
        missing = sorted(set(listed) - set(parts))
        extra = sorted(set(parts) - set(listed))
        raise _refuse(
            path, f"parts do not match the manifest (missing: {missing or 'none'}, unlisted: {extra or 'none'})"
        )
    for name, data in parts.items():
        entry = listed[name]
        if not isinstance(entry, dict) or entry.get("sha256") != sha256(data) or entry.get("bytes") != len(data):
            raise _refuse(path, f"{name} does not match its SHA-256 in the manifest (changed or damaged)")
    if RESULT not in parts:
        raise _refuse(path, f"it holds no {RESULT}")
    return PacketContents(path, manifest, parts)


def _read_parts(path: Path, archive: zipfile.ZipFile) -> dict[str, bytes]:
    parts: dict[str, bytes] = {}
    infos = archive.infolist()
    if len(infos) > len(PART_LIMITS):
        raise _refuse(path, f"{len(infos)} entries; a packet has at most {len(PART_LIMITS)}")
    for info in infos:
        name = info.filename
        if name not in PART_LIMITS:  # also refuses folders, '..', absolute and backslash names
            raise _refuse(path, f"unexpected entry {name[:80]!r}")
        if name in parts:
            raise _refuse(path, f"entry {name} appears twice")
        if info.flag_bits & 0x1:
            raise _refuse(path, f"entry {name} is encrypted")
        limit = PART_LIMITS[name]
        if info.file_size > limit or info.file_size > MAX_RATIO * max(info.compress_size, 1) + 4096:
            raise _refuse(path, f"entry {name} is too large or compressed suspiciously well")
        try:
            with archive.open(info) as handle:
                data = handle.read(limit + 1)
        except Exception as err:  # a bad CRC, broken deflate data (zlib.error), an unsupported method
            raise _refuse(path, f"entry {name} cannot be read ({err})") from None
        if len(data) > limit:
            raise _refuse(path, f"entry {name} is larger than {limit} bytes")
        parts[name] = data
    if MANIFEST not in parts:
        raise _refuse(path, f"it holds no {MANIFEST}")
    return parts


def _manifest(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _refuse(path, f"{MANIFEST} is not valid JSON") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("packet") != PACKET_FORMAT
        or not isinstance(manifest.get("parts"), dict)
    ):
        raise _refuse(path, f"{MANIFEST} is not a format {PACKET_FORMAT} packet manifest")
    return manifest


def check_approval(contents: PacketContents, result: Result) -> ApprovalState:
    """The result's approval state; a ContentError when it was changed after approval or does not
    match the approval the manifest records."""
    state = approval_state(result)
    if state == "changed":
        raise _refuse(contents.path, "the result's answers changed after approval (its fingerprint does not match)")
    recorded = contents.manifest.get("approval")
    carried = None if result.approval is None else result.approval.model_dump(mode="json")
    if recorded != carried:
        raise _refuse(contents.path, "the result's approval does not match the manifest")
    return state


def read_packet(path: Path) -> tuple[Result, ApprovalState]:
    """The checked result in a packet (through the gate) and its approval state."""
    from prepkit.results.gate import read_result

    contents = open_packet(path)
    result = read_result(contents.label, None, contents.result_text)
    return result, check_approval(contents, result)
