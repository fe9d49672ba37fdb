/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_tcp.c - flows and TCP reassembly as a dissector sees them: order,
 * retransmissions, the "first" overlap policy, gaps, mid-stream pickup,
 * sequence wraparound, record framing through feed(), caps, expiry,
 * eviction, ignored flows and the frame each record is reported at.
 * RFC 9293.
 */
#include "config.h"

#include <string.h>

#include "engine.h"
#include "flow.h"
#include "tap.h"
#include "testnet.h"

#define C	"10.0.0.1"
#define S	"10.0.0.2"
#define CP	40000
#define SP	4242

static uint8_t	big[TN_PKT_MAX], pkt[TN_PKT_MAX], l4[TN_PKT_MAX];

static void	c2s(struct tn *, uint32_t, uint8_t, const void *, size_t);
static void	s2c(struct tn *, uint32_t, uint8_t, const void *, size_t);
static void	handshake(struct tn *, uint32_t, uint32_t);
static int	stream_is(int, const char *);
static size_t	rec(uint8_t *, const char *);
static void	test_in_order(void);
static void	test_out_of_order(void);
static void	test_retrans(void);
static void	test_overlap(void);
static void	test_gap_overflow(void);
static void	test_gap_fin_rst_expiry(void);
static void	test_midstream(void);
static void	test_wrap(void);
static void	test_records(void);
static void	test_oversize(void);
static void	test_flow_cap_bytes(void);
static void	test_total_cap(void);
static void	test_flow_eviction(void);
static void	test_expiry(void);
static void	test_ignored(void);
static void	test_feed_err(void);
static void	test_truncated(void);
static void	test_reuse_and_synack(void);
static void	test_ipv6_udp(void);
static void	test_lazy(void);
static void	test_probe(void);
static void	test_no_feed(void);
static void	krb_sink(void *, const struct msg_ctx *,
		    const struct krb_msg *);
static int	udp_only_dgram(struct dis_ctx *, const uint8_t *, size_t);

/*
 * KRB-ERROR KDC_ERR_S_PRINCIPAL_UNKNOWN (7) for MSSQLSvc/sqlb:1433 in
 * CORP.EXAMPLE, as tests/fuzz/gen_net_seeds.py krb_error(7) writes it.
 */
static const uint8_t krb_err[94] = {
	0x7e, 0x5c, 0x30, 0x5a, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02,
	0x01, 0x1e, 0xa4, 0x11, 0x18, 0x0f, 0x32, 0x30, 0x32, 0x34, 0x30, 0x31,
	0x30, 0x31, 0x31, 0x32, 0x30, 0x30, 0x30, 0x30, 0x5a, 0xa5, 0x04, 0x02,
	0x02, 0x04, 0xd2, 0xa6, 0x03, 0x02, 0x01, 0x07, 0xa9, 0x0e, 0x1b, 0x0c,
	0x43, 0x4f, 0x52, 0x50, 0x2e, 0x45, 0x58, 0x41, 0x4d, 0x50, 0x4c, 0x45,
	0xaa, 0x20, 0x30, 0x1e, 0xa0, 0x03, 0x02, 0x01, 0x02, 0xa1, 0x17, 0x30,
	0x15, 0x1b, 0x08, 0x4d, 0x53, 0x53, 0x51, 0x4c, 0x53, 0x76, 0x63, 0x1b,
	0x09, 0x73, 0x71, 0x6c, 0x62, 0x3a, 0x31, 0x34, 0x33, 0x33,
};

/* What the engine's Kerberos sink saw last. */
static struct {
	unsigned	 n;
	uint64_t	 frame;
	uint16_t	 sport, dport;
	int		 transport, msg_type;
	int32_t		 error_code;
	char		 carrier[16];
} seen;

static const struct dissector udp_only = {
	.name		= "udp-only",
	.transports	= TRANSPORT_MASK(TRANSPORT_UDP),
	.datagram	= udp_only_dgram,
};

static void
c2s(struct tn *t, uint32_t seq, uint8_t flags, const void *p, size_t n)
{
	tn_tcp4(t, C, CP, S, SP, seq, flags, p, n);
}

static void
s2c(struct tn *t, uint32_t seq, uint8_t flags, const void *p, size_t n)
{
	tn_tcp4(t, S, SP, C, CP, seq, flags, p, n);
}

static void
handshake(struct tn *t, uint32_t cisn, uint32_t sisn)
{
	c2s(t, cisn, TH_SYN, NULL, 0);
	s2c(t, sisn, TH_SYN | TH_ACK, NULL, 0);
	c2s(t, cisn + 1, TH_ACK, NULL, 0);
}

static int
stream_is(int dir, const char *want)
{
	size_t n = strlen(want);

	if (tn_rec.stream_len[dir] != n ||
	    memcmp(tn_rec.stream[dir], want, n) != 0) {
		printf("#   dir %d: got \"%.*s\", want \"%s\"\n", dir,
		    (int)tn_rec.stream_len[dir], tn_rec.stream[dir], want);
		return 0;
	}
	return 1;
}

