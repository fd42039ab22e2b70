#!/usr/bin/env bash
# End-to-end scale run: every stage of the pipeline, through the CLI (the same stage services the
# functions call), against a fresh in-memory Azurite and a loopback SendGrid, on generated data.
#
#   bash benchmarks/scale/run.sh ARTICLES VIEWS SUBSCRIBERS [WORKDIR]
#   bash benchmarks/scale/run.sh 50000 10000000 100000
#
# Articles are spread over the last DAYS days (default 60: a large publisher's two months, about
# 830 a day), page views over the last 24 hours of those. STAGES picks stage groups (default
# "articles views subscribers"); INGEST=index queues the articles' change records instead of
# ingesting files. Views and sends need an index: without the articles group, run it first with a
# small index: PRELOAD_INDEX=2500 PRELOAD_DAYS=3 queues and applies one first (see docs/benchmarks.md).
# FEEDS_ALL=0 leaves out the full rebuild (feeds --all), the slowest step on Azurite.
#
# For each stage it prints the wall time, the peak resident memory of the process (GNU time's
# %M) and the storage requests the CLI counted, and appends a row per stage to WORKDIR/results.md.
# Nothing leaves 127.0.0.1. Needs: .NET 10 SDK, Node 20, GNU time (/usr/bin/time).
set -euo pipefail

articles=${1:?articles}
views=${2:?page views}
subscribers=${3:?subscribers}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${4:-/tmp/syndication-scale-$articles}
rm -rf "$work" && mkdir -p "$work"
results="$work/results.md"

[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 1; }
[ -d "$root/node_modules/azurite" ] || (cd "$root" && npm ci --no-audit --no-fund)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
blob=$(free_port); queue=$(free_port); table=$(free_port); mail=$(free_port)

node "$root/node_modules/azurite/dist/src/azurite.js" --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent --loose \
  --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" --tableHost 127.0.0.1 --tablePort "$table" \
  > "$work/azurite.log" 2>&1 &
azurite=$!
node "$root/benchmarks/scale/fake-sendgrid.mjs" "$mail" > "$work/sendgrid.log" 2>&1 &
sendgrid=$!
trap 'kill $azurite $sendgrid 2>/dev/null || true' EXIT

dotnet build -c Release "$root/src/Syndication.Cli" -o "$work/bin" -v quiet -nologo > "$work/build.log"
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
export SYNDICATION_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
export Syndication__Newsletter__SendGridApiKey="SG.loopback-scale-run"
export Syndication__Newsletter__SendGridHost="http://127.0.0.1:$mail"
# A real send needs these; the warm-up is declared done (the loopback has no reputation to build).
export Syndication__Newsletter__PostalAddress="1 Example Street, Springfield"
export Syndication__Newsletter__AuthenticatedDomains="news.example.com"
export Syndication__Newsletter__WarmupStartDate="2020-01-01"
# Real mail needs its own keys (the public development keys never sign it): fresh ones per run, never stored.
export Syndication__Newsletter__TokenSigningKey="scale:$(head -c 32 /dev/urandom | base64 -w0)"
export Syndication__Newsletter__SubscriberIdKey="$(head -c 32 /dev/urandom | base64 -w0)"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$table") 2>/dev/null && break; sleep 0.2; done

# Wrappers, so GNU time measures the CLI process itself.
printf '#!/usr/bin/env bash\nexec dotnet "%s/bin/syndication.dll" "$@"\n' "$work" > "$work/cli" && chmod +x "$work/cli"
printf '#!/usr/bin/env bash\nfor e in "$@"; do "%s/cli" newsletter send --edition "$e" || exit 1; done\n' "$work" > "$work/send-all" && chmod +x "$work/send-all"
# A build that stops (its lease lost while the store was too busy to renew it) is resumed by the
# next, as the timer would: up to five runs, their requests summed.
printf '#!/usr/bin/env bash\nfor i in 1 2 3 4 5; do "%s/cli" feeds "$@" && exit 0; echo "feeds: run $i stopped; the next run resumes it"; done; exit 1\n' "$work" > "$work/feeds-until-done" && chmod +x "$work/feeds-until-done"
cli() { "$work/cli" "$@"; }

