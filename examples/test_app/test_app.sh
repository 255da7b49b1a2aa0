#!/bin/sh
# The seed's test_app as a shell app: one point of a sinusoid to the 'test' alias every 5 seconds, written with gdc.
# Identity (host, cik) comes from test_app.cfg; `gdc activate` fills in the CIK on first start.
CFG="${GDC_CFG:-/usr/local/bin/test_app.cfg}"
export GDC_CFG="$CFG"

until gdc activate >/dev/null; do
    echo "test_app: activation failed (exit $?); retrying in 30 s"
    sleep 30
done

t=0
while true; do
    data=$(awk -v t="$t" 'BEGIN { printf "%d", 100 * cos(t * 100 * 3.14159265 / 180) }')
    gdc write test "$data" || echo "test_app: write failed (exit $?)"
    t=$((t + 5))
    sleep 5
done
