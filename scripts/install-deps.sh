#!/usr/bin/env bash
# Installs the Debian packages that fastroad's optional tests and outputs use:
#   chromium            headless browser for the report's browser tests (internal/browsertest)
#   fonts-wqy-microhei  CJK font for Chinese text on maps and charts
#   gdal-bin            ogrinfo, to check GeoPackage files in the gpkg tests
# Only what is missing is installed, quietly. It never fails: without apt, root
# or a network the tests that need these packages skip with a message.
set -uo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: chromium, fonts-wqy-microhei and gdal-bin are installed"
	exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo="sudo -n"
	else
		echo "install-deps: not root: install ${missing[*]} yourself (apt-get install ${missing[*]}); the tests that need them skip" >&2
		exit 0
	fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: no apt-get: install ${missing[*]} yourself; the tests that need them skip" >&2
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! timeout 600 $sudo apt-get update -qq >/dev/null 2>&1; then
	echo "install-deps: apt-get update failed (no network?); the tests that need ${missing[*]} skip" >&2
	exit 0
fi
if ! timeout 1200 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
	echo "install-deps: apt-get install ${missing[*]} failed; the tests that need them skip" >&2
	exit 0
fi
echo "install-deps: installed ${missing[*]}"
