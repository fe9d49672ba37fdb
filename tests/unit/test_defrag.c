/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_defrag.c - IPv4/IPv6 header checks and fragment reassembly: order,
 * duplicates, the "first" overlap policy, caps, timeouts, and the frame
 * a reassembled datagram is reported at. RFC 791, RFC 8200.
 */
#include "config.h"

#include <string.h>

#include "engine.h"
#include "flow.h"
#include "tap.h"
#include "testnet.h"

#define A4	"192.0.2.1"
#define B4	"192.0.2.2"
#define A6	"2001:db8::1"
#define B6	"2001:db8::2"

static uint8_t	udp[TN_PKT_MAX], pkt[TN_PKT_MAX], pl[TN_PKT_MAX];

static void	frag4(struct tn *, uint16_t, uint16_t, int, const uint8_t *,
		    size_t);
static void	frag6(struct tn *, uint8_t, uint32_t, uint16_t, int,
		    const uint8_t *, size_t);
static size_t	make_udp(size_t);
static int	stream_is(int, const uint8_t *, size_t);
static void	test_in_order(void);
static void	test_reverse(void);
static void	test_duplicate(void);
static void	test_overlap(void);
static void	test_timeout(void);
static void	test_frag_cap(void);
static void	test_dgram_cap(void);
static void	test_bytes_cap(void);
static void	test_ipv6(void);
static void	test_bad_headers(void);
static void	test_bad_fragments(void);

static void
frag4(struct tn *t, uint16_t id, uint16_t off, int mf, const uint8_t *p,
    size_t n)
{
	size_t len;

	len = tn_ip4(pkt, A4, B4, 17, id, off, mf, p + off, n);
	tn_send(t, pkt, len);
}

static void
frag6(struct tn *t, uint8_t nh, uint32_t id, uint16_t off, int more,
    const uint8_t *p, size_t n)
{
	size_t len;

	len = tn_ip6_frag(pkt, A6, B6, nh, id, off, more, p + off, n);
	tn_send(t, pkt, len);
}

/* A UDP datagram 5000 -> 88 with n payload bytes (pattern) in udp[]. */
static size_t
make_udp(size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pl[i] = (uint8_t)(i * 7 + 3);
	return tn_udp(udp, 5000, 88, pl, n);
}

static int
stream_is(int dir, const uint8_t *want, size_t n)
{
	return tn_rec.stream_len[dir] == n &&
	    memcmp(tn_rec.stream[dir], want, n) == 0;
}

static void
test_in_order(void)
{
	struct tn t;
	const struct tn_event *e;
	size_t n;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	n = make_udp(3000);		/* 3008 bytes: 1480 + 1480 + 48 */
	frag4(&t, 7, 0, 1, udp, 1480);
	frag4(&t, 7, 1480, 1, udp, 1480);
	is_int(tn_rec_count(TN_EV_DGRAM), 0, "in order: nothing before the "
	    "last fragment");
	frag4(&t, 7, 2960, 0, udp, n - 2960);
	is_int(t.eng.st.frag_fragments, 3, "in order: 3 fragments counted");
	is_int(t.eng.st.frag_reassembled, 1, "in order: 1 reassembled");
	is_int(t.eng.st.ipv4, 3, "in order: 3 IPv4 packets");
	is_int(t.eng.st.udp, 1, "in order: 1 UDP datagram");
	is_int(tn_rec_count(TN_EV_DGRAM), 1, "in order: one datagram out");
	e = tn_rec_event(TN_EV_DGRAM, 0);
	ok(e != NULL && e->len == 3000, "in order: 3000 payload bytes");
	ok(e != NULL && e->frame == 3,
	    "in order: reported at frame 3, the completing fragment");
	ok(stream_is(0, pl, 3000), "in order: payload bytes intact");
	is_int(tn_rec.sport[0], 5000, "in order: source port of the datagram");
	is_int(t.eng.st.frag_dropped, 0, "in order: nothing dropped");
	tn_fini(&t);
}

