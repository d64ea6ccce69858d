# Single entry point. `make demo` and `make test` work on a fresh machine with
# Python 3.11 (plus Python 3.12 or 3.13 for the ansible-core 2.21 leg of the matrix):
# they build their own virtualenvs from pinned requirements. CONTRIBUTING.md explains
# every target, the version matrix and the release gates.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
# galaxy-importer, antsibull-docs, antsibull-changelog and Sphinx: kept out of the test
# venv so that release tooling can never change what the tests run against.
RELEASE     := .venv-release
RBIN        := $(CURDIR)/$(RELEASE)/bin
BUILD       := build
# Collections are found as ansible_collections/<namespace>/<name>: a symlink for
# running playbooks, a plain copy of the git-tracked files for ansible-test, the docs
# linter, antsibull-changelog and the tarball build (so no local by-product leaks in).
COLLECTIONS := $(BUILD)/collections
LAYOUT      := $(COLLECTIONS)/ansible_collections/exotel/sip_trunking
COLL_PATH   := ansible_collections/exotel/sip_trunking
GET_PIP     := $(HOME)/.ansible/test/cache
VERSION      = $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL      = $(BUILD)/dist/exotel-sip_trunking-$(VERSION).tar.gz
# pytest-xdist workers for the subprocess-heavy suites (0 = serial).
PYTEST_WORKERS ?= 2

# The version matrix: the full suite runs on the .venv version (ansible-core 2.19,
# Python 3.11); these run sanity, unit and the smoke set (tests/matrix/smoke.txt).
# Python versions are tried in order by tests/matrix/find_python.py.
MATRIX      := 2.16 2.21
PYTHONS_2.16 := 3.11
PYTHONS_2.21 := 3.13 3.12

# `make test` runs these stages in this order (tests/matrix/stages.py times each and
# prints a table). Cheap gates first; every stage runs even when an earlier one failed.
STAGES := venvs changelog-check docs-lint docs build import-check lint suite suite-strict sanity \
          $(foreach v,$(MATRIX),sanity-$(v) unit-$(v) smoke-$(v))

export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: all demo test suite suite-strict unit integration molecule sanity lint mutation layout venv venvs venv-release \
        changelog changelog-check docs docs-lint build import-check bench clean \
        $(foreach v,$(MATRIX),venv-$(v) sanity-$(v) unit-$(v) smoke-$(v) matrix-$(v)) matrix

all: test

# Copy the collection's git-tracked (and new, not ignored) files to $(1).
define copy_tree
	rm -rf $(1) && mkdir -p $(1)
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t $(1)
endef

# ---------------------------------------------------------------- virtualenvs

$(BIN)/.installed: tests/requirements-dev.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r tests/requirements-dev.txt -r requirements.txt
	touch $@

$(RELEASE)/bin/.installed: tests/requirements-release.txt
	rm -rf $(RELEASE)
	$(PYTHON) -m venv $(RELEASE)
	$(RELEASE)/bin/python -m pip install --quiet --upgrade pip
	$(RELEASE)/bin/python -m pip install --quiet -r tests/requirements-release.txt
	touch $@

# One venv per ansible-core version of the matrix, on the first Python found for it.
.venv-core%/bin/.installed: tests/requirements-core%.txt requirements.txt
	@py=$$($(PYTHON) tests/matrix/find_python.py $(PYTHONS_$*)) && \
	  echo "ansible-core $*: $$py" && rm -rf .venv-core$* && $$py -m venv .venv-core$*
	.venv-core$*/bin/python -m pip install --quiet --upgrade pip
	.venv-core$*/bin/python -m pip install --quiet -r tests/requirements-core$*.txt -r requirements.txt
	touch $@

venv: $(BIN)/.installed
venv-release: $(RELEASE)/bin/.installed
$(foreach v,$(MATRIX),$(eval venv-$(v): .venv-core$(v)/bin/.installed))
# In parallel: four independent venvs, mostly waiting on downloads and unpacking.
venvs:
	@$(MAKE) --no-print-directory -j4 --output-sync=target venv venv-release $(foreach v,$(MATRIX),venv-$(v))

layout:
	@mkdir -p $(dir $(LAYOUT))
	@ln -sfn $(CURDIR) $(LAYOUT)

## demo: start the simulator, converge the demo playbook twice (second run changed=0), print the result
demo: venv layout
	$(BIN)/python tests/demo.py

# ---------------------------------------------------------------- make test

## test: every gate, in the order of STAGES, with a table of stage times at the end
test:
	@MAKE="$(MAKE)" $(PYTHON) tests/matrix/stages.py $(STAGES)

## suite: the whole pytest suite (unit, simulator, integration, role, molecule, runner, faults) on ansible-core 2.19
suite: venv layout
	$(BIN)/python -m pytest tests -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal --durations=10

## suite-strict: the suites that converge real playbooks (integration targets, role, molecule) again,
## against the simulator's strict profile: the harsher reading of every uncertain fact of the API
## documents (docs/api-assumptions.md). The live check's tests run both profiles in the suite itself.
suite-strict: venv layout
	EXOTEL_SIM_PROFILE=strict $(BIN)/python -m pytest tests/integration tests/role tests/molecule \
	  -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal --durations=5

