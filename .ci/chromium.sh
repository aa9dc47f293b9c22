#!/usr/bin/env bash
# Installs Debian's Chromium for the console's browser test (test/console.test.ts drives it with
# playwright-core at /usr/bin/chromium). Idempotent: does nothing when it is there.
# Usage: source .ci/chromium.sh   (or: bash .ci/chromium.sh)
if ! [ -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