/* A record for TN_MODE_REC: 4-byte length, then the text. */
static size_t
rec(uint8_t *out, const char *body)
{
	size_t n = strlen(body);

	out[0] = (uint8_t)(n >> 24);
	out[1] = (uint8_t)(n >> 16);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	memcpy(out + 4, body, n);
	return 4 + n;
}

static void
test_in_order(void)
{
	struct tn t;
	const struct tn_event *e;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1001, TH_ACK, "hello ", 6);
	c2s(&t, 1007, TH_ACK, "world", 5);
	s2c(&t, 5001, TH_ACK, "reply", 5);
	ok(stream_is(0, "hello world"), "in order: client bytes");
	ok(stream_is(1, "reply"), "in order: server bytes in dir 1");
	is_int(t.eng.st.tcp, 6, "in order: 6 TCP segments");
	is_int(t.eng.st.flows_created, 1, "in order: one flow");
	is_int(t.eng.st.flows_active, 1, "in order: one active flow");
	is_int(tn_rec.n_new, 1, "in order: one dissector state");
	is_int(tn_rec_count(TN_EV_FEED), 3, "in order: three feed calls");
	e = tn_rec_event(TN_EV_FEED, 1);
	ok(e != NULL && e->frame == 5 && e->len == 5,
	    "in order: second feed at frame 5, 5 bytes");
	is_int(tn_rec.sport[0], CP, "in order: dir 0 is from the client");
	is_int(tn_rec.dport[0], SP, "in order: dir 0 is to the server");
	is_int(tn_rec.gaps[0] + tn_rec.gaps[1], 0, "in order: no gap");
	is_int(t.eng.st.tcp_midstream, 0, "in order: not mid-stream");
	is_int(t.eng.st.reasm_bytes, 0, "in order: nothing buffered");
	is_int(t.eng.st.reasm_peak, 0,
	    "in order: fed straight from the packets");
	tn_fini(&t);
	is_int(tn_rec.n_free, 1, "in order: state freed at the end");
}

static void
test_out_of_order(void)
{
	struct tn t;
	unsigned i;
	int same;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1009, TH_ACK, "cccc", 4);	/* frame 4 */
	c2s(&t, 1005, TH_ACK, "bbbb", 4);	/* frame 5 */
	is_int(tn_rec.stream_len[0], 0, "ooo: nothing before the hole fills");
	is_int(t.eng.st.tcp_ooo, 2, "ooo: two segments held");
	is_int(t.eng.st.reasm_bytes, 8, "ooo: 8 bytes held");
	c2s(&t, 1001, TH_ACK, "aaaa", 4);	/* frame 6 */
	ok(stream_is(0, "aaaabbbbcccc"), "ooo: delivered in order");
	for (same = 1, i = 0; tn_rec_event(TN_EV_FEED, i) != NULL; i++)
		same &= tn_rec_event(TN_EV_FEED, i)->frame == 6;
	ok(same && i == 3, "ooo: all reported at frame 6, which filled the "
	    "hole");
	is_int(t.eng.st.reasm_bytes, 0, "ooo: nothing held after");
	is_int(t.eng.st.tcp_gaps, 0, "ooo: no gap");
	tn_fini(&t);
}

static void
test_retrans(void)
{
	struct tn t;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1001, TH_ACK, "aaaa", 4);
	c2s(&t, 1001, TH_ACK, "aaaa", 4);
	c2s(&t, 1003, TH_ACK, "aa", 2);
	c2s(&t, 1000, TH_SYN, NULL, 0);		/* SYN retransmitted */
	c2s(&t, 1005, TH_ACK, "bb", 2);
	c2s(&t, 1009, TH_ACK, "dd", 2);
	c2s(&t, 1009, TH_ACK, "dd", 2);		/* held twice */
	ok(stream_is(0, "aaaabb"), "retrans: bytes delivered once");
	is_int(t.eng.st.tcp_retrans, 3, "retrans: 3 retransmissions counted");
	is_int(t.eng.st.tcp_overlaps, 0, "retrans: no partial overlap");
	is_int(t.eng.st.flows_created, 1, "retrans: SYN with the same ISN "
	    "keeps the flow");
	tn_fini(&t);
}

static void
test_overlap(void)
{
	struct tn t;

	/* partly old: only the new bytes count (policy first) */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1001, TH_ACK, "aaaa", 4);
	c2s(&t, 1003, TH_ACK, "XXXXbb", 6);
	ok(stream_is(0, "aaaaXXbb"), "overlap first: delivered bytes win");
	is_int(t.eng.st.tcp_overlaps, 1, "overlap: counted");
	tn_fini(&t);

	/* an in-order segment over held bytes: held bytes win */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1005, TH_ACK, "bbbb", 4);
	c2s(&t, 1001, TH_ACK, "YYYYYYYYyy", 10);
	ok(stream_is(0, "YYYYbbbbyy"), "overlap first: held bytes win over "
	    "a later in-order segment");
	is_int(t.eng.st.tcp_overlaps, 1, "overlap over held: counted");
	tn_fini(&t);

	/* two held segments overlapping each other */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1009, TH_ACK, "cccc", 4);
	c2s(&t, 1007, TH_ACK, "dddddddd", 8);	/* 1007..1014 */
	is_int(t.eng.st.tcp_overlaps, 1, "held overlap: counted");
	is_int(t.eng.st.reasm_bytes, 8, "held overlap: only new bytes held");
	c2s(&t, 1001, TH_ACK, "aaaaaa", 6);
	ok(stream_is(0, "aaaaaaddccccdd"),
	    "overlap first: held cccc kept inside the later dddddddd");
	tn_fini(&t);
}

