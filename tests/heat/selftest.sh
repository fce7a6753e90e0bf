#!/bin/sh
# Self-test of validate_hot.py: every selftest/pass_*.yaml must be reported
# "OK", every selftest/fail_*.yaml must be reported "FAIL" with the message
# fragment given on its "# expect: ..." first line.  Exit 0 when all verdicts
# are as expected.
set -u
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-/usr/bin/python3}
cd "$here/selftest" || exit 2

out=$("$py" "$here/validate_hot.py" pass_*.yaml fail_*.yaml)
rc=$?
bad=0
for f in pass_*.yaml fail_*.yaml; do
    line=$(printf '%s\n' "$out" | grep -F -- " $f" | head -n 1)
    case "$f" in
    pass_*)
        if [ "$line" = "OK $f" ]; then
            echo "ok   $f: OK as expected"
        else
            echo "BAD  $f: expected OK, got: ${line:-<no output>}"; bad=1
        fi ;;
    fail_*)
        want=$(sed -n '1s/^# expect: //p' "$f")
        case "$line" in
        "FAIL $f: "*)
            if [ -n "$want" ] && ! printf '%s' "$line" | grep -qF -- "$want"; then
                echo "BAD  $f: FAIL but not for the expected reason"
                echo "       want: $want"; echo "       got:  $line"; bad=1
            else
                echo "ok   $f: FAIL as expected"
            fi ;;
        *) echo "BAD  $f: expected FAIL, got: ${line:-<no output>}"; bad=1 ;;
        esac ;;
    esac
done
if [ "$rc" -ne 1 ]; then
    echo "BAD  exit status with failing templates was $rc, expected 1"; bad=1
fi
"$py" "$here/validate_hot.py" pass_*.yaml >/dev/null
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "BAD  exit status with only passing templates was $rc, expected 0"; bad=1
fi
[ "$bad" -eq 0 ] && echo "selftest: all verdicts as expected" || echo "selftest: FAILED"
exit "$bad"
