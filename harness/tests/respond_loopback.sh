#!/bin/sh
# respond_loopback: `iketest respond` on 127.0.0.1: a second instance with
# --initiate establishes an IKE SA with a CHILD SA and deletes it; both
# logs show it; the PSK is in neither; SIGTERM stops the responder and
# removes its pid file; a bad profile is reported as file:line, exit 2.
set -u

IKETEST=${IKETEST:-build/iketest}
IKETEST_TOP=${IKETEST_TOP:-$(pwd)}
export IKETEST_TOP
PROFILE=$IKETEST_TOP/harness/tests/respond/profile.conf
PSK=$(head -n 1 "$IKETEST_TOP/harness/tests/respond/psk")
T=$(mktemp -d "${TMPDIR:-/tmp}/iketest-respond.XXXXXX") || exit 1
pid=

cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

echo "1..9"

# start_responder: on a port derived from $$, the next one on a conflict;
# 0 once the pid file is there (written after the sockets are bound).
start_responder() {
	tries=0
	while [ $tries -lt 10 ]; do
		port=$((20000 + ($$ * 7 + tries * 101) % 20000))
		rm -f "$T/r.pid" "$T/r.err"
		"$IKETEST" respond --profile "$PROFILE" --listen 127.0.0.1 \
		    --port "$port" --natt-port $((port + 1)) --log "$T/r.log" \
		    --pidfile "$T/r.pid" 2>"$T/r.err" &
		pid=$!
		i=0
		while [ $i -lt 50 ] && [ ! -s "$T/r.pid" ] && kill -0 "$pid" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -s "$T/r.pid" ] && return 0
		wait "$pid" 2>/dev/null
		pid=
		grep -q "in use" "$T/r.err" || return 1
		tries=$((tries + 1))
	done
	return 1
}

start_responder
ok $? "responder up on 127.0.0.1:${port:-?} (pid file written)"
[ -n "$pid" ] && [ "$(cat "$T/r.pid" 2>/dev/null)" = "$pid" ]
ok $? "the pid file holds the responder's pid"

"$IKETEST" respond --profile "$PROFILE" --initiate 127.0.0.1 \
    --port "${port:-1}" --log "$T/i.log" 2>"$T/i.err"
ok $? "initiator: IKE SA + CHILD SA established and deleted$(sed 's/^/: /' "$T/i.err" | tr '\n' ' ')"

# The responder logs the SA once the Delete was answered: wait for it.
i=0
while [ $i -lt 30 ] && ! grep -q " deleted: " "$T/r.log" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
grep -q "IKE SA .* established: .*1 CHILD SA$" "$T/i.log" &&
    grep -q "CHILD SA ESP in [0-9a-f]* out [0-9a-f]*:" "$T/i.log" &&
    grep -q "> INFORMATIONAL #2 request" "$T/i.log"
ok $? "initiator log: IKE SA and CHILD SA established, Delete sent"
grep -q "127.0.0.1:[0-9]* IKE SA .* established: .*1 CHILD SA$" "$T/r.log" &&
    grep -q "> 127.0.0.1:[0-9]* IKE_AUTH #1 response" "$T/r.log" &&
    grep -q "IKE SA .* deleted: " "$T/r.log"
ok $? "responder log: IKE_AUTH answered, IKE SA established with a CHILD SA, then deleted"
! grep -qF "$PSK" "$T/r.log" "$T/i.log" "$T/r.err" "$T/i.err"
ok $? "the PSK appears in no log"

kill "$pid" 2>/dev/null
i=0
while [ $i -lt 50 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
wait "$pid" 2>/dev/null
rc=$?
! kill -0 "$pid" 2>/dev/null && [ $rc -eq 0 ] && [ ! -e "$T/r.pid" ] &&
    grep -q "^# stopped: 1 established, 1 deleted" "$T/r.log"
ok $? "SIGTERM: exit 0, pid gone, pid file removed, counters logged (status $rc)"
pid=

printf '[iut]\nname = x\n\n[ike]\nencr = AES_CBC/256 NO_SUCH_CIPHER\n' >"$T/bad.conf"
"$IKETEST" respond --profile "$T/bad.conf" --listen 127.0.0.1 2>"$T/bad.err"
rc=$?
[ $rc -eq 2 ] && grep -q "^iketest respond: $T/bad.conf:5: " "$T/bad.err"
ok $? "bad profile: exit 2 (got $rc), message at file:line: $(cat "$T/bad.err")"

# shellcheck disable=SC2016 # a literal $VAR for iketest to expand
printf '[auth]\nmethods = psk\npsk-file = $IKETEST_NO_SUCH_VAR/psk\n[ike]\nencr = AES_CBC/256\n' >"$T/var.conf"
"$IKETEST" respond --profile "$T/var.conf" --listen 127.0.0.1 2>"$T/var.err"
rc=$?
[ $rc -eq 2 ] && grep -q "^iketest respond: $T/var.conf:3: .*IKETEST_NO_SUCH_VAR is not set" "$T/var.err"
ok $? "unset lab variable: exit 2 (got $rc) at file:line: $(cat "$T/var.err")"