static void
test_gap_overflow(void)
{
	struct tn t;
	const struct tn_event *e;
	uint64_t fc;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	t.eng.lim.max_ooo_segs = 3;
	handshake(&t, 1000, 5000);
	c2s(&t, 1001, TH_ACK, "aaaa", 4);
	/* 1005..1008 never captured */
	c2s(&t, 1009, TH_ACK, "cccc", 4);
	fc = t.frame;
	c2s(&t, 1013, TH_ACK, "dddd", 4);
	c2s(&t, 1017, TH_ACK, "eeee", 4);
	is_int(t.eng.st.tcp_gaps, 0, "gap: 3 held, queue not yet full");
	c2s(&t, 1021, TH_ACK, "ffff", 4);
	is_int(t.eng.st.tcp_gaps, 1, "gap: queue overflow skips the hole");
	is_int(t.eng.st.tcp_gap_bytes, 4, "gap: 4 bytes skipped");
	is_int(tn_rec.gaps[0], 1, "gap: dissector told once");
	ok(stream_is(0, "aaaaccccddddeeeeffff"), "gap: later data delivered");
	e = tn_rec_event(TN_EV_GAP, 0);
	ok(e != NULL && e == &tn_rec.ev[1], "gap: gap() between aaaa and "
	    "cccc");
	e = tn_rec_event(TN_EV_FEED, 1);
	ok(e != NULL && e->first == 'c' && e->frame == fc,
	    "gap: bytes after the hole reported at their own frame");
	is_int(t.eng.st.reasm_bytes, 0, "gap: nothing held after");
	c2s(&t, 1005, TH_ACK, "bbbb", 4);
	is_int(t.eng.st.tcp_retrans, 1, "gap: the late bytes are old now");
	tn_fini(&t);

	/* no out-of-order queue at all */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	t.eng.lim.max_ooo_segs = 0;
	handshake(&t, 1000, 5000);
	c2s(&t, 1005, TH_ACK, "bbbb", 4);
	is_int(t.eng.st.tcp_gap_bytes, 4, "ooo cap 0: hole skipped at once");
	ok(stream_is(0, "bbbb"), "ooo cap 0: data delivered");
	tn_fini(&t);
}

static void
test_gap_fin_rst_expiry(void)
{
	struct tn t;

	/* FIN with a hole */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1001, TH_ACK, "aaaa", 4);
	c2s(&t, 1009, TH_ACK, "cccc", 4);
	c2s(&t, 1013, TH_ACK | TH_FIN, "dd", 2);
	is_int(t.eng.st.tcp_gaps, 1, "FIN: hole skipped");
	is_int(t.eng.st.tcp_gap_bytes, 4, "FIN: 4 bytes");
	is_int(tn_rec.gaps[0], 1, "FIN: gap() called");
	ok(stream_is(0, "aaaaccccdd"), "FIN: held data delivered");
	s2c(&t, 5001, TH_ACK | TH_FIN, NULL, 0);
	tn_sleep(&t, 11);
	tn_expire(&t);
	is_int(t.eng.st.flows_expired, 1, "FIN both ways: expired after 10 s");
	is_int(t.eng.st.flows_active, 0, "FIN both ways: no flow left");
	tn_fini(&t);

	/* FIN whose preceding bytes are missing, nothing held */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1001, TH_ACK, "aaaa", 4);
	c2s(&t, 1011, TH_ACK | TH_FIN, NULL, 0);
	is_int(t.eng.st.tcp_gap_bytes, 6, "bare FIN after a hole: 6 bytes");
	tn_fini(&t);

	/* RST with held data on both sides */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1005, TH_ACK, "bbbb", 4);
	s2c(&t, 5003, TH_ACK, "yy", 2);
	s2c(&t, 5009, TH_RST, NULL, 0);
	is_int(t.eng.st.tcp_gaps, 2, "RST: both holes skipped");
	ok(stream_is(0, "bbbb") && stream_is(1, "yy"),
	    "RST: held data delivered both ways");
	tn_sleep(&t, 11);
	tn_expire(&t);
	is_int(t.eng.st.flows_expired, 1, "RST: closed flow expired");
	tn_fini(&t);

	/* held data when the flow ends idle */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1001, TH_ACK, "aa", 2);
	c2s(&t, 1005, TH_ACK, "bbbb", 4);
	tn_sleep(&t, 60);
	tn_expire(&t);
	is_int(t.eng.st.flows_expired, 0, "idle: not after 60 s");
	tn_sleep(&t, 61);
	tn_expire(&t);
	is_int(t.eng.st.flows_expired, 1, "idle: expired after 121 s");
	is_int(t.eng.st.tcp_gap_bytes, 2, "idle: hole of 2 skipped");
	ok(stream_is(0, "aabbbb"), "idle: held data delivered at the end");
	is_int(t.eng.st.reasm_bytes, 0, "idle: nothing buffered");
	is_int(tn_rec.n_free, 1, "idle: state freed");
	tn_fini(&t);
}

