set -x
cd /work/wt-engine14
B=/work/main
npx ts-node --transpile-only bench/export.ts --before $B > /tmp/e14b-export-const.log 2>&1
npx ts-node --transpile-only bench/export.ts --spread 0.5 --before $B > /tmp/e14b-export-spread.log 2>&1
npx ts-node --transpile-only bench/export.ts --foreign-ms 5000 --before $B > /tmp/e14b-export-foreign.log 2>&1
npx ts-node --transpile-only bench/backfill.ts --before $B > /tmp/e14b-backfill-const.log 2>&1
npx ts-node --transpile-only bench/backfill.ts --spread 0.5 --before $B > /tmp/e14b-backfill-spread.log 2>&1
npx ts-node --transpile-only bench/adoption.ts --before $B > /tmp/e14b-adoption.log 2>&1
npx ts-node --transpile-only bench/checkpoint.ts --before $B --before-chunks 250,500,1000 --chunks 1000,2000,10000 > /tmp/e14b-checkpoint.log 2>&1
echo ALLDONE
