# Every target forwards to the one command line, scripts/handbook.py (see `make help`).
PYTHON ?= python3
TARGETS := setup serve build pdf test check check-translations bench profile

.PHONY: $(TARGETS) help
$(TARGETS):
	@$(PYTHON) scripts/handbook.py $@ $(ARGS)

help:
	@$(PYTHON) scripts/handbook.py --help
