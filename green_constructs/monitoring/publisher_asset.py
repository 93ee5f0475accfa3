"""The carbon metrics Lambda's code, assembled at synth from the installed package.

Only what the handler imports: the handler itself, the catalog (pure Python and its CSV files),
the estimator's footprint module and the utilization metric the dashboard shares, under
``green_constructs/`` so the handler imports them by their usual names. Nothing of CDK, the
rules or the CLI goes in.
"""

from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
HANDLER = "publisher_handler.handler"
_ESTIMATE_INIT = (
    '"""The estimator\'s footprint model, as shipped in the carbon metrics Lambda."""\n'
)
_MONITORING_INIT = (
    '"""The utilization metric the dashboard uses, as shipped in the carbon metrics Lambda."""\n'
)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


@lru_cache(maxsize=1)
def publisher_asset_dir() -> str:
    """A directory holding the Lambda's code, built once per process."""
    root = Path(tempfile.mkdtemp(prefix="green-constructs-publisher-"))
    _copy(Path(__file__).with_name("publisher_handler.py"), root / "publisher_handler.py")
    package = root / "green_constructs"
    _copy(PACKAGE / "__init__.py", package / "__init__.py")
    for module in sorted((PACKAGE / "catalog").glob("*.py")):
        _copy(module, package / "catalog" / module.name)
    for data in sorted((PACKAGE / "catalog" / "data").glob("*.csv")):
        _copy(data, package / "catalog" / "data" / data.name)
    (package / "estimate").mkdir()
    (package / "estimate" / "__init__.py").write_text(_ESTIMATE_INIT, encoding="utf-8")
    _copy(PACKAGE / "estimate" / "footprint.py", package / "estimate" / "footprint.py")
    (package / "monitoring").mkdir()
    (package / "monitoring" / "__init__.py").write_text(_MONITORING_INIT, encoding="utf-8")
    _copy(PACKAGE / "monitoring" / "utilization.py", package / "monitoring" / "utilization.py")
    return str(root)