static void
test_midstream(void)
{
	struct tn t;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	c2s(&t, 777777, TH_ACK, "mid", 3);
	c2s(&t, 777780, TH_ACK, "dle", 3);
	s2c(&t, 42, TH_ACK, "srv", 3);
	is_int(t.eng.st.tcp_midstream, 2, "mid-stream: both sides counted");
	ok(stream_is(0, "middle") && stream_is(1, "srv"),
	    "mid-stream: starts at the first segment");
	ok(tn_rec.n_ev > 0 && tn_rec.ev[0].kind == TN_EV_GAP &&
	    tn_rec.ev[0].dir == 0, "mid-stream: gap() before the first feed");
	is_int(tn_rec.gaps[0], 1, "mid-stream: one gap for dir 0");
	is_int(tn_rec.gaps[1], 1, "mid-stream: one gap for dir 1");
	is_int(t.eng.st.tcp_gaps, 0, "mid-stream: not a gap in the stream");
	tn_fini(&t);
}

static void
test_wrap(void)
{
	struct tn t;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 0xfffffff0u, 5000);
	c2s(&t, 0xfffffff1u, TH_ACK, "01234567", 8);
	c2s(&t, 0x00000009u, TH_ACK, "tail", 4);	/* ahead, past wrap */
	c2s(&t, 0xfffffff9u, TH_ACK, "89abcdefghijklmn", 16);
	c2s(&t, 0xfffffff5u, TH_ACK, "4567", 4);	/* old */
	ok(stream_is(0, "0123456789abcdefghijklmntail"),
	    "wrap: bytes in order across 2^32");
	is_int(t.eng.st.tcp_ooo, 1, "wrap: one segment held");
	is_int(t.eng.st.tcp_retrans, 1, "wrap: old segment seen as old");
	is_int(t.eng.st.tcp_gaps, 0, "wrap: no gap");
	tn_fini(&t);
}

static void
test_records(void)
{
	struct tn t;
	const struct tn_event *e;
	size_t n, i;
	uint64_t f3;

	tn_rec_reset(TN_MODE_REC);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	/* three records in one segment */
	n = rec(big, "abc");
	n += rec(big + n, "hello");
	n += rec(big + n, "x");
	c2s(&t, 1001, TH_ACK, big, n);
	is_int(tn_rec_count(TN_EV_REC), 3, "records: 3 in one segment");
	e = tn_rec_event(TN_EV_REC, 1);
	ok(e != NULL && e->len == 5 && e->first == 'h' && e->frame == 4,
	    "records: second is hello, at frame 4");
	is_int(t.eng.st.reasm_bytes, 0, "records: nothing left buffered");

	/* one record over three segments (split inside the header too) */
	big[0] = 0;
	big[1] = 0;
	big[2] = 0x0b;
	big[3] = 0xb8;			/* 3000 */
	for (i = 0; i < 3000; i++)
		big[4 + i] = (uint8_t)('A' + i % 26);
	c2s(&t, 1001 + (uint32_t)n, TH_ACK, big, 2);
	c2s(&t, 1003 + (uint32_t)n, TH_ACK, big + 2, 1500);
	is_int(tn_rec_count(TN_EV_REC), 3, "records: incomplete, not yet");
	ok(t.eng.st.reasm_bytes >= 1502, "records: partial record buffered");
	c2s(&t, 2503 + (uint32_t)n, TH_ACK, big + 1502, 1502);
	f3 = t.frame;
	is_int(tn_rec_count(TN_EV_REC), 4, "records: complete after 3rd");
	e = tn_rec_event(TN_EV_REC, 3);
	ok(e != NULL && e->len == 3000 && e->frame == f3,
	    "records: 3000 bytes at the completing frame");
	ok(tn_rec.stream_len[0] == 9 + 3000 &&
	    memcmp(tn_rec.stream[0] + 9, big + 4, 3000) == 0,
	    "records: body intact");
	is_int(t.eng.st.reasm_bytes, 0, "records: buffer freed after use");
	ok(t.eng.st.reasm_peak >= 3004 && t.eng.st.reasm_peak <= 8192,
	    "records: peak buffer near the record size");

	/* the next record starts in the same segment a record ends in */
	n = rec(big, "one");
	n += rec(big + n, "two-is-long");
	c2s(&t, 4026, TH_ACK, big, 10);		/* one + 3 bytes of two */
	is_int(tn_rec_count(TN_EV_REC), 5, "records: 'one' at once");
	c2s(&t, 4036, TH_ACK, big + 10, n - 10);
	e = tn_rec_event(TN_EV_REC, 5);
	ok(e != NULL && e->len == 11 && e->frame == t.frame,
	    "records: 'two-is-long' at its completing frame");
	tn_fini(&t);
}

