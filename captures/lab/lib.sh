# lib.sh - shared helpers for the krbscope lab capture scripts.
# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: BSD-2-Clause
#
# Sourced (not run) by captures/lab/<scenario>.sh. It stands up real MIT
# Kerberos software inside network namespaces that it creates itself, records
# the traffic with tcpdump inside one of them, and tears everything down again.
#
# Rules these helpers keep:
#   - every namespace, veth and process is created here and recorded; the EXIT
#     trap kills only the recorded PIDs and deletes only the recorded
#     namespaces (veths die with their namespace);
#   - addresses come from documentation ranges (192.0.2.0/24, 2001:db8::/64)
#     and live only inside those namespaces: nothing is routed to the host;
#   - all Kerberos configuration, database and credential caches live in a
#     temporary directory (KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5CCNAME point
#     there), so /etc/krb5.conf and /etc/krb5kdc are never read or written.
#
# Globals set for the scenario script:
#   LAB_DIR      captures/lab (absolute)
#   LAB_OUT      captures/ (absolute): where the .pcap/.expect/.keytab go
#   LAB_TMP      temporary work directory (removed on exit unless LAB_KEEP=1)
#   LAB_TAG      short unique suffix used in namespace names

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_OUT=$(cd "$LAB_DIR/.." && pwd)
LAB_TAG="kbs$$"
LAB_TMP=
LAB_PIDS=
LAB_NETNS=

lab_log()
{
	printf '[lab %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

lab_die()
{
	lab_log "ERROR: $*"
	exit 1
}

# Kill what we started (by PID, politely first), delete the namespaces we
# created, remove the temporary directory.
lab_cleanup()
{
	local rc=$? pid ns i

	trap - EXIT INT TERM HUP
	set +e
	for pid in $LAB_PIDS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $LAB_PIDS; do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 30 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in $LAB_NETNS; do
		ip netns delete "$ns" 2>/dev/null
	done
	if [ -n "$LAB_TMP" ] && [ -d "$LAB_TMP" ]; then
		if [ "${LAB_KEEP:-0}" = 1 ]; then
			lab_log "keeping work directory $LAB_TMP"
		else
			rm -rf -- "$LAB_TMP"
		fi
	fi
	exit "$rc"
}

# lab_init: checks, tools, temporary directory, cleanup trap.
lab_init()
{
	[ "$(id -u)" = 0 ] || lab_die "must run as root (network namespaces)"
	lab_need_tools
	LAB_TMP=$(mktemp -d /tmp/krbscope-lab.XXXXXX)
	chmod 755 "$LAB_TMP"
	trap lab_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	# The host's Kerberos configuration must never be consulted.
	export KRB5_CONFIG="$LAB_TMP/krb5-kdc.conf"
	export KRB5_KDC_PROFILE="$LAB_TMP/kdc.conf"
	export KRB5CCNAME="FILE:$LAB_TMP/cc-unused"
	export KRB5_KTNAME="FILE:$LAB_TMP/keytab-unused"
	export KRB5RCACHEDIR="$LAB_TMP"
	export LC_ALL=C TZ=UTC
	unset KRB5_TRACE KRB5_CLIENT_KTNAME
}

# Install the Debian packages that provide any missing binary.
lab_need_tools()
{
	local missing='' b pkg

	for b in krb5kdc:krb5-kdc kdb5_util:krb5-kdc \
	    kadmin.local:krb5-admin-server kinit:krb5-user kvno:krb5-user \
	    tcpdump:tcpdump tshark:tshark ip:iproute2 ss:iproute2 \
	    ethtool:ethtool jq:jq; do
		if ! PATH="$PATH:/usr/sbin:/sbin" command -v "${b%%:*}" \
		    >/dev/null 2>&1; then
			pkg=${b#*:}
			case " $missing " in
			*" $pkg "*) ;;
			*) missing="$missing $pkg" ;;
			esac
		fi
	done
	if [ -n "$missing" ]; then
		lab_log "installing:$missing"
		DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 ||
		    lab_die "apt-get update failed"
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends $missing >&2 ||
		    lab_die "apt-get install$missing failed"
	fi
	export PATH="$PATH:/usr/sbin:/sbin"
}

