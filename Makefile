# doingoai — the two commands: `make run` and `make test`. Everything else is a step of them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Debian packages the platform and its tests use (installed when missing and run as root).
DEBIAN_PACKAGES := chromium tesseract-ocr tesseract-ocr-vie tesseract-ocr-chi-sim tesseract-ocr-kor tesseract-ocr-jpn ghostscript fonts-noto-core fonts-noto-cjk fonts-liberation2 poppler-utils gettext

.PHONY: run test install system-deps lint messages bench clean

run: install system-deps
	$(BIN)/doingoai migrate --noinput
	$(BIN)/doingoai demo
	$(BIN)/doingoai collectstatic --noinput -v0
	$(BIN)/doingoai serve

test: install system-deps
	$(BIN)/pytest

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Cài gói hệ thống còn thiếu:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Thiếu gói hệ thống:$$missing — chạy: sudo apt-get install$$missing"; exit 1; fi; \
	fi

lint: install
	$(BIN)/ruff check src tests bench

# Recompile the translation catalogues after editing a .po file.
messages: install
	cd src/doingoai && for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check-format -o $${po%.po}.mo $$po; done

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
