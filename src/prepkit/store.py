"""The result store: a private folder of result files plus questionnaire snapshots keyed by hash.

Results are small (answers only); each questionnaire snapshot is stored once under snapshots/, so a
store of thousands of results stays fast to read. An exported result embeds its snapshot instead.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, UsageError, file_problem
from .fsutil import private_dir, write_private
from .results import Result, Snapshot, parse_result, result_json
from .yamlio import read_text


def default_store_dir(option: Path | None = None) -> Path:
    """--store, else PREPKIT_STORE, else the platform's user data folder for prepkit (spec 5)."""
    if option is not None:
        return option
    env = os.environ.get("PREPKIT_STORE")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("prepkit", appauthor=False)) / "store"


@dataclass
class Store:
    root: Path

    @property
    def results_dir(self) -> Path:
        return self.root / "results"

    @property
    def snapshots_dir(self) -> Path:
        return self.root / "snapshots"

    def path_of(self, result_id: str) -> Path:
        return self.results_dir / f"{result_id}.json"

    def save(self, result: Result, *, replace: bool = True) -> Path:
        """Write result atomically (owner-only); its snapshot goes to snapshots/ once per hash.

        replace=False refuses to overwrite an existing result with the same id (FileExistsError).
        """
        private_dir(self.root)
        if result.snapshot is not None:
            snap_path = self._snapshot_path(result.questionnaire.hash)
            if not snap_path.exists():
                # another process may store the same snapshot at the same moment
                with contextlib.suppress(FileExistsError):
                    write_private(snap_path, result.snapshot.model_dump_json().encode(), exclusive=True)
        stored = result.model_copy(update={"snapshot": None})
        path = self.path_of(result.id)
        write_private(path, result_json(stored), exclusive=not replace)
        return path

    def _snapshot_path(self, content_hash: str) -> Path:
        return self.snapshots_dir / f"{content_hash.replace(':', '-')}.json"

    def attach_snapshot(self, result: Result, path: Path) -> Result:
        if result.snapshot is not None:
            return result
        # The store the file lives in first (a path given from another store), then this one.
        name = self._snapshot_path(result.questionnaire.hash).name
        beside = path.parent.parent / "snapshots" / name
        snap_path = beside if beside.is_file() else self.snapshots_dir / name
        try:
            snapshot = Snapshot.model_validate_json(read_text(snap_path))
        except (ContentError, ValueError):
            raise file_problem(path, f"its questionnaire snapshot {snap_path.name} is missing or damaged") from None
        return result.model_copy(update={"snapshot": snapshot})

    def load(self, path: Path) -> Result:
        return self.attach_snapshot(parse_result(path), path)

    def find(self, ref: str) -> Path:
        """The path of a result named by path or by id."""
        candidate = Path(ref).expanduser()
        if candidate.is_file():
            return candidate
        path = self.path_of(ref)
        if "/" not in ref and path.is_file():
            return path
        raise UsageError(f"no result '{ref}' in {self.results_dir} (give a result id or a file path)")

    def paths(self) -> list[Path]:
        if not self.results_dir.is_dir():
            return []
        return sorted(p for p in self.results_dir.glob("*.json") if not p.name.startswith("."))

    def scan(self) -> Iterator[tuple[Path, Result | ContentError]]:
        """Every result file, or the error that keeps it from being read (callers warn and skip)."""
        for path in self.paths():
            try:
                yield path, parse_result(path)
            except ContentError as err:
                yield path, err