static void
test_reverse(void)
{
	struct tn t;
	const struct tn_event *e;
	size_t n;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	n = make_udp(3000);
	tn_udp4(&t, A4, 1, B4, 2, "x", 1);	/* frame 1: unrelated */
	frag4(&t, 9, 2960, 0, udp, n - 2960);	/* frame 2 */
	frag4(&t, 9, 1480, 1, udp, 1480);	/* frame 3 */
	frag4(&t, 9, 0, 1, udp, 1480);		/* frame 4 completes */
	is_int(t.eng.st.frag_reassembled, 1, "reverse: reassembled");
	e = tn_rec_event(TN_EV_DGRAM, 1);
	ok(e != NULL && e->frame == 4, "reverse: reported at frame 4");
	ok(e != NULL && e->len == 3000, "reverse: 3000 bytes");
	ok(tn_rec.stream_len[0] == 3001 &&
	    memcmp(tn_rec.stream[0] + 1, pl, 3000) == 0,
	    "reverse: payload bytes intact");
	tn_fini(&t);
}

static void
test_duplicate(void)
{
	struct tn t;
	size_t n;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	n = make_udp(100);		/* 108 bytes: 56 + 52 */
	frag4(&t, 3, 0, 1, udp, 56);
	frag4(&t, 3, 0, 1, udp, 56);
	frag4(&t, 3, 56, 0, udp, n - 56);
	frag4(&t, 3, 56, 0, udp, n - 56);	/* after: a new datagram */
	is_int(t.eng.st.frag_fragments, 4, "duplicate: 4 fragments counted");
	is_int(t.eng.st.frag_reassembled, 1, "duplicate: reassembled once");
	is_int(t.eng.st.frag_dropped, 0,
	    "duplicate: identical overlap is not counted as dropped");
	ok(stream_is(0, pl, 100), "duplicate: bytes delivered once, intact");
	tn_fini(&t);
}

static void
test_overlap(void)
{
	struct tn t;
	uint8_t a[64], b[64], want[64];
	size_t n;

	/* UDP header + 32 payload bytes; A = [0,24), B = [16,40) */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	memset(pl, 'A', 32);
	n = tn_udp(udp, 5000, 88, pl, 32);
	memcpy(a, udp, n);
	memcpy(b, udp, n);
	memset(b + 16, 'B', 24);
	frag4(&t, 11, 0, 1, a, 24);
	frag4(&t, 11, 16, 0, b, 24);
	is_int(t.eng.st.frag_reassembled, 1, "overlap: reassembled");
	is_int(t.eng.st.frag_dropped, 1,
	    "overlap: inconsistent overlap counted in frag_dropped");
	memset(want, 'A', 16);
	memset(want + 16, 'B', 16);
	ok(stream_is(0, want, 32),
	    "overlap policy first: held bytes 16..23 kept (A), B adds 24..39");
	tn_fini(&t);

	/* the other way round: B is first, so B's bytes win */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	frag4(&t, 12, 16, 0, b, 24);
	frag4(&t, 12, 0, 1, a, 24);
	is_int(t.eng.st.frag_reassembled, 1, "overlap reversed: reassembled");
	memset(want, 'A', 8);
	memset(want + 8, 'B', 24);
	ok(stream_is(0, want, 32),
	    "overlap policy first: B received first keeps 16..23");
	tn_fini(&t);

	/* a last fragment that moves the end is dropped */
	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	n = make_udp(40);		/* 48 bytes */
	frag4(&t, 13, 24, 0, udp, 24);
	frag4(&t, 13, 16, 0, udp, 16);	/* ends at 32, not 48 */
	frag4(&t, 13, 0, 1, udp, 24);
	is_int(t.eng.st.frag_dropped, 1, "conflicting end: counted");
	is_int(t.eng.st.frag_reassembled, 1,
	    "conflicting end: the first end is kept and completes");
	ok(stream_is(0, pl, 40), "conflicting end: bytes intact");
	(void)n;
	tn_fini(&t);
}

static void
test_timeout(void)
{
	struct tn t;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	make_udp(100);
	frag4(&t, 5, 0, 1, udp, 56);
	tn_sleep(&t, 10);
	tn_udp4(&t, A4, 1, B4, 2, "x", 1);	/* time passes: 10 s */
	is_int(t.eng.st.frag_timeouts, 0, "timeout: not yet after 10 s");
	tn_sleep(&t, 25);
	tn_udp4(&t, A4, 1, B4, 2, "x", 1);	/* 35 s: expiry runs */
	is_int(t.eng.st.frag_timeouts, 1,
	    "timeout: missing fragment times out after 30 s");
	frag4(&t, 5, 56, 0, udp, 52);
	is_int(t.eng.st.frag_reassembled, 0,
	    "timeout: the late last fragment does not complete it");
	is_int(tn_rec_count(TN_EV_DGRAM), 2, "timeout: only the 2 others "
	    "delivered");
	tn_fini(&t);
}