# lab_netns_add ROLE: create namespace "$LAB_TAG-ROLE", loopback up.
# Prints nothing; the namespace name is "$LAB_TAG-$1".
lab_netns_add()
{
	local ns="$LAB_TAG-$1"

	ip netns add "$ns" || lab_die "ip netns add $ns"
	LAB_NETNS="$LAB_NETNS $ns"
	ip -n "$ns" link set lo up
	# No router solicitations, no DAD delay: keep the capture quiet.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_ra=0
}

# lab_link NS_A IF_A NS_B IF_B: a veth pair between two of our namespaces,
# created directly inside them (it never exists in the host namespace).
# Offloads are switched off so the capture shows what a real wire carries:
# correct checksums, no super-segments.
lab_link()
{
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" ||
	    lab_die "veth $1:$2 <-> $3:$4"
	ip -n "$1" link set "$2" addrgenmode none
	ip -n "$3" link set "$4" addrgenmode none
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off \
	    >/dev/null 2>&1 || true
	ip netns exec "$3" ethtool -K "$4" tx off tso off gso off gro off \
	    >/dev/null 2>&1 || true
}

# lab_addr NS IF ADDR/PREFIX...: add addresses and bring the link up.
lab_addr()
{
	local ns=$1 ifc=$2 a

	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "$ns" -6 addr add "$a" dev "$ifc" nodad ;;
		*) ip -n "$ns" addr add "$a" dev "$ifc" ;;
		esac
	done
	ip -n "$ns" link set "$ifc" up
}

# lab_mtu MTU NS IF [NS IF...]
lab_mtu()
{
	local mtu=$1

	shift
	while [ $# -ge 2 ]; do
		ip -n "$1" link set dev "$2" mtu "$mtu"
		shift 2
	done
}

# lab_bg NS LOGFILE CMD...: start CMD in NS in the background, record its
# PID (ip netns exec execs the command, so $! is the command itself).
# The PID is left in LAB_LASTPID.
lab_bg()
{
	local ns=$1 log=$2

	shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
	LAB_LASTPID=$!
	LAB_PIDS="$LAB_PIDS $LAB_LASTPID"
}

# lab_stop PID: stop one process we started, wait for it, forget it.
lab_stop()
{
	local pid=$1 i=0 p rest=''

	kill -INT "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for p in $LAB_PIDS; do
		[ "$p" = "$pid" ] || rest="$rest $p"
	done
	LAB_PIDS=$rest
}

# lab_wait_listen NS PROTO PORT: wait until something listens on PORT.
lab_wait_listen()
{
	local ns=$1 proto=$2 port=$3 i=0 opt

	case $proto in
	udp) opt=-Hlnu ;;
	tcp) opt=-Hlnt ;;
	esac
	while [ "$i" -lt 100 ]; do
		if ip netns exec "$ns" ss $opt "sport = :$port" | grep -q .; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	lab_die "nothing listens on $proto/$port in $ns"
}

# lab_tcpdump NS IF FILE FILTER: start a full-snaplen pcap capture and wait
# until tcpdump reports that it is listening.
lab_tcpdump()
{
	local ns=$1 ifc=$2 file=$3 filter=$4 i=0

	lab_bg "$ns" "$LAB_TMP/tcpdump.log" tcpdump -n -i "$ifc" -s 0 -U \
	    -Z root -w "$file" "$filter"
	LAB_TCPDUMP=$LAB_LASTPID
	while ! grep -q 'listening on' "$LAB_TMP/tcpdump.log"; do
		kill -0 "$LAB_TCPDUMP" 2>/dev/null ||
		    lab_die "tcpdump failed: $(cat "$LAB_TMP/tcpdump.log")"
		[ "$i" -lt 100 ] || lab_die "tcpdump did not start"
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.3
}

# lab_expect_extra: the sessions and delegation chains the capture must
# produce ("# session ..." / "# chain ..." lines, see captures/README.md
# "The .expect format"), one per line in LAB_EXPECT_EXTRA (set by the
# scenario script); printed right after the "# classes:" line.
lab_expect_extra()
{
	if [ -n "${LAB_EXPECT_EXTRA:-}" ]; then
		printf '%s\n' "$LAB_EXPECT_EXTRA"
	fi
}

