"""Ship a training script directory the way SageMaker's training toolkit expects it.

The toolkit in the Deep Learning Containers installs ``sagemaker_submit_directory`` (a gzipped
tar, plus its ``requirements.txt``) and runs ``sagemaker_program`` from it. The directory is
packed reproducibly (sorted entries, fixed owners and times: the same files give the same asset
hash) and uploaded as a file asset; the job gets it as the ``code`` input channel, which also
works with network isolation.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import tempfile
from pathlib import Path

from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

CODE_CHANNEL = "code"
_SKIPPED = {"__pycache__", ".git", ".venv", ".ipynb_checkpoints"}


def source_asset(
    scope: Construct, construct_id: str, *, source_dir: str, entry_point: str
) -> s3_assets.Asset:
    """``source_dir`` packed as ``sourcedir.tar.gz`` and uploaded as an asset.

    Raises ValueError naming ``source_dir`` or ``entry_point`` when the directory or the
    script in it is missing.
    """
    root = Path(source_dir)
    if not root.is_dir():
        raise ValueError(f"source_dir: {source_dir} is not a directory")
    script = root / entry_point
    if not script.is_file():
        raise ValueError(f"entry_point: {entry_point} is not a file in source_dir {source_dir}")
    if root.resolve() not in script.resolve().parents:  # a symbolic link out of the directory
        raise ValueError(
            f"entry_point must be a script inside source_dir {source_dir}, got {entry_point!r}"
        )
    data = _pack(root)
    digest = hashlib.sha256(data).hexdigest()
    target = Path(tempfile.gettempdir(), "green-constructs-sources", digest)
    target.mkdir(parents=True, exist_ok=True)
    archive = target / "sourcedir.tar.gz"
    if not archive.exists():
        archive.write_bytes(data)
    return s3_assets.Asset(scope, construct_id, path=str(archive))


def _pack(root: Path) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed:
        with tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive:
            for path in sorted(p for p in root.rglob("*") if p.is_file() and _kept(p, root)):
                info = tarfile.TarInfo(path.relative_to(root).as_posix())
                info.size = path.stat().st_size
                info.mode = 0o644
                info.mtime = 0
                with path.open("rb") as content:
                    archive.addfile(info, content)
    return buffer.getvalue()


def _kept(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(part in _SKIPPED for part in parts) and path.suffix != ".pyc"
