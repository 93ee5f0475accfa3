# Set-up is part of every target: a fresh clone needs only `make synth` and `make test`.
PYTHON ?= python3
VENV := .venv
NAG2_VENV := .venv-nag2
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

# sagemaker-core is read as data (its image_uri_config tables): no dependencies needed.
SAGEMAKER_CORE := sagemaker-core==2.27.0

.PHONY: synth test test-nag2 docs catalog clean

$(VENV)/.installed: pyproject.toml
	@echo "Setting up $(VENV): Python dependencies (AWS CDK, cdk-nag, cfn-lint...), 1-2 minutes on a first run"
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps "$(SAGEMAKER_CORE)"
	@echo "$(VENV) ready"
	touch $@

# cdk-nag 2.x in a venv of its own: the nag tests run against both majors.
$(NAG2_VENV)/.installed: pyproject.toml
	@echo "Setting up $(NAG2_VENV): the packs under cdk-nag 2, about a minute on a first run"
	$(PYTHON) -m venv $(NAG2_VENV)
	$(NAG2_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e . "cdk-nag>=2.37,<3" "pytest>=8"
	touch $@

node_modules/.installed: package.json package-lock.json
	@echo "Installing the pinned AWS CDK CLI (package-lock.json) into node_modules"
	npm ci --no-audit --no-fund --silent
	touch $@

# The main job: synthesize the default app with the sustainability checks, then print the
# findings and a summary of the synthesized templates.
synth: $(VENV)/.installed node_modules/.installed
	npx cdk synth --quiet
	$(VENV)/bin/green-constructs lint cdk.out
	$(VENV)/bin/green-constructs preflight cdk.out

test: $(VENV)/.installed node_modules/.installed $(NAG2_VENV)/.installed
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest -q
	$(MAKE) --no-print-directory test-nag2

test-nag2: $(NAG2_VENV)/.installed
	$(NAG2_VENV)/bin/python -m pytest -q -p no:cacheprovider tests/nag

# Regenerate the catalog's generated tables (botocore's API enums, the SDK's image tables).
catalog: $(VENV)/.installed
	$(VENV)/bin/python -m green_constructs.catalog.refresh

# The rule reference and the rule index (which module checks which resource types).
docs: $(VENV)/.installed
	$(VENV)/bin/python -c "from green_constructs.rules.registry import write_index; write_index()"
	$(VENV)/bin/green-constructs rules --format markdown > docs/RULES.md

clean:
	rm -rf cdk.out $(VENV) $(NAG2_VENV) node_modules
