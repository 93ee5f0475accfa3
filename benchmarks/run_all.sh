#!/usr/bin/env bash
# Installs the peer tools (idempotent), then runs both benchmarks. Results: benchmarks/results/.
# Extra arguments are not passed on; run the scripts directly for other options.
# Takes about 7 minutes on 2 cores. Run it on an otherwise idle machine: the figures are
# wall times.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-$HERE/../.venv/bin/python}"

bash "$HERE/setup.sh"
"$PYTHON" "$HERE/lint_vs_scanner.py"
"$PYTHON" "$HERE/synth_overhead.py"
# again without CDK's built-in CloudFormation schema validation, which is most of every synth
# (baseline included) and most of its run-to-run noise: this isolates the packs' own cost
"$PYTHON" "$HERE/synth_overhead.py" --no-cfn-validation
