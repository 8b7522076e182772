# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test duel clean

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

clean:
	rm -rf $(VENV)
