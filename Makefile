# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test duel docs docs-check docs-slow clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[all]"
	touch $(STAMP)

## run: open the title screen where a display is available, else print a headless duel
run: $(STAMP)
	$(BIN)/gladiator start

## duel: a headless duel between Rouge and Viola
duel: $(STAMP)
	$(BIN)/gladiator duel rouge viola --arena concert_hall --seed 7

## test: the whole test suite
test: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest

## docs: the README's and docs' pictures (window screenshots, the hero GIF) from fixed seeds, each caption's claims
## checked, and docs/screenshots/manifest.json (what each was made from; tests/test_docs_pictures.py compares it); under a minute
docs: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m gladiator.docs

## docs-check: say which pictures are stale or no longer show what their caption says (draws nothing)
docs-check: $(STAMP)
	$(BIN)/python -m gladiator.docs --check

## docs-slow: the pictures of long runs (matrix.png, ablate.png, calibration.png): tens of minutes
docs-slow: $(STAMP)
	$(BIN)/python -m gladiator.docs --slow

clean:
	rm -rf $(VENV)
