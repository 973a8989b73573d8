#!/bin/sh
# Re-vendor the dashboard's browser libraries from the npm registry at the pinned versions below
# (needs npm; running the project does not). Writes api/dashboard/static/vendor/<package>/ with the ES
# module files the dashboard imports and each package's licence, and api/dashboard/static/vendor/VENDORED.md
# recording every package's version, licence and files.
#
#   sh api/dashboard/vendor.sh
set -eu

PACKAGES="preact@11.2.0 htm@3.1.1 uplot@1.6.32"
# package -> the files of its tarball the dashboard uses (paths inside package/)
files_of() {
    case "$1" in
        preact) echo "dist/preact.mjs hooks/dist/hooks.mjs LICENSE" ;;
        htm) echo "dist/htm.mjs LICENSE" ;;
        uplot) echo "dist/uPlot.esm.js dist/uPlot.min.css LICENSE" ;;
    esac
}

here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$vendor"
mkdir -p "$vendor"
{
    echo "# Vendored browser libraries"
    echo
    echo "Written by \`api/dashboard/vendor.sh\` from the npm registry; do not edit by hand."
    echo
    echo "| package | version | licence | files |"
    echo "|---|---|---|---|"
} > "$vendor/VENDORED.md"

for spec in $PACKAGES; do
    name=${spec%@*}
    version=${spec##*@}
    (cd "$work" && npm pack --silent "$spec" > /dev/null)
    mkdir -p "$work/$name"
    tar xzf "$work/$name-$version.tgz" -C "$work/$name"
    licence=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["license"])' "$work/$name/package/package.json")
    mkdir -p "$vendor/$name"
    copied=""
    for file in $(files_of "$name"); do
        cp "$work/$name/package/$file" "$vendor/$name/$(basename "$file")"
        copied="$copied $(basename "$file")"
    done
    echo "| $name | $version | $licence |$copied |" >> "$vendor/VENDORED.md"
done
echo "vendored into $vendor:"
cat "$vendor/VENDORED.md"
