"""Browser tests (headless Chromium); run with `make e2e`, not collected by `make test`."""