static void
test_oversize(void)
{
	struct tn t;
	size_t n;

	tn_rec_reset(TN_MODE_REC);
	tn_init(&t);
	t.eng.lim.flow_bytes = 4096;
	handshake(&t, 1000, 5000);
	memset(big, 'z', 200);
	big[0] = 0;
	big[1] = 0;
	big[2] = 0x27;
	big[3] = 0x10;			/* 10000 > 4096 */
	c2s(&t, 1001, TH_ACK, big, 200);
	is_int(t.eng.st.dis_oversize, 1, "oversize: counted");
	is_int(tn_rec.gaps[0], 1, "oversize: gap() called");
	is_int(t.eng.st.reasm_bytes, 0, "oversize: nothing buffered");
	n = rec(big, "after");
	c2s(&t, 1201, TH_ACK, big, n);
	is_int(tn_rec_count(TN_EV_REC), 1, "oversize: next record delivered");
	tn_fini(&t);

	/* max_msg_bytes applies too */
	tn_rec_reset(TN_MODE_REC);
	tn_init(&t);
	t.eng.lim.max_msg_bytes = 100;
	handshake(&t, 1000, 5000);
	memset(big, 'z', 50);
	big[0] = big[1] = big[2] = 0;
	big[3] = 200;
	c2s(&t, 1001, TH_ACK, big, 50);
	is_int(t.eng.st.dis_oversize, 1, "oversize: max_msg_bytes");
	tn_fini(&t);
}

static void
test_flow_cap_bytes(void)
{
	struct tn t;
	int i;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	t.eng.lim.flow_bytes = 4096;
	handshake(&t, 1000, 5000);
	memset(big, 'q', 1000);
	/* a 10-byte hole, then 5 segments of 1000 held */
	for (i = 0; i < 5; i++)
		c2s(&t, 1011 + (uint32_t)i * 1000, TH_ACK, big, 1000);
	is_int(t.eng.st.tcp_drop_bytes, 1000, "flow cap: 5th segment dropped");
	is_int(t.eng.st.reasm_bytes, 4000, "flow cap: 4000 bytes held");
	ok(t.eng.st.reasm_peak <= 4096, "flow cap: never above the cap");
	c2s(&t, 1001, TH_ACK, "0123456789", 10);
	is_int(tn_rec.stream_len[0], 4010, "flow cap: held data delivered");
	is_int(t.eng.st.reasm_bytes, 0, "flow cap: buffers released");
	tn_fini(&t);
}

static void
test_total_cap(void)
{
	struct tn t;
	size_t n;
	int i;

	tn_rec_reset(TN_MODE_REC);
	tn_init(&t);
	t.eng.lim.total_bytes = 8192;
	memset(big, 'r', 3000);
	big[0] = big[1] = 0;
	big[2] = 0x0b;
	big[3] = 0xb8;			/* 3000-byte record, 1500 sent */
	for (i = 0; i < 10; i++)
		tn_tcp4(&t, C, (uint16_t)(30000 + i), S, SP, 1, TH_ACK, big,
		    1500);
	is_int(t.eng.st.flows_created, 10, "total cap: 10 flows");
	ok(t.eng.st.reasm_bytes <= 8192, "total cap: held bytes within cap");
	ok(t.eng.st.reasm_peak <= 8192, "total cap: peak within cap");
	is_int(t.eng.st.tcp_drop_bytes, 5 * 1500,
	    "total cap: 5 flows could not buffer 1500 bytes");
	is_int(tn_rec.gaps[0], 10 + 5,
	    "total cap: mid-stream gaps + 5 drop resyncs");
	/* the first flows complete their record */
	for (i = 0; i < 10; i++)
		tn_tcp4(&t, C, (uint16_t)(30000 + i), S, SP, 1501, TH_ACK,
		    big + 1500, 1504);
	/*
	 * Flow 0 cannot grow its buffer while the others hold 6000 bytes:
	 * its 3004 bytes are dropped; that frees room for flows 1-4. Flows
	 * 5-9 lost their first half: their rest reads as a huge record.
	 */
	is_int(tn_rec_count(TN_EV_REC), 4,
	    "total cap: 4 of the buffered records complete");
	is_int(t.eng.st.tcp_drop_bytes, 5 * 1500 + 3004,
	    "total cap: flow 0's record dropped");
	is_int(t.eng.st.dis_oversize, 5,
	    "total cap: flows 5-9 resynchronise");
	is_int(t.eng.st.reasm_bytes, 0, "total cap: all released");
	ok(t.eng.st.reasm_peak <= 8192, "total cap: peak within cap");
	n = rec(big, "ok");
	tn_tcp4(&t, C, 30009, S, SP, 3005, TH_ACK, big, n);
	is_int(tn_rec_count(TN_EV_REC), 5, "total cap: flow recovers");
	tn_fini(&t);
}

