set -x
cd /work/wt-engine14
B=/work/main
npx ts-node --transpile-only bench/export.ts --spread 0.5 --poll-min-ms 20 --before $B > /tmp/e14b-export-spread20.log 2>&1
npx ts-node --transpile-only bench/backfill.ts --spread 0.5 --poll-min-ms 20 --before $B > /tmp/e14b-backfill-spread20.log 2>&1
npx ts-node --transpile-only bench/backfill.ts --poll-min-ms 20 > /tmp/e14b-backfill-const20.log 2>&1
npx ts-node --transpile-only bench/export.ts --poll-min-ms 20 > /tmp/e14b-export-const20.log 2>&1
echo ALLDONE