static void
test_frag_cap(void)
{
	struct tn t;
	int i;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	t.eng.lim.max_frags_per_dgram = 4;
	make_udp(100);
	for (i = 0; i < 5; i++)
		frag4(&t, 21, (uint16_t)(i * 8), 1, udp, 8);
	is_int(t.eng.st.frag_dropped, 1, "frags per dgram: 5th over the cap");
	frag4(&t, 21, 40, 0, udp, 68);
	is_int(t.eng.st.frag_dropped, 2,
	    "frags per dgram: the abandoned datagram's last one dropped");
	is_int(t.eng.st.frag_reassembled, 0, "frags per dgram: not delivered");
	is_int(tn_rec_count(TN_EV_DGRAM), 0, "frags per dgram: nothing out");

	/* four fragments are fine */
	frag4(&t, 22, 0, 1, udp, 32);
	frag4(&t, 22, 32, 1, udp, 32);
	frag4(&t, 22, 64, 1, udp, 32);
	frag4(&t, 22, 96, 0, udp, 12);
	is_int(t.eng.st.frag_reassembled, 1, "frags per dgram: 4 is allowed");
	ok(stream_is(0, pl, 100), "frags per dgram: bytes intact");
	tn_fini(&t);
}

static void
test_dgram_cap(void)
{
	struct tn t;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	t.eng.lim.max_frag_dgrams = 2;
	make_udp(100);
	frag4(&t, 1, 0, 1, udp, 56);
	frag4(&t, 2, 0, 1, udp, 56);
	frag4(&t, 3, 0, 1, udp, 56);
	is_int(t.eng.st.frag_evicted, 1, "dgram cap: oldest evicted");
	frag4(&t, 1, 56, 0, udp, 52);	/* id 1 starts again: evicts id 2 */
	is_int(t.eng.st.frag_evicted, 2, "dgram cap: second eviction");
	is_int(t.eng.st.frag_reassembled, 0,
	    "dgram cap: evicted datagram cannot complete");
	frag4(&t, 3, 56, 0, udp, 52);
	is_int(t.eng.st.frag_reassembled, 1, "dgram cap: id 3 completes");
	ok(stream_is(0, pl, 100), "dgram cap: bytes intact");
	tn_fini(&t);
}

static void
test_bytes_cap(void)
{
	struct tn t;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	t.eng.lim.frag_total_bytes = 2000;
	make_udp(3000);
	frag4(&t, 1, 0, 1, udp, 1480);
	frag4(&t, 2, 0, 1, udp, 1480);
	is_int(t.eng.st.frag_dropped, 1, "bytes cap: second datagram dropped");
	frag4(&t, 1, 1480, 1, udp, 1480);
	is_int(t.eng.st.frag_dropped, 2, "bytes cap: still full");
	tn_sleep(&t, 31);
	tn_expire(&t);
	is_int(t.eng.st.frag_timeouts, 2, "bytes cap: both time out");
	frag4(&t, 3, 0, 1, udp, 1480);
	is_int(t.eng.st.frag_dropped, 2, "bytes cap: room again after expiry");
	tn_fini(&t);
}

