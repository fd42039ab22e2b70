#!/usr/bin/env bash
# Builds and lints every Bicep file under infra/ with the Bicep CLI that infra/Bicep.proj brings
# from NuGet (the one registry CI reaches), and fails on any error or warning. The linter rules
# and their levels are in infra/bicepconfig.json. Two CLI processes in all (one `build`, one
# `lint`, each over every file): the CLI's start-up is most of its cost. The ARM JSON is left in
# $BICEP_OUT (default: a fresh temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }

# Restore only when the pinned CLI is not in the packages folder yet.
bicep=$(dotnet msbuild infra/Bicep.proj -nologo -getProperty:BicepCliPath 2>/dev/null | tail -n 1 || true)
if [ -z "$bicep" ] || [ ! -f "$bicep" ]; then
  echo "== dotnet restore infra/Bicep.proj"
  dotnet restore infra/Bicep.proj --nologo -v quiet
  bicep=$(dotnet msbuild infra/Bicep.proj -nologo -getProperty:BicepCliPath | tail -n 1)
fi
if [ ! -f "$bicep" ]; then
  echo "lint.sh: no Bicep CLI at '$bicep' after the restore" >&2
  exit 2
fi
[ -x "$bicep" ] || chmod u+x "$bicep"
echo "== Bicep CLI $bicep ($(elapsed))"

out=${BICEP_OUT:-$(mktemp -d)}
mkdir -p "$out"
pattern='infra/**/*.bicep'
files=$(find infra -name '*.bicep' -not -path '*/obj/*' -not -path '*/bin/*' | sort)

# Both print diagnostics as "path(line,col) : Error|Warning CODE: text" and exit 0 on warnings.
set +e
build_log=$("$bicep" build --pattern "$pattern" --outdir "$out" 2>&1)
build_status=$?
echo "== bicep build ($(elapsed))"
lint_log=$("$bicep" lint --pattern "$pattern" 2>&1)
lint_status=$?
echo "== bicep lint ($(elapsed))"
set -e

diagnostics=$(printf '%s\n%s\n' "$build_log" "$lint_log" | grep -E '\) : (Error|Warning) ' | sort -u || true)
errors=$(printf '%s\n' "$diagnostics" | grep -c ') : Error ' || true)
warnings=$(printf '%s\n' "$diagnostics" | grep -c ') : Warning ' || true)
if { [ "$build_status" -ne 0 ] || [ "$lint_status" -ne 0 ]; } && [ "$errors" -eq 0 ]; then
  # The CLI failed without a diagnostic (a crash, an unreadable bicepconfig.json): say so.
  printf '%s\n%s\n' "$build_log" "$lint_log"
  errors=1
fi

count=0
for file in $files; do
  count=$((count + 1))
  abs=$(realpath "$file")
  if printf '%s\n' "$diagnostics" | grep -qF "$abs("; then
    printf '  FAIL %s\n' "$file"
    printf '%s\n' "$diagnostics" | grep -F "$abs(" | sed "s|$PWD/||; s|^|       |"
  else
    printf '  ok   %s\n' "$file"
  fi
done

echo "== ARM JSON in $out ($(elapsed))"
echo "bicep: ${count} files, ${errors} errors, ${warnings} warnings"
[ "$errors" -eq 0 ] && [ "$warnings" -eq 0 ]