# lab_expect PCAP: one line per Kerberos message, from Wireshark's dissector:
#   frame msg_type error_code cname sname
# cname/sname are the message's own clear-text names, components joined by
# "/": KDC-REQ: req-body cname/sname; KRB-ERROR: its cname/sname;
# KDC-REP: its cname and the sname of the ticket it issues. "-" = absent.
# One frame may carry several messages (one line each).
# LAYERS (optional, default "frame kerberos") is tshark's -J list; "" means
# every layer, which is needed when Kerberos sits inside a carrier (HTTP,
# SMB2, LDAP ...): tshark nests it in the carrier's tree, and -J would drop it.
lab_expect()
{
	local layers=${2-frame kerberos}
	local jopt=()

	[ -z "$layers" ] || jopt=(-J "$layers")
	tshark -n -r "$1" -Y kerberos -T json "${jopt[@]}" \
	    --no-duplicate-keys 2>/dev/null | jq -r '
	def msgre: "^kerberos\\.(as_req|as_rep|tgs_req|tgs_rep|ap_req|ap_rep"
	    + "|krb_error|krb_safe|krb_priv|krb_cred)_element$";
	# outermost Kerberos messages only (not the AP-REQ inside PA-TGS-REQ)
	def msgs: if type == "object" then
	        (to_entries[] | if (.key | test(msgre))
	            then (.value | if type == "array" then .[] else . end)
	            else (.value | msgs) end)
	    elif type == "array" then (.[] | msgs)
	    else empty end;
	def pick(k): if type == "object" then .[k] else null end;
	# a principal with no name components (Samba hides names under
	# FAST) is written "-" too, so every line keeps five fields
	def names: if . == null then "-"
	    else ([.. | objects | to_entries[]
	        | select(.key | test("^kerberos\\.[CS]NameString$"))
	        | .value] | flatten | join("/"))
	        | if . == "" then "-" else . end end;
	.[] | ._source.layers.frame["frame.number"] as $f
	| ._source.layers | msgs
	| (pick("kerberos.msg_type") // "-") as $t
	| (pick("kerberos.error_code") // "-") as $e
	| (if pick("kerberos.req_body_element") != null then
	       [(pick("kerberos.req_body_element")
	            | pick("kerberos.cname_element") | names),
	        (pick("kerberos.req_body_element")
	            | pick("kerberos.sname_element") | names)]
	   elif pick("kerberos.ticket_element") != null then
	       [(pick("kerberos.cname_element") | names),
	        (pick("kerberos.ticket_element")
	            | pick("kerberos.sname_element") | names)]
	   else
	       [(pick("kerberos.cname_element") | names),
	        (pick("kerberos.sname_element") | names)]
	   end) as $n
	| "\($f) \($t) \($e) \($n[0]) \($n[1])"'
}

# ---- helpers added for the carrier scenarios (http-negotiate, gss-sample) --

# lab_bridge NS BR IF...: a software switch. Creates bridge BR in namespace NS
# (no addresses, no STP: ports forward at once) and enslaves the interfaces
# IF..., which must already be in NS (the far ends of lab_link pairs).
lab_bridge()
{
	local ns=$1 br=$2 ifc

	shift 2
	ip -n "$ns" link add "$br" type bridge stp_state 0 forward_delay 0 \
	    mcast_snooping 0 || lab_die "bridge $ns:$br"
	ip -n "$ns" link set "$br" addrgenmode none
	ip -n "$ns" link set "$br" up
	for ifc in "$@"; do
		ip -n "$ns" link set "$ifc" master "$br" ||
		    lab_die "bridge port $ns:$ifc"
		ip -n "$ns" link set "$ifc" up
	done
}

# lab_resolv NS NAMESERVER: give processes started with "ip netns exec NS"
# their own /etc/resolv.conf (ip netns exec bind-mounts
# /etc/netns/NS/resolv.conf over it). The directory is removed on exit:
# this switches the EXIT trap to lab_cleanup_resolv, which then runs
# lab_cleanup. "single-request": glibc sends the A and AAAA queries one after
# the other instead of in parallel, so frame order is the same on every run.
LAB_RESOLV=
lab_resolv()
{
	local ns=$1 ns_addr=$2

	[ -d /etc/netns ] || {
		mkdir /etc/netns || lab_die "mkdir /etc/netns"
		LAB_ETC_NETNS_MADE=1
	}
	[ ! -e "/etc/netns/$ns" ] || lab_die "/etc/netns/$ns already exists"
	mkdir "/etc/netns/$ns" || lab_die "mkdir /etc/netns/$ns"
	LAB_RESOLV="$LAB_RESOLV $ns"
	trap lab_cleanup_resolv EXIT
	printf 'nameserver %s\noptions %s\n' "$ns_addr" \
	    'timeout:2 attempts:2 single-request' >"/etc/netns/$ns/resolv.conf"
}

lab_cleanup_resolv()
{
	local rc=$? ns

	set +e
	for ns in $LAB_RESOLV; do
		rm -f "/etc/netns/$ns/resolv.conf"
		rmdir "/etc/netns/$ns" 2>/dev/null
	done
	if [ "${LAB_ETC_NETNS_MADE:-0}" = 1 ]; then
		rmdir /etc/netns 2>/dev/null
	fi
	(exit "$rc")
	lab_cleanup
}

# lab_mit_realm REALM MASTER-PW KRBTGT-PW: write $LAB_TMP/kdc.conf (KDC on
# port 88 UDP+TCP, aes256 only, +preauth) and create the database with a
# fixed krbtgt password (kvno 2), so every run has the same long-term keys.
# KRB5_CONFIG must already point to a krb5.conf naming REALM as default.
lab_mit_realm()
{
	local realm=$1 t=$LAB_TMP

	mkdir -p "$t/kdb"
	cat >"$t/kdc.conf" <<EOF2
[kdcdefaults]
	kdc_listen = 88
	kdc_tcp_listen = 88

[realms]
	$realm = {
		database_name = $t/kdb/principal
		key_stash_file = $t/kdb/stash
		acl_file = $t/kdb/kadm5.acl
		admin_keytab = FILE:$t/kdb/kadm5.keytab
		master_key_type = aes256-cts-hmac-sha1-96
		supported_enctypes = aes256-cts-hmac-sha1-96:normal
		default_principal_flags = +preauth
		max_life = 10h 0m 0s
		max_renewable_life = 0
	}

[logging]
	kdc = FILE:$t/kdc.log
	admin_server = FILE:$t/kadmin.log
	default = FILE:$t/kdc.log
EOF2
	echo "*/admin@$realm *" >"$t/kdb/kadm5.acl"
	kdb5_util -r "$realm" create -s -P "$2" >"$t/kdb5_util.log" 2>&1 ||
	    lab_die "kdb5_util create: $(cat "$t/kdb5_util.log")"
	lab_kadm "$realm" "cpw -pw $3 krbtgt/$realm"
}

# lab_kadm REALM QUERY: one kadmin.local command against the lab database.
lab_kadm()
{
	kadmin.local -r "$1" -q "$2" >>"$LAB_TMP/kadmin.out" 2>&1 ||
	    lab_die "kadmin.local $2"
}

# lab_ktadd_pw KEYTAB PRINCIPAL KVNO PASSWORD: add an aes256 key derived from
# PASSWORD (default salt) with the given kvno to KEYTAB, without touching the
# KDC database: a keytab that does not match the KDC (stale or wrong key).
lab_ktadd_pw()
{
	printf 'addent -password -p %s -k %s -e %s\n%s\nwkt %s\nquit\n' \
	    "$2" "$3" aes256-cts-hmac-sha1-96 "$4" "$1" |
	    ktutil >>"$LAB_TMP/ktutil.out" 2>&1 ||
	    lab_die "ktutil addent $2 kvno $3"
	[ -s "$1" ] || lab_die "ktutil did not write $1"
}

# lab_count PCAP FILTER [TSHARK-OPTION...]: frames of PCAP matching FILTER.
lab_count()
{
	local pcap=$1 filter=$2

	shift 2
	tshark -n "$@" -r "$pcap" -Y "$filter" 2>/dev/null | wc -l
}

# lab_need PCAP WHAT FILTER MIN: die unless at least MIN frames match.
lab_need()
{
	local n

	n=$(lab_count "$1" "$3")
	[ "$n" -ge "$4" ] || lab_die "capture check '$2' ($3): $n < $4"
	lab_log "check: $2: $n"
}