static void
test_ipv6(void)
{
	struct tn t;
	const struct tn_event *e;
	uint8_t fp[TN_PKT_MAX];
	size_t n;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	n = make_udp(2000);		/* 2008: 1232 + 776 */
	frag6(&t, 17, 0x12345678, 1232, 0, udp, n - 1232);
	frag6(&t, 17, 0x12345678, 0, 1, udp, 1232);
	is_int(t.eng.st.ipv6, 2, "ipv6: 2 packets");
	is_int(t.eng.st.frag_reassembled, 1, "ipv6: reassembled");
	e = tn_rec_event(TN_EV_DGRAM, 0);
	ok(e != NULL && e->len == 2000 && e->frame == 2,
	    "ipv6: 2000 bytes at frame 2");
	ok(stream_is(0, pl, 2000), "ipv6: bytes intact");

	/* destination options inside the fragmentable part */
	memset(fp, 0, 8);
	fp[0] = 17;			/* next: UDP; length 0 -> 8 bytes */
	fp[2] = 1;			/* PadN, 4 bytes of padding */
	fp[3] = 4;
	n = make_udp(40);
	memcpy(fp + 8, udp, n);
	frag6(&t, 60, 99, 0, 1, fp, 24);
	frag6(&t, 60, 99, 24, 0, fp, 8 + n - 24);
	is_int(t.eng.st.frag_reassembled, 2,
	    "ipv6: fragment with destination options reassembled");
	e = tn_rec_event(TN_EV_DGRAM, 1);
	ok(e != NULL && e->len == 40, "ipv6: options skipped, 40 bytes");

	/* an atomic fragment is processed on its own */
	n = tn_ip6_frag(pkt, A6, B6, 17, 5, 0, 0, udp, 48);
	tn_send(&t, pkt, n);
	is_int(t.eng.st.frag_fragments, 4, "ipv6: atomic fragment not counted "
	    "as a fragment");
	is_int(tn_rec_count(TN_EV_DGRAM), 3, "ipv6: atomic fragment delivered");

	/* same id, different source: another datagram */
	frag6(&t, 17, 77, 0, 1, udp, 24);
	n = tn_ip6_frag(pkt, "2001:db8::9", B6, 17, 77, 24, 0, udp + 24, 24);
	tn_send(&t, pkt, n);
	is_int(t.eng.st.frag_reassembled, 2,
	    "ipv6: fragments of another source are not mixed in");
	tn_fini(&t);
}

static void
test_bad_headers(void)
{
	struct tn t;
	uint8_t p[256];
	const struct tn_event *e;
	size_t n, i;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	make_udp(20);
	n = tn_ip4(p, A4, B4, 17, 1, 0, 0, udp, 28);

	p[0] = 0x44;			/* IHL 4 */
	tn_send(&t, p, n);
	is_int(t.eng.st.ip_invalid, 1, "IHL 4 is invalid");
	p[0] = 0x45;
	tn_send(&t, p, 10);
	is_int(t.eng.st.ip_truncated, 1, "IPv4 header cut at 10 bytes");
	p[0] = 0x4f;			/* IHL 15: 60 bytes of header */
	tn_send(&t, p, 48);
	is_int(t.eng.st.ip_truncated, 2, "IHL beyond the capture: truncated");
	p[0] = 0x45;
	p[3] = 12;			/* total length 12 < IHL */
	tn_send(&t, p, n);
	is_int(t.eng.st.ip_invalid, 2, "total length below IHL is invalid");
	p[3] = (uint8_t)n;
	p[0] = 0x55;			/* version 5 */
	tn_send(&t, p, n);
	is_int(t.eng.st.ip_invalid, 3, "version 5 is invalid");
	p[0] = 0x45;
	is_int(tn_rec_count(TN_EV_DGRAM), 0, "nothing delivered so far");

	/* total length > captured: truncated, the rest still goes on */
	tn_send(&t, p, n - 8);
	is_int(t.eng.st.ip_truncated, 3, "cut datagram: ip_truncated");
	is_int(t.eng.st.l4_truncated, 1, "cut datagram: l4_truncated");
	e = tn_rec_event(TN_EV_DGRAM, 0);
	ok(e != NULL && e->len == 12, "cut datagram: the 12 captured bytes "
	    "are handed on");

	/* Ethernet padding after the datagram is trimmed */
	memset(p + n, 0xee, 10);
	tn_send(&t, p, n + 10);
	e = tn_rec_event(TN_EV_DGRAM, 1);
	ok(e != NULL && e->len == 20, "padding trimmed: 20 bytes");
	is_int(t.eng.st.l4_truncated, 1, "padding is not truncation");

	/* other protocols are counted, not decoded */
	n = tn_ip4(p, A4, B4, 1, 1, 0, 0, "icmp", 4);
	tn_send(&t, p, n);
	is_int(t.eng.st.ip_other_proto, 1, "ICMP counted as other protocol");

	/* UDP length larger than the IP payload */
	n = tn_ip4(p, A4, B4, 17, 1, 0, 0, udp, 28);
	p[20 + 5] = 60;
	tn_send(&t, p, n);
	is_int(t.eng.st.ip_invalid, 4, "UDP length beyond IP payload invalid");
	n = tn_ip4(p, A4, B4, 17, 1, 0, 0, udp, 6);
	tn_send(&t, p, n);
	is_int(t.eng.st.l4_truncated, 2, "UDP header cut: l4_truncated");
	n = tn_ip4(p, A4, B4, 6, 1, 0, 0, udp, 12);
	tn_send(&t, p, n);
	is_int(t.eng.st.l4_truncated, 3, "TCP header cut: l4_truncated");

	/* IPv6 */
	n = tn_ip6(p, A6, B6, 17, udp, 28);
	tn_send(&t, p, 39);
	is_int(t.eng.st.ip_truncated, 4, "IPv6 header cut: truncated");
	p[4] = p[5] = 0;		/* payload length 0: jumbo */
	tn_send(&t, p, n);
	is_int(t.eng.st.ip_invalid, 5, "IPv6 payload length 0 unsupported");
	n = tn_ip6(p, A6, B6, 50, udp, 28);
	tn_send(&t, p, n);
	is_int(t.eng.st.ip_other_proto, 2, "ESP counted as other protocol");
	/* nine destination option headers: over the cap */
	for (i = 0; i < 9; i++) {
		memset(pl + i * 8, 0, 8);
		pl[i * 8] = i < 8 ? 60 : 17;
	}
	memcpy(pl + 72, udp, 28);
	n = tn_ip6(p, A6, B6, 60, pl, 100);
	tn_send(&t, p, n);
	is_int(t.eng.st.ip_invalid, 6, "too many extension headers invalid");
	n = tn_ip6(p, A6, B6, 60, pl + 8, 92);	/* eight: fine */
	tn_send(&t, p, n);
	e = tn_rec_event(TN_EV_DGRAM, 2);
	ok(e != NULL && e->len == 20, "eight extension headers walked");
	/* an extension header longer than the payload */
	n = tn_ip6(p, A6, B6, 43, pl, 8);
	p[41] = 3;
	tn_send(&t, p, n);
	is_int(t.eng.st.ip_invalid, 7, "extension header past the end invalid");

	is_int(t.eng.st.ipv4, 10, "IPv4 packets counted (version 5 is not)");
	is_int(t.eng.st.ipv6, 6, "IPv6 packets counted");
	tn_fini(&t);
}