static void
test_flow_eviction(void)
{
	struct tn t;
	int i;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	t.eng.lim.max_flows = 4;
	/* flow 0 holds data after a hole */
	tn_tcp4(&t, C, 20000, S, SP, 1, TH_SYN, NULL, 0);
	tn_tcp4(&t, C, 20000, S, SP, 10, TH_ACK, "held", 4);
	for (i = 1; i < 6; i++)
		tn_udp4(&t, C, (uint16_t)(20000 + i), S, SP, "u", 1);
	is_int(t.eng.st.flows_created, 6, "eviction: 6 flows created");
	is_int(t.eng.st.flows_evicted, 2, "eviction: 2 evicted");
	is_int(t.eng.st.flows_active, 4, "eviction: 4 active");
	is_int(t.eng.st.flows_peak, 4, "eviction: peak 4");
	is_int(tn_rec.n_free, 2, "eviction: dissector states freed");
	is_int(t.eng.st.tcp_gap_bytes, 8,
	    "eviction: the TCP flow's hole skipped");
	is_int(t.eng.st.reasm_bytes, 0, "eviction: its buffers released");
	/* LRU (to the second): flow 2 active a second later than flow 3
	 * makes flow 3 the next victim */
	tn_sleep(&t, 1);
	tn_udp4(&t, C, 20002, S, SP, "u", 1);
	tn_udp4(&t, C, 20006, S, SP, "u", 1);
	tn_udp4(&t, C, 20002, S, SP, "u", 1);
	is_int(t.eng.st.flows_created, 7, "eviction: LRU flow kept");
	tn_fini(&t);
	is_int(tn_rec.n_free, tn_rec.n_new, "eviction: every state freed");
}

static void
test_expiry(void)
{
	struct tn t;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);			/* flow A */
	tn_udp4(&t, C, 1, S, 2, "x", 1);		/* flow B */
	tn_tcp4(&t, C, 3, S, 4, 1, TH_SYN, NULL, 0);	/* flow C */
	tn_tcp4(&t, S, 4, C, 3, 1, TH_SYN | TH_ACK, NULL, 0);
	tn_tcp4(&t, C, 3, S, 4, 2, TH_FIN | TH_ACK, NULL, 0);
	tn_tcp4(&t, S, 4, C, 3, 2, TH_FIN | TH_ACK, NULL, 0);
	tn_sleep(&t, 5);
	tn_udp4(&t, C, 1, S, 2, "x", 1);		/* B active at 5 s */
	tn_sleep(&t, 6);
	c2s(&t, 1001, TH_ACK, "a", 1);			/* A at 11 s */
	is_int(t.eng.st.flows_expired, 1,
	    "expiry: the closed flow goes after 10 s (engine time)");
	is_int(t.eng.st.flows_active, 2, "expiry: two left");
	tn_sleep(&t, 115);
	tn_expire(&t);					/* 126 s */
	is_int(t.eng.st.flows_expired, 2, "expiry: B idle 121 s");
	tn_sleep(&t, 5);
	tn_expire(&t);
	is_int(t.eng.st.flows_expired, 3, "expiry: A idle 120 s");
	is_int(t.eng.st.flows_active, 0, "expiry: none left");
	is_int(tn_rec.n_free, 3, "expiry: states freed");
	tn_fini(&t);
}

static void
test_ignored(void)
{
	struct tn t;
	uint64_t ooo;
	int i;

	tn_rec_reset(TN_MODE_RAW);
	flow_set_test_dissector(NULL);
	tn_init(&t);
	memset(big, 'z', 1400);
	c2s(&t, 1000, TH_SYN, NULL, 0);
	s2c(&t, 5000, TH_SYN | TH_ACK, NULL, 0);
	c2s(&t, 1001, TH_ACK, big, 1400);	/* probe: no dissector */
	s2c(&t, 5001, TH_ACK, big, 1400);	/* probe: none: ignored */
	is_int(t.eng.st.reasm_bytes, 0, "ignored: probe buffers freed");
	ooo = t.eng.st.tcp_ooo;
	for (i = 0; i < 20; i++)
		c2s(&t, 100000 + (uint32_t)i * 1400, TH_ACK, big, 1400);
	is_int(t.eng.st.tcp_ooo, ooo, "ignored: segments not held");
	is_int(t.eng.st.reasm_bytes, 0, "ignored: nothing buffered");
	is_int(t.eng.st.tcp_retrans + t.eng.st.tcp_gaps, 0,
	    "ignored: no sequence tracking");
	c2s(&t, 1, TH_ACK | TH_FIN, NULL, 0);
	s2c(&t, 1, TH_ACK | TH_FIN, NULL, 0);
	tn_sleep(&t, 11);
	tn_expire(&t);
	/* no port hint, no probe match: no flow is ever kept */
	is_int(t.eng.st.flows_created, 0, "ignored: no flow created");
	is_int(t.eng.st.l4_unclaimed, 26, "ignored: 26 packets unclaimed");
	is_int(tn_rec.n_ev, 0, "ignored: the test dissector saw nothing");

	/* UDP: two probes per side, then ignored */
	tn_udp4(&t, C, 7001, S, 7002, "nope", 4);
	tn_udp4(&t, C, 7001, S, 7002, "nope", 4);
	tn_udp4(&t, S, 7002, C, 7001, "nope", 4);
	tn_udp4(&t, S, 7002, C, 7001, "nope", 4);
	tn_udp4(&t, S, 7002, C, 7001, "nope", 4);
	is_int(t.eng.st.udp, 5, "ignored UDP: 5 datagrams");
	is_int(t.eng.st.flows_active, 0, "ignored UDP: no flow kept");
	is_int(t.eng.st.l4_unclaimed, 31, "ignored UDP: 5 more unclaimed");
	tn_fini(&t);
	flow_set_test_dissector(&tn_dissector);
}

