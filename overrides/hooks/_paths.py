"""Lets the build hooks use the project's own modules in scripts/ (one implementation for both), and
gives them state that lasts one build."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def per_build(config) -> dict:
    """State shared by the language builds of one `mkdocs build` or one rebuild of the live preview.

    MkDocs keeps hook modules loaded between preview rebuilds, so module-level state would go stale;
    but it loads a fresh configuration for every rebuild, and static-i18n builds each language with
    that same configuration object. So the state hangs on the configuration.
    """
    state = getattr(config, "_handbook_build_state", None)
    if state is None:
        state = {}
        setattr(config, "_handbook_build_state", state)
    return state
