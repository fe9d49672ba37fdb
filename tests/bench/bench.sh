#!/bin/sh
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# bench.sh - `make bench`: how fast and how lean is krbscope on a large
# capture?  Builds (and caches) a capture of ~1.5 M packets that mixes the
# Kerberos captures at hand, replicated with rewritten addresses, with
# ordinary loopback traffic recorded by mktraffic.sh; then times
#   - a no-op libpcap loop over it (pcap_noop.c): the floor,
#   - krbscope -r FILE --json, and krbscope -r FILE (text report), each
#     and krbscope -r FILE --json --dns (a record per DNS message too),
#   - with BENCH_BASELINE, the same two for another krbscope binary (an
#     older build) interleaved, for the ratio between versions,
#   - tshark -n -r FILE -Y kerberos, once, over the whole file (a leading
#     slice is not representative: the Kerberos copies are not spread
#     evenly through the merged file),
# and prints the ratios against the targets: krbscope <= 3x the no-op loop,
# tshark >= 50x krbscope, krbscope peak RSS <= 32 MiB.  The verdicts are
# informational: the exit status is 0 unless something broke.
#
# Environment:
#   BENCH_SIZE          quick (~150 k packets), full (default, ~1.5 M), or a
#                       packet count
#   BENCH_TSHARK_PACKETS  time tshark on the first N packets only
#                       (default 0: the whole file, ~20 s)
#   BENCH_RUNS          runs per measurement, best kept (default 3)
#   BENCH_WORKDIR       work and cache folder (default ./bench/work)
#   BENCH_BASELINE      path of another krbscope binary to compare with
#   BENCH_FILE          measure this capture instead of building one (e.g.
#                       the file an earlier version's bench built: the
#                       same workload for both binaries)
#   top_srcdir, top_builddir  as in make; derived when unset
# Needs: tcprewrite (tcpreplay), mergecap editcap capinfos (wireshark),
# tshark, cc + libpcap headers, pkg-config, GNU time (/usr/bin/time);
# root, tcpdump, curl, ip, ethtool to record the background traffic.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
size=${BENCH_SIZE:-full}
runs=${BENCH_RUNS:-3}
ts_slice=${BENCH_TSHARK_PACKETS:-0}
work=${BENCH_WORKDIR:-$top_builddir/bench/work}
krbscope=$top_builddir/krbscope

say() { printf '%s\n' "bench: $*" >&2; }
die() { say "$*"; exit 1; }

case $size in
quick)	target=150000 ;;
full)	target=1500000 ;;
*[!0-9]*|"") die "BENCH_SIZE must be quick, full or a packet count" ;;
*)	target=$size ;;
esac

[ -x "$krbscope" ] || die "no krbscope binary at $krbscope (make first)"
for t in tcprewrite mergecap editcap capinfos cc pkg-config awk; do
	command -v "$t" >/dev/null 2>&1 ||
	    die "$t is required (apt-get install tcpreplay tshark" \
	    "gcc libpcap-dev pkg-config time)"
done
gnutime=/usr/bin/time
[ -x "$gnutime" ] || { say "GNU time missing: no RSS figures"; gnutime=""; }
mkdir -p "$work"

# ---- helpers ------------------------------------------------------------

# npackets FILE
npackets() {
	capinfos -T -M -r -c "$1" 2>/dev/null | awk -F'\t' '{print $NF; exit}'
}
# starttime FILE: epoch seconds of the first packet
starttime() {
	capinfos -T -M -r -S -a "$1" 2>/dev/null | awk -F'\t' '{print $NF; exit}'
}
endtime() {
	capinfos -T -M -r -S -e "$1" 2>/dev/null | awk -F'\t' '{print $NF; exit}'
}
# shift IN OUT SECONDS
shift_to() {
	editcap -F pcap -t "$3" "$1" "$2" >/dev/null
}
# rewrite IN OUT SEED: new, distinct addresses
rewrite() {
	tcprewrite --seed="$3" -i "$1" -o "$2" 2>"$work/tcprewrite.log" ||
	    { cat "$work/tcprewrite.log" >&2; die "tcprewrite failed"; }
}
# newer A B: A was modified after B (test -nt is not POSIX)
newer() { [ -n "$(find "$1" -prune -newer "$2" 2>/dev/null)" ]; }
fadd() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'; }
fmul() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a * b }'; }