static void
test_feed_err(void)
{
	struct tn t;
	int i;

	tn_rec_reset(TN_MODE_ERR);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	for (i = 0; i < 5; i++) {
		c2s(&t, 1001 + (uint32_t)i * 4, TH_ACK, "abcd", 4);
		s2c(&t, 5001 + (uint32_t)i * 4, TH_ACK, "efgh", 4);
	}
	c2s(&t, 2001, TH_ACK, "held", 4);
	is_int(tn_rec.n_feed, 2, "FEED_ERR: one call per direction");
	is_int(t.eng.st.reasm_bytes, 0, "FEED_ERR: nothing buffered or held");
	is_int(t.eng.st.tcp_ooo, 0, "FEED_ERR: no longer tracked");
	tn_fini(&t);
}

static void
test_truncated(void)
{
	struct tn t;
	size_t n;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	memset(big, 's', 100);
	n = tn_tcp(l4, CP, SP, 1001, TH_ACK, big, 100);
	n = tn_ip4(pkt, C, S, 6, 1, 0, 0, l4, n);
	tn_send(&t, pkt, n - 40);		/* snaplen cut 40 bytes */
	is_int(t.eng.st.l4_truncated, 1, "cut segment: l4_truncated");
	is_int(tn_rec.stream_len[0], 60, "cut segment: 60 bytes delivered");
	is_int(t.eng.st.tcp_gap_bytes, 40, "cut segment: 40 bytes skipped");
	is_int(tn_rec.gaps[0], 1, "cut segment: gap() called");
	c2s(&t, 1101, TH_ACK, "next", 4);
	is_int(tn_rec.stream_len[0], 64, "cut segment: next one in order");
	is_int(t.eng.st.tcp_ooo, 0, "cut segment: nothing held");
	tn_fini(&t);
}

static void
test_reuse_and_synack(void)
{
	struct tn t;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	/* SYN-ACK seen first: its receiver is the initiator */
	s2c(&t, 5000, TH_SYN | TH_ACK, NULL, 0);
	c2s(&t, 1001, TH_ACK, "req", 3);
	s2c(&t, 5001, TH_ACK, "rsp", 3);
	ok(stream_is(0, "req") && stream_is(1, "rsp"),
	    "SYN-ACK first: the client is dir 0");
	is_int(t.eng.st.tcp_midstream, 1,
	    "SYN-ACK first: only the client side is mid-stream");
	c2s(&t, 1004, TH_FIN | TH_ACK, NULL, 0);
	s2c(&t, 5004, TH_FIN | TH_ACK, NULL, 0);
	/* the port pair is used again with a new ISN */
	c2s(&t, 9000, TH_SYN, NULL, 0);
	is_int(t.eng.st.flows_created, 2, "reuse: new SYN starts a new flow");
	is_int(t.eng.st.flows_expired, 1, "reuse: the old one ended");
	c2s(&t, 9001, TH_ACK, "new", 3);
	ok(stream_is(0, "reqnew"), "reuse: new flow delivers from its ISN");
	tn_fini(&t);
}

static void
test_ipv6_udp(void)
{
	struct tn t;
	const struct tn_event *e;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	tn_tcp6(&t, "2001:db8::1", 1234, "2001:db8::2", 88, 1, TH_SYN,
	    NULL, 0);
	tn_tcp6(&t, "2001:db8::1", 1234, "2001:db8::2", 88, 2, TH_ACK,
	    "six", 3);
	ok(stream_is(0, "six"), "IPv6 TCP delivered");
	is_int(tn_rec.dport[0], 88, "IPv6 TCP ports");
	tn_udp4(&t, C, 53000, S, 88, "ping", 4);
	tn_udp4(&t, S, 88, C, 53000, "pong", 4);
	tn_udp4(&t, C, 53000, S, 88, "", 0);
	e = tn_rec_event(TN_EV_DGRAM, 1);
	ok(e != NULL && e->dir == 1 && e->len == 4 && e->frame == 4,
	    "UDP reply in dir 1 at frame 4");
	is_int(tn_rec_count(TN_EV_DGRAM), 3, "UDP: empty datagram delivered");
	is_int(t.eng.st.reasm_peak, 0, "UDP: nothing buffered");
	tn_fini(&t);
}

static void
test_lazy(void)
{
	struct tn t;

	/* feed() that waits for 100 bytes, over a 64-byte buffer */
	tn_rec_reset(TN_MODE_LAZY);
	tn_init(&t);
	t.eng.lim.flow_bytes = 64;
	handshake(&t, 1000, 5000);
	memset(big, 'w', 200);
	c2s(&t, 1001, TH_ACK, big, 40);
	/* capacity is what is counted: one 64-byte buffer */
	is_int(t.eng.st.reasm_bytes, 64, "lazy: 40 bytes kept in 64");
	c2s(&t, 1041, TH_ACK, big, 40);
	is_int(t.eng.st.tcp_drop_bytes, 64,
	    "lazy: full buffer without progress dropped");
	is_int(tn_rec.gaps[0], 1, "lazy: gap() after the drop");
	is_int(t.eng.st.reasm_bytes, 64, "lazy: the 16 left kept in 64");
	ok(t.eng.st.reasm_peak <= 64, "lazy: never above flow_bytes");
	is_int(tn_rec.stream_len[0], 0, "lazy: nothing used");
	tn_fini(&t);

	/* with room, the bytes are fed once there are 100 */
	tn_rec_reset(TN_MODE_LAZY);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1001, TH_ACK, big, 60);
	c2s(&t, 1061, TH_ACK, big, 60);
	is_int(tn_rec.stream_len[0], 120, "lazy: 120 bytes used at once");
	is_int(tn_rec.n_feed, 2, "lazy: fed again when more came");
	is_int(t.eng.st.tcp_drop_bytes, 0, "lazy: nothing dropped");
	tn_fini(&t);
}

