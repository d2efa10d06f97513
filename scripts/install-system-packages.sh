#!/usr/bin/env bash
# The Debian packages the tests use: espeak-ng and sox make call audio, chromium shows the pages.
# Installs the missing ones with apt-get when run as root (`make test`, .ci/run); otherwise prints one
# line with the exact command, and the tests that need them are skipped with the same line.
set -euo pipefail

missing=()
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "missing ${missing[*]}: run \`sudo apt-get install -y ${missing[*]}\` (the tests that need them are skipped)"
fi