static void
test_bad_fragments(void)
{
	struct tn t;
	size_t n;

	tn_rec_reset(TN_MODE_RAW);
	tn_init(&t);
	make_udp(100);
	frag4(&t, 1, 0, 1, udp, 12);	/* MF with 12 bytes: not 8k */
	is_int(t.eng.st.frag_dropped, 1, "fragment not a multiple of 8");
	frag4(&t, 1, 65528, 0, udp, 8);	/* would end past 65535 */
	is_int(t.eng.st.frag_dropped, 2, "fragment past 65535 dropped");
	/* a cut fragment cannot be reassembled */
	n = tn_ip4(pkt, A4, B4, 17, 4, 0, 1, udp, 56);
	tn_send(&t, pkt, n - 10);
	is_int(t.eng.st.frag_dropped, 3, "cut fragment dropped");
	is_int(t.eng.st.ip_truncated, 1, "cut fragment: ip_truncated");
	/* fragments of other protocols are not kept */
	n = tn_ip4(pkt, A4, B4, 1, 4, 0, 1, udp, 56);
	tn_send(&t, pkt, n);
	is_int(t.eng.st.ip_other_proto, 1, "ICMP fragment: other protocol");
	is_int(t.eng.st.frag_fragments, 3, "fragments counted");
	/* fragment headers inside fragments are invalid */
	{
		uint8_t inner[16];

		memset(inner, 0, sizeof(inner));
		inner[0] = 17;
		inner[3] = 1;		/* offset 0, M=1 */
		frag6(&t, 44, 8, 0, 1, inner, 8);
		is_int(t.eng.st.ip_invalid, 1,
		    "fragment of a fragment header: invalid");
		inner[0] = 44;		/* destination options, then ... */
		inner[8] = 17;		/* ... a fragment header */
		inner[11] = 1;
		frag6(&t, 60, 9, 0, 1, inner, 8);
		frag6(&t, 60, 9, 8, 0, inner, 8);
		is_int(t.eng.st.frag_reassembled, 1,
		    "nested fragment: outer datagram reassembled");
		is_int(t.eng.st.ip_invalid, 2,
		    "nested fragment: inner fragment header invalid");
	}
	tn_fini(&t);
}

int
main(void)
{
	test_in_order();
	test_reverse();
	test_duplicate();
	test_overlap();
	test_timeout();
	test_frag_cap();
	test_dgram_cap();
	test_bytes_cap();
	test_ipv6();
	test_bad_headers();
	test_bad_fragments();
	return done_testing();
}
