#!/usr/bin/env bash
# Installs the peer tools the benchmarks compare against, under benchmarks/.cache (git-ignored).
#   (click pinned to 8.1.8, see below)
# Idempotent: a second run only checks what is there.
#
#   benchmarks/.cache/scanner-venv   AWS Sustainability Scanner 1.3.0 (+ typer 0.12.4, which it needs)
#   benchmarks/.cache/ours-venv      this repository installed as users get it (a regular install,
#                                    bytecode compiled by pip), reinstalled on every run
#   benchmarks/.cache/npm            @cdklabs/cdk-validator-cfnguard, only for the cfn-guard 3 binary it ships
#
# The scanner runs `cfn-guard` found through PATH (shutil.which); lint_vs_scanner.py puts the
# directory of the binary (printed at the end) first on PATH for the scanner's process.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$HERE/.cache"
PYTHON="${PYTHON:-$HERE/../.venv/bin/python}"
SCANNER_VERSION="1.3.0"
TYPER_VERSION="0.12.4"
# typer 0.12.4 predates click 8.2, whose make_metavar() signature change breaks its usage/--version
# output (scans still work); click 8.1.x is what it was released against.
CLICK_VERSION="8.1.8"
CFNGUARD_PKG_VERSION="0.0.62"

mkdir -p "$CACHE"

# --- Sustainability Scanner ---------------------------------------------------------------
VENV="$CACHE/scanner-venv"
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('sustainability-scanner') != '$SCANNER_VERSION' or m.version('typer') != '$TYPER_VERSION' or m.version('click') != '$CLICK_VERSION')" 2>/dev/null; then
    echo "setup: creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "sustainability-scanner==$SCANNER_VERSION" "typer==$TYPER_VERSION" "click==$CLICK_VERSION"
fi

# --- green-constructs, installed -------------------------------------------------------------
# --no-deps plus PyYAML: the cold lint imports the standard library and PyYAML only; the other
# dependencies (aws-cdk-lib, boto3, cfn-lint...) install no .pth file, so they add nothing to
# its start-up and are left out to keep the set-up fast.
OURS="$CACHE/ours-venv"
[ -x "$OURS/bin/python" ] || "$PYTHON" -m venv "$OURS"
"$OURS/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall \
    "$HERE/.." "PyYAML>=6.0"
"$OURS/bin/green-constructs" --version >&2

# --- cfn-guard 3 (shipped inside @cdklabs/cdk-validator-cfnguard) ----------------------------
NPM_PREFIX="$CACHE/npm"
PKG_DIR="$NPM_PREFIX/node_modules/@cdklabs/cdk-validator-cfnguard"
if [ "$(node -p "try{require('$PKG_DIR/package.json').version}catch(e){''}" 2>/dev/null)" != "$CFNGUARD_PKG_VERSION" ]; then
    echo "setup: installing @cdklabs/cdk-validator-cfnguard@$CFNGUARD_PKG_VERSION" >&2
    mkdir -p "$NPM_PREFIX"
    npm install --silent --no-audit --no-fund --legacy-peer-deps --prefix "$NPM_PREFIX" \
        "@cdklabs/cdk-validator-cfnguard@$CFNGUARD_PKG_VERSION" >&2
fi

GUARD="$("$PYTHON" "$HERE/_tools.py" cfn-guard)"
chmod +x "$GUARD"
"$GUARD" --version >&2
PATH="$(dirname "$GUARD"):$PATH" "$VENV/bin/susscanner" --version >&2
echo "setup: cfn-guard at $GUARD" >&2
