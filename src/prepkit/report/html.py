"""The report as HTML: one sandboxed Jinja environment, autoescaped, with user text only ever data.

An agency's `--template-dir` is code from outside: its templates are rendered in Jinja's sandbox (no
attribute tricks reach Python), and the loader reads only regular files inside the folder, never a
symbolic link, never a path that leaves it.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from prepkit.errors import UsageError, file_problem
from prepkit.paths import bundled_templates
from prepkit.report.context import ReportContext

if TYPE_CHECKING:
    import jinja2

MAIN_TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
MAX_TEMPLATE_BYTES = 1024 * 1024


def template_dirs(template_dir: Path | None = None) -> list[Path]:
    """The folders templates come from: the agency's first (it may override any file), then ours."""
    bundled = bundled_templates()
    if template_dir is None:
        return [bundled]
    if template_dir.is_symlink() or not template_dir.is_dir():
        raise UsageError(f"--template-dir {template_dir} is not a folder (a symbolic link is not taken)")
    return [template_dir.resolve(), bundled]


# Break opportunities in a URL: after the scheme's "//" and after each later "/", and before "?" and "&".
_URL_BREAKS = re.compile(r"(?<=//)|(?<=[^/:]/)(?=.)|(?=[?&])")


def breakable_url(url: str) -> Markup:
    """url escaped, with <wbr> where a line may break: after the scheme, the host and each '/'.

    Each piece between is a nowrap span, so that a line never breaks at a hyphen or mid-word inside it.
    """
    parts = _URL_BREAKS.split(str(url))
    return Markup("<wbr>").join(Markup('<span class="nobr">{}</span>').format(part) for part in parts if part)


def template_source(folder: Path, name: str) -> str | None:
    """The text of template name in folder, or None if it has none there.

    Refused (a ContentError naming the file): a name leaving the folder, a symbolic link anywhere on
    the way, anything but a regular file, a file over MAX_TEMPLATE_BYTES, text that is not UTF-8.
    """
    parts = name.replace("\\", "/").split("/")
    if name.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise file_problem(name, "template names stay inside the template folder")
    path = folder
    for part in parts:
        path = path / part
        try:
            info = path.lstat()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise file_problem(path, f"cannot read the template: {err.strerror or err}") from None
        if stat.S_ISLNK(info.st_mode):
            raise file_problem(path, "templates may not be symbolic links")
    if not stat.S_ISREG(info.st_mode):
        raise file_problem(path, "a template must be a regular file")
    if info.st_size > MAX_TEMPLATE_BYTES:
        raise file_problem(path, f"template larger than {MAX_TEMPLATE_BYTES // 1024} KiB")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        raw = handle.read(MAX_TEMPLATE_BYTES + 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise file_problem(path, "not UTF-8 text; save the template as UTF-8") from None


def safe_loader(folders: list[Path]) -> jinja2.BaseLoader:
    """A loader over folders (first wins) that keeps to the rules of template_source."""
    import jinja2

    class FolderLoader(jinja2.BaseLoader):
        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str | None, Callable[[], bool] | None]:
            for folder in folders:
                source = template_source(folder, template)
                if source is not None:
                    return source, str(folder / template), lambda: False
            raise jinja2.TemplateNotFound(template)

    return FolderLoader()


@functools.lru_cache(maxsize=4)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    """One sandboxed Jinja environment per template folders, its templates compiled once per process.

    No bytecode cache on disk: compiled templates are code, and report rendering reads nothing but its
    templates (a cache another process could plant would run as prepkit)."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=safe_loader(list(folders)),
        autoescape=True,  # every template, whatever its file name; user text is data, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["breakable_url"] = breakable_url
    return env


def render_html(context: ReportContext, template_dir: Path | None = None) -> str:
    import jinja2

    env = _environment(tuple(template_dirs(template_dir)))
    try:
        # The stylesheet is ours or the agency's own file, so it goes in as it is (not as a template).
        css_source, _, _ = env.loader.get_source(env, STYLESHEET)  # type: ignore[union-attr]
        return env.get_template(MAIN_TEMPLATE).render(r=context, stylesheet=Markup(css_source))
    except jinja2.TemplateSyntaxError as err:
        raise file_problem(
            err.filename or err.name or MAIN_TEMPLATE, f"template error: {err.message}", err.lineno
        ) from None
    except jinja2.exceptions.SecurityError as err:
        raise file_problem(MAIN_TEMPLATE, f"template refused: {err}") from None
    except jinja2.TemplateError as err:  # e.g. an agency template naming a field that does not exist
        raise file_problem(MAIN_TEMPLATE, f"template error: {err.message}") from None
