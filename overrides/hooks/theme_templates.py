"""Less work with the theme's templates on every build and every rebuild of the live preview.

Both were found with a profiler (decisions/0003-performance.md; `handbook.py profile`):

- MkDocs looks for the theme's static files by listing every file under the theme's folders, and
  Material keeps over 14,000 icons in `.icons/`. MkDocs then throws away every path with a part
  starting with a dot, so the listing here skips those folders instead of walking them: the same
  files, without 15 % of a preview rebuild. (Icons are still included into pages as before.)
- Compiled templates are kept between builds in `.cache/jinja2/` (Jinja's bytecode cache). Jinja keys
  each template by its name, its source's checksum and the Jinja and Python versions, so an edited or
  updated template is compiled afresh. Deleting `.cache/` is always safe.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import FileSystemBytecodeCache, FileSystemLoader
from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig


class _Loader(FileSystemLoader):
    def list_templates(self) -> list[str]:
        found = set()
        for searchpath in self.searchpath:
            for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=self.followlinks):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                base = os.path.relpath(dirpath, searchpath)
                for name in filenames:
                    found.add(name if base == "." else f"{base}/{name}".replace(os.sep, "/"))
        return sorted(found)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    theme = config.theme
    if getattr(theme, "_handbook_env", False):
        return config
    original = theme.get_env
    cache = Path(config.config_file_path).parent / ".cache" / "jinja2"

    def get_env() -> Environment:
        env = original()
        if type(env.loader) is not FileSystemLoader:
            raise PluginError("overrides/hooks/theme_templates.py expects MkDocs' FileSystemLoader; update the hook")
        env.loader = _Loader(env.loader.searchpath, followlinks=env.loader.followlinks)
        cache.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(cache))
        return env

    # MkDocs' Theme declares neither: the hook replaces the method and marks the theme it has changed
    theme.get_env = get_env  # type: ignore[method-assign]
    theme._handbook_env = True  # type: ignore[attr-defined]
    return config