# ---- the no-op loop -----------------------------------------------------

noop=$work/pcap_noop
if [ ! -x "$noop" ] || newer "$here/pcap_noop.c" "$noop"; then
	# shellcheck disable=SC2046
	cc -O2 -o "$noop" "$here/pcap_noop.c" \
	    $(pkg-config --cflags --libs libpcap) ||
	    die "cannot build pcap_noop (libpcap-dev installed?)"
fi

# ---- inputs: Kerberos captures and recorded background traffic ----------

caps=""
for f in "$top_srcdir"/../shared/captures/real/*.pcap \
    "$top_srcdir"/../shared/captures/real/*.pcapng; do
	[ -f "$f" ] && caps="$caps $f"
done
if [ -d "$top_srcdir/captures" ]; then
	caps="$caps $(find "$top_srcdir/captures" -maxdepth 3 -type f \
	    \( -name '*.pcap' -o -name '*.pcapng' \) | sort | tr '\n' ' ')"
fi
# shellcheck disable=SC2086
set -- $caps
[ $# -gt 0 ] || die "no Kerberos captures found (../shared/captures/real," \
    "captures/)"

# the cache key: inputs and the scripts that build from them
key=$( (echo "$target"; ls -l "$@" "$here/mktraffic.sh" "$here/bench.sh" \
    "$here/dnsload.py") | cksum | awk '{print $1}')

if [ -n "${BENCH_FILE:-}" ]; then
	[ -s "$BENCH_FILE" ] || die "BENCH_FILE: no capture at $BENCH_FILE"
	big=$BENCH_FILE
	kcopies=""
else
	bulk=$work/traffic.pcap
	if [ ! -s "$bulk" ] || newer "$here/mktraffic.sh" "$bulk" ||
	    newer "$here/dnsload.py" "$bulk"; then
		say "recording background traffic on loopback (mktraffic.sh)"
		rm -f "$bulk"
		if ! sh "$here/mktraffic.sh" "$bulk.tmp" 1 >&2; then
			say "could not record background traffic (root needed):" \
			    "the capture will hold Kerberos only"
			rm -f "$bulk.tmp"
		else
			mv "$bulk.tmp" "$bulk"
		fi
	fi

	big=$work/bench-$target.pcap
	if [ -s "$big" ] && [ -f "$big.key" ] && [ "$(cat "$big.key")" = "$key" ]
	then
		say "using cached $big"
	else
		rm -f "$work"/bench-*.pcap "$work"/bench-*.pcap.key \
		    "$work"/bench-*.pcap.mix "$work"/slice-*.pcap
		avail=$(df -Pk "$work" | awk 'NR == 2 {print $4}')
		need=$((target * 12 / 10))	# KiB: file + intermediates
		[ "$avail" -gt "$need" ] ||
		    die "not enough disk in $work ($((avail / 1024)) MiB free," \
		    "~$((need / 1024)) MiB needed); try BENCH_SIZE=quick"
		tmp=$work/build.tmp
		rm -rf "$tmp"
		mkdir "$tmp"

		# 1. the seed: every Ethernet capture, one after the other in time
		if [ -s "$bulk" ]; then
			t0=$(starttime "$bulk")
		else
			t0=1700000000
		fi
		t=$t0
		i=0
		parts=""
		for f in "$@"; do
			enc=$(capinfos -T -M -r -E "$f" 2>/dev/null |
			    awk -F'\t' '{print $NF; exit}')
			case $enc in
			Ethernet|ether) ;;
			*)	say "skipping $(basename "$f"): link type $enc"
				continue ;;
			esac
			i=$((i + 1))
			s=$(starttime "$f")
			e=$(endtime "$f")
			shift_to "$f" "$tmp/seed-$i.pcap" \
			    "$(awk -v t="$t" -v s="$s" 'BEGIN {printf "%.6f", t - s}')"
			parts="$parts $tmp/seed-$i.pcap"
			t=$(awk -v t="$t" -v s="$s" -v e="$e" \
			    'BEGIN {printf "%.6f", t + (e - s) + 0.5}')
		done
		# shellcheck disable=SC2086
		mergecap -F pcap -a -w "$tmp/seed.pcap" $parts
		# shellcheck disable=SC2086
		rm -f $parts
		seed_n=$(npackets "$tmp/seed.pcap")
		seed_span=$(awk -v t="$t" -v t0="$t0" 'BEGIN {printf "%.6f", t - t0}')

		# 2. how many copies of each
		bulk_n=0
		[ -s "$bulk" ] && bulk_n=$(npackets "$bulk")
		if [ "$bulk_n" -gt 0 ]; then
			kbudget=$((target * 15 / 100))
		else
			kbudget=$target
		fi
		kcopies=1
		while [ $((kcopies * 2 * seed_n)) -le "$kbudget" ]; do
			kcopies=$((kcopies * 2))
		done
		bcopies=0
		btail=0		# packets of one more, partial, copy
		if [ "$bulk_n" -gt 0 ]; then
			rest=$((target - kcopies * seed_n))
			bcopies=$((rest / bulk_n))
			btail=$((rest - bcopies * bulk_n))
			[ "$btail" -ge $((bulk_n / 20)) ] || btail=0
			[ "$bcopies" -ge 1 ] || { bcopies=1; btail=0; }
		fi

		# 3. background traffic: copy j, new addresses, starts j * span/2 later
		bparts=""
		if [ "$bcopies" -gt 0 ]; then
			bspan=$(awk -v a="$(starttime "$bulk")" -v b="$(endtime "$bulk")" \
			    'BEGIN {printf "%.6f", b - a}')
			j=0
			while [ "$j" -lt "$bcopies" ]; do
				rewrite "$bulk" "$tmp/b.pcap" $((1000 + j))
				shift_to "$tmp/b.pcap" "$tmp/bulk-$j.pcap" \
				    "$(fmul "$bspan" "$(fmul "$j" 0.5)")"
				bparts="$bparts $tmp/bulk-$j.pcap"
				j=$((j + 1))
			done
			if [ "$btail" -gt 0 ]; then
				editcap -F pcap -r "$bulk" "$tmp/t.pcap" "1-$btail"
				rewrite "$tmp/t.pcap" "$tmp/b.pcap" $((1000 + j))
				shift_to "$tmp/b.pcap" "$tmp/bulk-$j.pcap" \
				    "$(fmul "$bspan" "$(fmul "$j" 0.5)")"
				bparts="$bparts $tmp/bulk-$j.pcap"
				rm -f "$tmp/t.pcap"
			fi
			rm -f "$tmp/b.pcap"
			timeline=$(fmul "$bspan" "$(fadd "$(fmul "$bcopies" 0.5)" 0.5)")
		else
			timeline=$(fmul "$seed_span" 2)
		fi

		# 4. Kerberos: double the seed until kcopies, each doubling shifts
		#    and re-addresses the new half, so copy b starts b * step later
		step=$(awk -v t="$timeline" -v k="$kcopies" \
		    'BEGIN {s = t / k; if (s < 0.01) s = 0.01; printf "%.6f", s}')
		cur=$tmp/seed.pcap
		n=1
		r=0
		while [ "$n" -lt "$kcopies" ]; do
			rewrite "$cur" "$tmp/k.pcap" $((r + 1))
			shift_to "$tmp/k.pcap" "$tmp/k2.pcap" "$(fmul "$step" "$n")"
			mergecap -F pcap -w "$tmp/krb-$r.pcap" "$cur" "$tmp/k2.pcap"
			[ "$cur" = "$tmp/seed.pcap" ] || rm -f "$cur"
			rm -f "$tmp/k.pcap" "$tmp/k2.pcap"
			cur=$tmp/krb-$r.pcap
			n=$((n * 2))
			r=$((r + 1))
		done

		# 5. everything, in time order
		say "merging $kcopies Kerberos copies ($seed_n packets each) and" \
		    "$bcopies traffic copies ($bulk_n packets each) + $btail packets"
		# shellcheck disable=SC2086
		mergecap -F pcap -w "$big.tmp" "$cur" $bparts
		mv "$big.tmp" "$big"
		echo "$key" >"$big.key"
		printf '%s %s %s %s %s\n' "$kcopies" "$seed_n" "$bcopies" \
		    "$bulk_n" "$btail" >"$big.mix"
		rm -rf "$tmp"
	fi
	read -r kcopies seed_n bcopies bulk_n btail <"$big.mix"
fi

# ---- measurements -------------------------------------------------------

# measure NAME CMD...: best wall time of $runs runs into $best (seconds),
# largest peak RSS into $rss (KiB); stdout discarded.  Fails when CMD
# exits with more than $ok_max (krbscope: 1, findings).
measure() {
	_name=$1
	shift
	best=""
	rss=0
	_i=0
	while [ "$_i" -lt "$runs" ]; do
		_t0=$(date +%s%N)
		_rc=0
		if [ -n "$gnutime" ]; then
			"$gnutime" -f %M -o "$work/rss" "$@" >/dev/null \
			    2>"$work/stderr" || _rc=$?
		else
			"$@" >/dev/null 2>"$work/stderr" || _rc=$?
		fi
		if [ "$_rc" -gt "${ok_max:-0}" ]; then
			say "$_name failed (status $_rc):"
			tail -n 5 "$work/stderr" >&2
			return 1
		fi
		_t1=$(date +%s%N)
		_w=$(awk -v a="$_t0" -v b="$_t1" \
		    'BEGIN {printf "%.4f", (b - a) / 1e9}')
		if [ -z "$best" ] || awk -v a="$_w" -v b="$best" \
		    'BEGIN {exit !(a < b)}'; then
			best=$_w
		fi
		if [ -n "$gnutime" ]; then
			_r=$(tail -n 1 "$work/rss")
			[ "$_r" -gt "$rss" ] && rss=$_r
		fi
		_i=$((_i + 1))
	done
	return 0
}

npk=$("$noop" "$big")
mb=$(awk -v b="$(wc -c <"$big")" 'BEGIN {printf "%.1f", b / 1048576}')
cat "$big" >/dev/null		# warm the page cache

broke=0
measure "pcap_noop" "$noop" "$big" || broke=1
t_noop=$best
ok_max=1	# krbscope's exit status 1: findings
measure "krbscope --json" "$krbscope" -r "$big" --json || broke=1
t_json=$best
rss_json=$rss
measure "krbscope" "$krbscope" -r "$big" || broke=1
t_text=$best
rss_text=$rss
# A quarter of the background packets are DNS: with --dns each is a record.
measure "krbscope --json --dns" "$krbscope" -r "$big" --json --dns ||
    broke=1
t_json_dns=$best
# The baseline binary, measured the same way right after.
t_base_json=""
if [ -n "${BENCH_BASELINE:-}" ]; then
	[ -x "$BENCH_BASELINE" ] || die "BENCH_BASELINE: no binary at" \
	    "$BENCH_BASELINE"
	measure "baseline --json" "$BENCH_BASELINE" -r "$big" --json ||
	    broke=1
	t_base_json=$best
	measure "baseline" "$BENCH_BASELINE" -r "$big" || broke=1
	t_base_text=$best
	measure "krbscope --json (again)" "$krbscope" -r "$big" --json ||
	    broke=1
	[ "$(awk -v a="$best" -v b="$t_json" 'BEGIN {print (a < b)}')" = 1 ] &&
	    t_json=$best
	measure "krbscope (again)" "$krbscope" -r "$big" || broke=1
	[ "$(awk -v a="$best" -v b="$t_text" 'BEGIN {print (a < b)}')" = 1 ] &&
	    t_text=$best
fi

# tshark: once, on a slice when the file is large
t_tshark=""
if command -v tshark >/dev/null 2>&1; then
	if [ "$ts_slice" -gt 0 ] && [ "$npk" -gt "$ts_slice" ]; then
		slice=$work/slice-$ts_slice.pcap
		if [ ! -s "$slice" ] || newer "$big" "$slice"; then
			editcap -F pcap -r "$big" "$slice" "1-$ts_slice"
		fi
		slice_n=$ts_slice
	else
		slice=$big
		slice_n=$npk
	fi
	runs_save=$runs
	runs=1
	ok_max=0
	measure "tshark" tshark -n -r "$slice" -Y kerberos || broke=1
	ok_max=1
	t_tshark=$best
	rss_tshark=$rss
	runs=$runs_save
	if [ "$slice" != "$big" ]; then
		measure "krbscope --json (slice)" "$krbscope" -r "$slice" \
		    --json || broke=1
		t_json_slice=$best
		measure "krbscope (slice)" "$krbscope" -r "$slice" || broke=1
		t_text_slice=$best
	else
		t_json_slice=$t_json
		t_text_slice=$t_text
	fi
fi

# ---- report -------------------------------------------------------------

row() {	# LABEL SECONDS PACKETS
	awk -v l="$1" -v t="$2" -v n="$3" -v mb="$mb" -v all="$npk" \
	    'BEGIN {
		r = (t > 0) ? n / t : 0
		printf "  %-36s %9.3f s %8.2f Mpkt/s", l, t, r / 1e6
		if (n == all && t > 0) printf " %7.1f MB/s", mb / t
		printf "\n"
	    }'
}
verdict() {	# LABEL VALUE OP LIMIT UNIT
	awk -v l="$1" -v v="$2" -v op="$3" -v lim="$4" -v u="$5" \
	    'BEGIN {
		ok = (op == "<=") ? (v <= lim) : (v >= lim)
		printf "  %-22s %9.2f%-4s (target %s %g%s)  %s\n", l, v, u, \
		    op, lim, u, ok ? "PASS" : "FAIL"
	    }'
}

echo
echo "krbscope bench: $(basename "$big"), $npk packets, $mb MB"
if [ -n "$kcopies" ]; then
	echo "  mix: $kcopies copies x $seed_n packets of the Kerberos" \
	    "captures (addresses rewritten),"
	echo "       $bcopies copies x $bulk_n (+ $btail) packets of" \
	    "HTTP/DNS recorded on loopback"
else
	echo "  file given with BENCH_FILE"
fi
echo "  best of $runs runs, wall clock"
row "libpcap no-op loop" "$t_noop" "$npk"
row "krbscope -r FILE --json" "$t_json" "$npk"
row "krbscope -r FILE (text report)" "$t_text" "$npk"
row "krbscope -r FILE --json --dns" "$t_json_dns" "$npk"
if [ -n "$t_base_json" ]; then
	row "baseline --json" "$t_base_json" "$npk"
	row "baseline (text report)" "$t_base_text" "$npk"
fi
if [ -n "$t_tshark" ]; then
	if [ "$slice" != "$big" ]; then
		row "tshark -Y kerberos, first $slice_n pkts" "$t_tshark" \
		    "$slice_n"
		row "krbscope --json, same $slice_n pkts" "$t_json_slice" \
		    "$slice_n"
		awk -v t="$t_tshark" -v a="$slice_n" -v b="$npk" \
		    'BEGIN {printf "  %-36s %9.1f s (slice time x %.1f)\n", \
		    "tshark, scaled to the whole file", t * b / a, b / a}'
	else
		row "tshark -n -r FILE -Y kerberos" "$t_tshark" "$npk"
	fi
fi
if [ -n "$gnutime" ]; then
	awk -v a="$rss_json" -v b="$rss_text" -v c="${rss_tshark:-0}" \
	    'BEGIN {printf "  peak RSS: krbscope --json %.1f MiB, text " \
	    "%.1f MiB; tshark %.1f MiB\n", a / 1024, b / 1024, c / 1024}'
fi

echo
echo "targets (informational)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {print (b > 0) ? a / b : 0}'; }
verdict "--json / no-op loop" "$(ratio "$t_json" "$t_noop")" "<=" 3 "x"
verdict "text / no-op loop" "$(ratio "$t_text" "$t_noop")" "<=" 3 "x"
verdict "--json --dns / no-op" "$(ratio "$t_json_dns" "$t_noop")" \
    "<=" 3 "x"
if [ -n "$t_base_json" ]; then
	verdict "--json / baseline" "$(ratio "$t_json" "$t_base_json")" \
	    "<=" 1.1 "x"
	verdict "text / baseline" "$(ratio "$t_text" "$t_base_text")" \
	    "<=" 1.1 "x"
fi
if [ -n "$t_tshark" ]; then
	verdict "tshark / --json" "$(ratio "$t_tshark" "$t_json_slice")" \
	    ">=" 50 "x"
	verdict "tshark / text report" "$(ratio "$t_tshark" \
	    "$t_text_slice")" ">=" 50 "x"
else
	echo "  tshark / --json        n/a (tshark not installed)"
fi
if [ -n "$gnutime" ]; then
	verdict "peak RSS --json" "$(ratio "$rss_json" 1024)" "<=" 32 " MiB"
	verdict "peak RSS text" "$(ratio "$rss_text" 1024)" "<=" 32 " MiB"
fi
if [ "$broke" -ne 0 ]; then
	echo "bench: a measured program failed; numbers above are incomplete"
	exit 1
fi
exit 0