static void
krb_sink(void *arg, const struct msg_ctx *mc, const struct krb_msg *msg)
{
	(void)arg;
	seen.n++;
	seen.frame = mc->frame;
	seen.sport = mc->sport;
	seen.dport = mc->dport;
	seen.transport = mc->transport;
	seen.msg_type = msg->msg_type;
	seen.error_code = msg->has_error ? msg->error_code : -1;
	snprintf(seen.carrier, sizeof(seen.carrier), "%s", mc->carrier);
}

static void
test_probe(void)
{
	struct tn t;
	uint8_t m[4 + sizeof(krb_err)];
	uint64_t f2;

	m[0] = m[1] = m[2] = 0;
	m[3] = sizeof(krb_err);
	memcpy(m + 4, krb_err, sizeof(krb_err));
	memset(&seen, 0, sizeof(seen));
	flow_set_test_dissector(NULL);
	tn_init(&t);
	t.eng.ops.krb = krb_sink;

	/* TCP on a port nobody claims: content probe, record in 2 parts */
	tn_tcp4(&t, S, 8088, C, 40001, 1, TH_SYN, NULL, 0);
	tn_tcp4(&t, S, 8088, C, 40001, 2, TH_ACK, m, 30);
	is_int(seen.n, 0, "probe: nothing before the record completes");
	tn_tcp4(&t, S, 8088, C, 40001, 32, TH_ACK, m + 30, sizeof(m) - 30);
	f2 = t.frame;
	is_int(seen.n, 1, "probe: Kerberos found on TCP port 8088");
	ok(seen.frame == f2 && seen.sport == 8088 && seen.dport == 40001 &&
	    seen.transport == TRANSPORT_TCP,
	    "probe: at the completing frame, with its ports");
	is_str(seen.carrier, "kerberos", "probe: carrier kerberos");
	is_int(seen.error_code, 7, "probe: the KRB-ERROR decoded");

	/* one side gives up (64 bytes of junk); the other side matches */
	memset(big, 'j', 80);
	tn_tcp4(&t, C, 40002, S, 9099, 1, TH_ACK, big, 80);
	tn_tcp4(&t, S, 9099, C, 40002, 1, TH_ACK, m, sizeof(m));
	is_int(seen.n, 2, "probe: the answering side matches later");
	ok(seen.frame == t.frame && seen.sport == 9099,
	    "probe: reported at the server's frame");
	tn_tcp4(&t, C, 40002, S, 9099, 81, TH_ACK, m, sizeof(m));
	is_int(seen.n, 3, "probe: the side that gave up resumes after gap");

	/* UDP on another port */
	tn_udp4(&t, C, 40003, S, 7777, krb_err, sizeof(krb_err));
	ok(seen.n == 4 && seen.transport == TRANSPORT_UDP &&
	    seen.dport == 7777, "probe: Kerberos found on UDP port 7777");
	is_int(t.eng.st.krb_msgs, 4, "probe: 4 messages counted");
	is_int(t.eng.st.reasm_bytes, 0, "probe: nothing left buffered");
	tn_fini(&t);
	flow_set_test_dissector(&tn_dissector);
}

static int
udp_only_dgram(struct dis_ctx *ctx, const uint8_t *p, size_t n)
{
	(void)ctx;
	(void)p;
	tn_rec.n_feed += (unsigned)n;
	return 0;
}

static void
test_no_feed(void)
{
	struct tn t;

	tn_rec_reset(TN_MODE_RAW);
	flow_set_test_dissector(&udp_only);
	tn_init(&t);
	handshake(&t, 1000, 5000);
	c2s(&t, 1001, TH_ACK, "data", 4);
	tn_udp4(&t, C, 1, S, 2, "abc", 3);
	is_int(tn_rec.n_feed, 3, "UDP-only dissector: datagram bytes");
	is_int(t.eng.st.reasm_peak, 0, "UDP-only dissector: TCP ignored");
	tn_fini(&t);
	flow_set_test_dissector(&tn_dissector);
}

int
main(void)
{
	test_in_order();
	test_out_of_order();
	test_retrans();
	test_overlap();
	test_gap_overflow();
	test_gap_fin_rst_expiry();
	test_midstream();
	test_wrap();
	test_records();
	test_oversize();
	test_flow_cap_bytes();
	test_total_cap();
	test_flow_eviction();
	test_expiry();
	test_ignored();
	test_feed_err();
	test_truncated();
	test_reuse_and_synack();
	test_ipv6_udp();
	test_lazy();
	test_probe();
	test_no_feed();
	flow_set_test_dissector(NULL);
	return done_testing();
}
