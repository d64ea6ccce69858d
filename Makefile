# Single entry point. `make demo` and `make test` work on a fresh machine with
# Python 3.11: they build their own virtualenv from pinned requirements.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
BUILD       := build
# Collections are found as ansible_collections/<namespace>/<name>: a symlink for
# running playbooks, a plain copy for ansible-test (which resolves real paths).
COLLECTIONS := $(BUILD)/collections
LAYOUT      := $(COLLECTIONS)/ansible_collections/exotel/sip_trunking
SANITY_ROOT := $(BUILD)/sanity/ansible_collections/exotel/sip_trunking
GET_PIP     := $(HOME)/.ansible/test/cache
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: all demo test unit integration molecule sanity lint layout venv clean bench

all: test

$(BIN)/.installed: tests/requirements-dev.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r tests/requirements-dev.txt -r requirements.txt
	touch $@

venv: $(BIN)/.installed

layout:
	@mkdir -p $(dir $(LAYOUT))
	@ln -sfn $(CURDIR) $(LAYOUT)

## demo: start the simulator, converge the demo playbook twice (second run changed=0), print the result
demo: venv layout
	$(BIN)/python tests/demo.py

## test: every test - pytest (unit, simulator, integration, molecule, runner), ansible-test sanity, ansible-lint
test: venv layout
	$(BIN)/python -m pytest tests -p no:cacheprovider
	$(MAKE) sanity
	$(MAKE) lint

unit: venv layout
	$(BIN)/python -m pytest tests/unit -p no:cacheprovider

integration: venv layout
	$(BIN)/python -m pytest tests/integration -p no:cacheprovider

molecule: venv layout
	$(BIN)/python -m pytest tests/molecule -p no:cacheprovider

sanity: venv
	@mkdir -p $(GET_PIP)
	@$(BIN)/python tests/sanity/write_get_pip_standin.py $(GET_PIP)
	rm -rf $(BUILD)/sanity && mkdir -p $(SANITY_ROOT)
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t $(SANITY_ROOT)
	cd $(SANITY_ROOT) && git init -q . && git add -A && \
	  ANSIBLE_COLLECTIONS_PATH= ansible-test sanity --local --python 3.11 --color no

lint: venv layout
	$(BIN)/ansible-lint --offline --profile production

bench: venv layout
	$(BIN)/python tests/bench/bench.py

clean:
	rm -rf $(BUILD) $(VENV) tests/output