unit: venv layout
	$(BIN)/python -m pytest tests/unit -p no:cacheprovider

integration: venv layout
	$(BIN)/python -m pytest tests/integration -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal

molecule: venv layout
	$(BIN)/python -m pytest tests/molecule -p no:cacheprovider -n $(PYTEST_WORKERS) --dist worksteal

# ansible-test sanity --local with the ansible-test of venv $(1), in build/$(2).
define run_sanity
	@mkdir -p $(GET_PIP)
	@$(1)/bin/python tests/sanity/write_get_pip_standin.py $(GET_PIP)
	$(call copy_tree,$(BUILD)/$(2)/$(COLL_PATH))
	cd $(BUILD)/$(2)/$(COLL_PATH) && git init -q . && git add -A && \
	  PATH=$(CURDIR)/$(1)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH= $(CURDIR)/$(1)/bin/ansible-test sanity --local \
	    --python $$($(CURDIR)/$(1)/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --color no
endef

sanity: venv
	$(call run_sanity,$(VENV),sanity)

lint: venv layout
	$(BIN)/ansible-lint --offline --profile production

# ---------------------------------------------------------------- version matrix

# sanity-2.16, unit-2.16, smoke-2.16, matrix-2.16 (all three), and the same for 2.21. The smoke
# set is tests/matrix/smoke.txt; tests/matrix/known_failures.txt marks known bugs xfail(strict).
define matrix_targets
sanity-$(1): venv-$(1)
	$$(call run_sanity,.venv-core$(1),sanity-$(1))

unit-$(1): venv-$(1) layout
	.venv-core$(1)/bin/python -m pytest tests/unit -p no:cacheprovider

smoke-$(1): venv-$(1) layout
	set -f; PYTHONPATH=tests/matrix .venv-core$(1)/bin/python -m pytest -p no:cacheprovider -p known_failures \
	  --known-failures-strict -n $$(PYTEST_WORKERS) $$$$(sed -e 's/#.*//' tests/matrix/smoke.txt)

matrix-$(1): sanity-$(1) unit-$(1) smoke-$(1)
endef
$(foreach v,$(MATRIX),$(eval $(call matrix_targets,$(v))))

## matrix: sanity, unit and smoke on every version of the matrix
matrix: $(foreach v,$(MATRIX),matrix-$(v))

# ---------------------------------------------------------------- release gates

## changelog: regenerate CHANGELOG.rst from changelogs/changelog.yaml (and fragments)
changelog: venv-release
	$(RBIN)/antsibull-changelog lint
	$(RBIN)/antsibull-changelog generate

## changelog-check: fragments and changelog.yaml are valid, and regenerating leaves CHANGELOG.rst unchanged
changelog-check: venv-release
	$(call copy_tree,$(BUILD)/changelog/$(COLL_PATH))
	cd $(BUILD)/changelog/$(COLL_PATH) && PATH=$(RBIN):$$PATH && \
	  antsibull-changelog lint && \
	  antsibull-changelog lint-changelog-yaml --strict changelogs/changelog.yaml && \
	  antsibull-changelog generate
	@diff -u CHANGELOG.rst $(BUILD)/changelog/$(COLL_PATH)/CHANGELOG.rst || \
	  { echo 'CHANGELOG.rst is out of date: run `make changelog` and commit it.'; exit 1; }

## docs-lint: antsibull-docs lint-collection-docs --plugin-docs, plus no nested markup
docs-lint: venv-release
	$(call copy_tree,$(BUILD)/docs-lint/$(COLL_PATH))
	cd $(BUILD)/docs-lint/$(COLL_PATH) && PATH=$(RBIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(BUILD)/docs-lint && \
	  antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
	    --disallow-unknown-collection-refs --check-extra-docs-refs . && \
	  $(RBIN)/python $(CURDIR)/tests/release/check_markup.py exotel.sip_trunking

## docs: build the docs site (antsibull-docs sphinx-init + Sphinx) into build/docsite/build/html
docs: venv-release
	$(call copy_tree,$(BUILD)/docs-src/$(COLL_PATH))
	PATH=$(RBIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(BUILD)/docs-src \
	  $(RBIN)/python tests/release/docs_site.py $(BUILD)/docsite

## build: the Galaxy tarball in build/dist, checked against the content policy
build: venv-release
	$(call copy_tree,$(BUILD)/collection-src)
	rm -rf $(BUILD)/dist && $(RBIN)/ansible-galaxy collection build $(BUILD)/collection-src --output-path $(BUILD)/dist
	$(RBIN)/python tests/release/check_tarball.py $(TARBALL)

## import-check: galaxy-importer (ansible-lint on, ansible-test off) on the tarball; any warning fails
import-check: build
	PATH=$(RBIN):$$PATH $(RBIN)/python tests/release/import_check.py $(TARBALL) $(BUILD)/importer

# ---------------------------------------------------------------- other

# Mutation testing (tests/mutation/): long, so not part of `make test`; results in tests/mutation/results.md.
mutation: venv
	tests/mutation/run.sh

bench: venv layout
	$(BIN)/python tests/bench/bench.py

clean:
	rm -rf $(BUILD) $(VENV) $(RELEASE) $(foreach v,$(MATRIX),.venv-core$(v)) tests/output