# stage NAME UNIT COUNT -- command...: runs it under GNU time and records one row.
stage() {
  local name=$1 unit=$2 count=$3; shift 4
  local log="$work/$name.log"
  /usr/bin/time -f 'TIME %e s, %M KB' -o "$work/$name.time" "$@" > "$log" 2>&1 || { tail -20 "$log"; exit 1; }
  local seconds kb requests
  seconds=$(awk '{print $2}' "$work/$name.time")
  kb=$(awk '{print $4}' "$work/$name.time")
  requests=$(grep -Eo '^[0-9]+ storage requests' "$log" | awk '{s+=$1} END {print s+0}')
  printf '| %s | %s | %.1f | %d | %d | %.2f |\n' "$name" "$count $unit" "$seconds" $((kb / 1024)) "$requests" \
    "$(awk -v r="$requests" -v c="$count" -v u="$unit" 'BEGIN { print (u == "articles" ? r / c : r / c * 1000) }')" | tee -a "$results"
}

as_of=$(date -u +%Y-%m-%dT%H:00:00Z)
echo "Scale run: $articles articles, $views page views, $subscribers subscribers; as of $as_of; $(nproc) cores; $(uptime)" | tee "$results"
echo "| stage | input | wall s | peak RSS MB | storage requests | per article / per 1,000 |" | tee -a "$results"
echo "|---|---|---:|---:|---:|---:|" | tee -a "$results"

stages=${STAGES:-articles views subscribers}
if [ -n "${PRELOAD_INDEX:-}" ]; then
  # Not measured: an index of recent articles for the views and sends to name (the last 3 days of
  # a 50,000-article, 60-day archive hold about 2,500).
  cli generate index --count "$PRELOAD_INDEX" --days "${PRELOAD_DAYS:-3}" --seed 11 > "$work/preload-index.log"
  cli feeds > "$work/preload-feeds.log"
fi
if [[ " $stages " == *" articles "* ]]; then
if [ "${INGEST:-files}" = files ]; then
  cli generate articles --count "$articles" --days "${DAYS:-60}" --seed 7 --out "$work/articles" > "$work/generate-articles.log"
  stage ingest articles "$articles" -- "$work/cli" ingest "$work/articles"
else
  # INGEST=index: the change records only (no article blobs), when Azurite's blob store, slower with
  # every blob it holds, would take hours for the files; ingest costs 4 requests per article by construction.
  stage queue-index articles "$articles" -- "$work/cli" generate index --count "$articles" --days "${DAYS:-60}" --seed 7
fi
stage feeds articles "$articles" -- "$work/feeds-until-done"
stage feeds-again articles "$articles" -- "$work/cli" feeds
[ "${FEEDS_ALL:-1}" = 0 ] || stage feeds-all articles "$articles" -- "$work/cli" feeds --all
# The next ordinary build: 20 new stories, newer than every one (generated "now"), on the full
# archive: what a build costs once the bulk load is done (it must not grow with the archive).
stage queue-next articles 20 -- "$work/cli" generate index --count 20 --days 0 --seed 8
# --verbose: the log also counts each operation, to tell where the requests went.
stage feeds-next articles 20 -- "$work/cli" feeds --verbose
fi

if [[ " $stages " == *" views "* ]]; then
cli generate pageviews --count "$views" --as-of "$as_of" --out "$work/pageviews" > "$work/generate-pageviews.log"
stage count-views views "$views" -- "$work/cli" pageviews "$work/pageviews" --as-of "$as_of"
stage rank-trending views "$views" -- "$work/cli" trending --as-of "$as_of"
fi

if [[ " $stages " == *" subscribers "* ]]; then
cli generate subscribers --count "$subscribers" --out "$work/subscribers.csv" > "$work/generate-subscribers.log"
stage import-subscribers subscribers "$subscribers" -- "$work/cli" newsletter import "$work/subscribers.csv"
editions=$(cut -d, -f2 "$work/subscribers.csv" | tail -n +2 | sort -u | tr '\n' ' ')
# shellcheck disable=SC2086
stage send emails "$subscribers" -- "$work/send-all" $editions
stats=$(curl -s "http://127.0.0.1:$mail/stats")
echo "SendGrid saw: $stats" | tee -a "$results"
fi
echo "Ended: $(uptime)" | tee -a "$results"
