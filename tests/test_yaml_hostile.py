"""Hostile files get one clear error quickly and in bounded memory: never a hang or a traceback."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_process as run_prepkit


def bomb() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


CASES = {
    "alias-bomb.yaml": (bomb(), "1:1: more than 250,000 values once aliases are expanded"),
    "python-tag.yaml": (
        "format: 1\nid: !!python/object/apply:os.system ['echo pwned']\n",
        "2:5: the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed",
    ),
    "python-name.yaml": ("x: !!python/name:os.system\n", "1:4: the tag tag:yaml.org,2002:python/name:os.system"),
    "deep-flow.yaml": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", "1:1003: invalid YAML: exceeded maximum nesting"),
    "deep-block.yaml": (
        "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "x: 1\n",
        "42:83: nesting deeper than 40 levels is not allowed",
    ),
    "latin1.yaml": ("title: Caf\xe9 de la Gare\n".encode("latin-1"), "1:11: not UTF-8 text (byte 0xe9)"),
    "garbage.yaml": (bytes(range(256)) * 8, "2:118: not UTF-8 text (byte 0x80)"),
    "nul.yaml": (b"format: 1\nid: a\x00b\n", "2:1: binary data (NUL byte) is not allowed in a YAML file"),
    "bad-yaml.yaml": ("format: 1\nid: [unclosed\ntitle: x\n", "invalid YAML"),
    "empty.yaml": ("", "1:1: the file is empty"),
    "list-top.yaml": ("- 1\n- 2\n", "1:1: expected a mapping of keys, got a list"),
    "dup-key.yaml": ("format: 1\nformat: 2\n", "2:1: duplicate key 'format'"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_one_clear_error(tmp_path: Path, name: str) -> None:
    content, expected = CASES[name]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    started = time.monotonic()
    proc = run_prepkit("validate", str(path), timeout=20)
    assert time.monotonic() - started < 20  # a hang guard; speed itself is measured in benchmarks/
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"{path}:"), first
    assert expected in first, first


def test_fifty_megabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as handle:
        handle.write("a:\n")
        line = "  - " + "x" * 60 + "\n"
        handle.write(line * (50 * 2**20 // len(line)))
    proc = run_prepkit("validate", str(path), timeout=20)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"{path}:1:1: file is 52.4 MB; the limit is 5 MiB"


# Starts prepkit from a small process and prints its exit code and peak memory (KiB). A child forked
# from the test process itself would report at least the test process's own size: Linux carries a
# forking parent's peak across exec.
PEAK_OF = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
)


def test_alias_bomb_stays_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb())
    command = [sys.executable, "-c", PEAK_OF, sys.executable, "-m", "prepkit", "validate", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=True)
    code, peak_kib = map(int, done.stdout.split())
    assert code == 1
    assert peak_kib < 400 * 1024  # the expanded document would need gigabytes


def test_a_directory_or_device_is_not_read(tmp_path: Path) -> None:
    proc = run_prepkit("validate", str(tmp_path), "/dev/zero", timeout=20)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{tmp_path}:1:1: not a regular file (it is a folder)",
        "/dev/zero:1:1: not a regular file (it is a device)",
    ]


def test_a_long_string_aliased_many_times_is_refused_fast(tmp_path: Path) -> None:
    """1 MB of text aliased 2,000 times is 2 GB once expanded: refused by size, before expanding."""
    path = tmp_path / "wide-bomb.yaml"
    path.write_text("format: 1\nid: &a " + "A" * 1_000_000 + "\ntitle: [" + ", ".join(["*a"] * 2000) + "]\n")
    started = time.monotonic()
    proc = run_prepkit("validate", str(path), timeout=30)
    assert proc.returncode == 1
    assert "more than 10 million characters once aliases are expanded" in proc.stderr
    assert time.monotonic() - started < 10  # before the bound: 13 to 45 s and gigabytes


def test_positions_are_those_of_the_values_the_builder_kept(tmp_path: Path) -> None:
    """Positions are looked up in the parsed file only when a message needs one: each must be where the
    kept value is (the first of two equal keys, a flow text continued after a comma, list items)."""
    from prepkit.content.yamlio import load_yaml

    path = tmp_path / "doc.yaml"
    path.write_text(
        "a: 1\n"
        "items:\n"
        "  - {id: x, description: No policy, practice or resource exists., note: n}\n"
        "  - id: y\n"
        "    when: {has-schools: [yes, no]}\n"
        "a: 2\n"
        "1: number key\n",
        encoding="utf-8",
    )
    doc = load_yaml(path, positions_only=True)  # the duplicate `a` is an error; its positions still count
    assert doc.data["items"][0]["description"] == "No policy, practice or resource exists."
    assert doc.position(("a",)) == (1, 4)  # the first `a`, the one kept
    assert doc.position(("a",), key=True) == (1, 1)
    assert doc.position(("items", 0, "note")) == (3, 73)
    assert doc.position(("items", 0, "note"), key=True) == (3, 67)
    assert doc.position(("items", 1, "when", "has-schools", 1)) == (5, 31)
    assert doc.position(("items", 1, "when", "missing", 4)) == (5, 11)  # its nearest ancestor
    assert doc.position(("items", 7)) == (3, 3)
    assert doc.position((1,), key=True) == (7, 1)
    assert doc.position(("practice or resource exists.",)) == (1, 1)  # merged into the text, not a key
    assert doc.position(([],)) == (1, 1)  # an unhashable step is no key
    assert doc.problem(("items", 1, "id"), "m").line == 4


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(
        st.text(max_size=12),
        st.text(alphabet="0123456789+-._:eExXoObB~nNuUlLtTrRfFaAsSyYiI ", max_size=10),
        st.sampled_from(["", "~", "null", "Null", "true", "FALSE", "yes", "on", ".inf", "-.Inf", ".nan", "0x1F"]),
        st.sampled_from(["0o17", "1_000", "1:30", "2026-12-01", "2026-12-01 10:00:00", "1e3", "+12", "=", "<<"]),
    ),
    plain=st.booleans(),
    kind=st.sampled_from(["scalar", "sequence", "mapping"]),
)
def test_the_loaders_tag_resolution_is_pyyamls(value: str, plain: bool, kind: str) -> None:
    """prepkit's resolve() skips the lists PyYAML's builds for each value; the tag must be the same."""
    import yaml

    from prepkit.content import yamlio

    node_kind = {"scalar": yaml.ScalarNode, "sequence": yaml.SequenceNode, "mapping": yaml.MappingNode}[kind]
    loader = yamlio._Yaml12Loader("")
    try:
        implicit = (plain, not plain)
        assert loader.resolve(node_kind, value, implicit) == yaml.resolver.BaseResolver.resolve(
            loader, node_kind, value, implicit
        )
    finally:
        loader.dispose()
