#!/bin/sh
# Called by `make test`: the browser tests (tests/browser) drive Debian's chromium with Playwright.
# Installs it with apt-get when /usr/bin/chromium is missing; when that is impossible it says why
# and the browser tests fail with the same message (they never skip).
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" = "0" ]; then
    SUDO=""
elif command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then
    SUDO="sudo -n"
else
    echo "tests/browser: $CHROMIUM is missing and apt-get needs root; the browser tests will fail" >&2
    exit 0
fi
echo "installing Debian's chromium for the browser tests (apt-get)"
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium > /dev/null; }; then
    echo "tests/browser: apt-get could not install chromium; the browser tests will fail" >&2
fi
exit 0
