/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_sec.c - the security layers: SPNEGO (RFC 4178, MS-SPNG 2.2),
 * NTLMSSP (MS-NLMP 2.2.1) and sec_token()'s dispatch (GSS-API framing,
 * RFC 2743 3.1; Kerberos tokens, RFC 4121 4.1) on tokens taken from the
 * real captures in ../shared/captures/real/ (named at each vector),
 * with truncated, contradictory and hostile variants built from them.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "krb.h"
#include "record.h"
#include "sec.h"
#include "tap.h"

/* what the engine's sinks saw */
struct seen {
	int		 n_krb, n_ntlm, n_spnego;
	const char	*carrier;
	int		 krb_type, krb_status, krb_mech;
	uint16_t	 krb_tok;
	size_t		 krb_raw_len;
	uint8_t		 krb_raw0;
	char		 tkt_sname[KRB_NAME_MAX];
	char		 tkt_realm[KRB_REALM_MAX];
	char		 sname[KRB_NAME_MAX];
	char		 realm[KRB_REALM_MAX];
	int		 wrapped;	/* msg_ctx.spnego was set */
	struct spnego_info sp;		/* msg_ctx.spnego, or the record */
	struct ntlm_msg	 ntlm;
};

static uint8_t	*unhex(const char *, size_t *);
static void	 on_krb(void *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	 on_ntlm(void *, const struct msg_ctx *,
		    const struct ntlm_msg *);
static void	 on_spnego(void *, const struct msg_ctx *,
		    const struct spnego_info *);
static void	 put_le16(uint8_t *, uint16_t);
static void	 put_le32(uint8_t *, uint32_t);
static void	 test_names(void);
static void	 test_spnego(void);
static void	 test_ntlm(void);
static void	 test_ntlm_hostile(void);
static void	 test_sec_token(void);
static void	 test_probe(void);

/*
 * zeek-krb-smb-gssapi.pcap frame 5: SMB NEGOTIATE security buffer,
 * NegTokenInit2 with negHints
 */
static const char smb_init2[] =
    "604706062b0601050502a03d303ba019301706092a864882f712010202060a2b"
    "06010401823702020aa31e301ca01a1b18656469736b3033612440484f555349"
    "4e472e484b53415247";

/*
 * zeek-krb-smb-gssapi.pcap frame 8: NegTokenResp accept-completed,
 * GSS-framed AP-REP
 */
static const char smb_resp_aprep[] =
    "a182010730820103a0030a0100a27d047b607906092a864886f7120102020200"
    "6f6a3068a003020105a10302010fa25c305aa003020117a2530451613c8db882"
    "a1c4dae0ca4e6f530c0adb6501a67eb1ac0cb93aab9aa364daa30cbf20fdbad6"
    "35334d2dbac01a48709e1170ef388d78505e36e8edd536af2f4a757a1fe11635"
    "6910cd188efce28303a90d84a37d047b607906092a864886f71201020202006f"
    "6a3068a003020105a10302010fa25c305aa003020117a2530451613c8db882a1"
    "c4dae0ca4e6f530c0adb6501a67eb1ac0cb93aab9aa364daa30cbf20fdbad635"
    "334d2dbac01a48709e1170ef388d78505e36e8edd536af2f4a757a1fe1163569"
    "10cd188efce28303a90d84";

/*
 * zeek-ldap-krb5-sign-seal.pcap frame 8: LDAP SASL GSS-SPNEGO NegTokenInit
 * with a krb5 AP-REQ
 */
static const char ldap_init_apreq[] =
    "6082052206062b0601050502a082051630820512a024302206092a864882f712"
    "01020206092a864886f712010202060a2b06010401823702020aa28204e80482"
    "04e4608204e006092a864886f71201020201006e8204cf308204cba003020105"
    "a10302010ea20703050020000000a38203e2618203de308203daa003020105a1"
    "151b1357324b332e564d4e4554312e564d2e42415345a2443042a003020102a1"
    "3b30391b046c6461701b1c77326b332d3130312e77326b332e766d6e6574312e"
    "766d2e626173651b1377326b332e766d6e6574312e766d2e62617365a3820374"
    "30820370a003020117a103020108a28203620482035ea235aaeb4b8dad2cc1a6"
    "7f54db030352cc34864c8cf3b643a2d7d3111e0aebe0eef971306dba4dde28b0"
    "1c6c2bb49aeded09b8644ec146d29409d71838187b135aa779ca3e35c7b3d02c"
    "c60c53d65199e04b12cdc980d05cd1b0abd83791ecee27d795679594064442bc"
    "b1ecb8639a7ef1825665683557bad4839e1a7b3cc5b76fc0ac093dcc62dd3411"
    "6e7f202e38118c94c6ee468ae137aa6fce3070c081dd3941889887aac17b7b9f"
    "ae84978a6801801a76f588bfc196e924338201fe3b5e5d1743d6817779d9d3ee"
    "f990ede178f7373a04f3821809f800ac201ca3bc67b32e9b2a2a3745cf67c919"
    "41a1ec2fdf50aa7a3c2dbc821831e8fcc4d15150c706bdb1bfa166de99a6db50"
    "09981fd6600457146375991f97952b088fe20e91d09841845473a02774973cb8"
    "08f9dd49d625907f04553888ff86539547d07cfe631a32fc285a875a9cbb906c"
    "900f252a80e2443e750babc30f7376aa3a12f7780e373f32583c195a2e7217b6"
    "4b81adeca4c16bbab93d754e16bc1f4573c4957f48bbcf4d6b75f45a3ea185f2"
    "ba7d4eb2913e9ffdc4dd0756c30286235817023879312a64e1146c1d62c8b3e0"
    "dc97cb4078bbd999ead69fdaf07fcf65699a9faab0e2403cc08bb7bb1a3b7dc4"
    "8eb1bddf5d228c0730b805ed0204b92682a28a14466c94994990cc0fc052dd15"
    "294cc2ed6c9cb7b0051d20aa65caf175e7c0cd441d0ccb4a18bc9390faf460b1"
    "9f85501740a9d01f779e06b55e55d429e47ff2d56ef54bbece13a37c66a18ed7"
    "ce446af4ff4425f10df250b06f7158f296dc744b55ee92a003fb1d135ca5f361"
    "a6549092955159577b08118d8e4bc60f50f877fd5cfe6f2c8963c4513785feaa"
    "d8c1294219805fd51676a4a9f9e0f7d193296da473c53a18435036fe556c8ec3"
    "cb65f43384814cc21bd50aa8958aa43b2b1c598ed7fd5c4c380c79a6160aa474"
    "034b1a36d9aa2882925a3e1ae724afbb259c4c7df41e5db57337f70025592659"
    "37bcf57973cfa5adad113c37e3d4901a5c7707785ef92cfeecae9ca5e5c19979"
    "08d4067374437dddd78283219c36eaae4e3bc566ea0137dc3c23d5229ed92ae2"
    "71479ef8832b3236c941ccf940c99635fee585a65eadb0cd5d83380e9bb2b6b8"
    "8990ae027c48947bdc30de8c1107acd729f9241f24c23f7d095e64bc44e03e5f"
    "efc746922cf43f2f9c404a9938b2f66fe6445f42a481cf3081cca003020117a2"
    "81c40481c1a4c512aa45ad25db7acbbfcfa6083e3eba0a90edb649b329a9d6d2"
    "1bb507b5dabdb226ddd268a63db88375b70368a0e856c8d1022cfc3cea184ac5"
    "dee88e1d47d0db5f65d4c7f70547bc10365dcb7c59cfed9e6f7c5ef3cfe4ef75"
    "3eb108cfae8a25efbdaebc45a32937f0493baae32ef76c32071b973eebd408df"
    "f78ee34c15b7a11b8db0591d9fad924a4770d1ac6e0d0de9af77d9177fbb83eb"
    "b39d1e1c9bf2b1f5ab44ca627cffa1071149e7fc5dce64ebc447617ec77098c6"
    "991bee8471ab";

/*
 * zeek-ldap-krb5-sign-seal.pcap frame 9: NegTokenResp, supportedMech
 * ms-krb5, AP-REP
 */
static const char ldap_resp_aprep[] =
    "a181a130819ea0030a0100a10b06092a864882f712010202a281890481866081"
    "8306092a864886f71201020202006f743072a003020105a10302010fa2663064"
    "a003020117a25d045b4a9f10ab8996fa43f2fb4092a76cc3fa6c1f001167fac9"
    "04dab067f5f2da59a7549057bd3eb46cb467fd3b01d73f5051aa632ed8d6a6e5"
    "81bbab1780faabac515284139cfb44c204ae1ec25a2d58909d22ff52349e6d2e"
    "4d835b98";

/*
 * zeek-ldap-krb5-sign-seal.pcap frame 10: RFC 1964 wrap token (TOK_ID
 * 0x0201)
 */
static const char ldap_wrap[] =
    "606006092a864886f712010202020111001000ffff75b15340fbb34295ad5819"
    "1d21416129eb7ee0027d0a5393";

/*
 * zeek-dcerpc-kerberos135-auth.pcapng frame 7: NegTokenResp with a bare
 * AP-REP
 */
static const char rpc_resp_raw_aprep[] =
    "a181a63081a3a0030a0101a10b06092a864882f712010202a2818e04818b6f81"
    "88308185a003020105a10302010fa2793077a003020112a270046ef21715a1ca"
    "03e1e3fb0972f0d62a74b49adfa54fbdc6e042d568d486cbd6e766c943fab61c"
    "2893c03a77fbfe927034a82de6b16d473130a1e1c0f15b8ad9c737aa99f7730c"
    "eff04a7aeb85a80261b9a883d4ae92a29deccfb2ad674b46f9d3df46f3dc6de7"
    "48011dcf16ff44a418";

/*
 * zeek-dcerpc-kerberos135-auth.pcapng frame 9: NegTokenResp, mechListMIC
 * only
 */
static const char rpc_resp_mic[] =
    "a1273025a0030a0100a31e041c040405ffffffffff0000000000000000b747b0"
    "469be166224d249474";

/*
 * zeek-dcerpc-ntlm.pcapng frame 1: NegTokenInit listing NegoEx, a u2u
 * TGT-REQ token
 */
static const char rpc_init_negoex[] =
    "60818906062b0601050502a07f307da030302e06092a864882f7120102020609"
    "2a864886f712010202060a2b06010401823702021e060a2b0601040182370202"
    "0aa24904476045060a2a864886f7120102020304003035a003020105a1030201"
    "10a21a3018a003020180a111300f1b0d41646d696e6973747261746f72a30d1b"
    "0b424c41434b434c4f564552";

/*
 * zeek-dcerpc-ntlm.pcapng frame 3: NegTokenResp request-mic, supportedMech
 * NTLMSSP
 */
static const char rpc_resp_reqmic[] =
    "a1153013a0030a0103a10c060a2b06010401823702020a";

/*
 * zeek-dcerpc-ntlm.pcapng frame 4: NegTokenResp wrapping an NTLMSSP
 * NEGOTIATE
 */
static const char rpc_resp_ntlm_neg[] =
    "a1473045a0030a0101a23e043c4e544c4d535350000100000097b218e20b000b"
    "003100000009000900280000000a00ba470000000f434254482d57532d31424c"
    "41434b434c4f564552";

/*
 * zeek-dcerpc-ntlm.pcapng frame 5: CHALLENGE with target info and VERSION
 */
static const char ntlm_chal[] =
    "4e544c4d53535000020000001600160038000000158299e2a1b4194355975599"
    "0000000000000000c600c6004e0000000a00ba470000000f42004c0041004300"
    "4b0043004c004f005600450052000200160042004c00410043004b0043004c00"
    "4f005600450052000100120043004200540048002d00570053002d0032000400"
    "220062006c00610063006b0063006c006f007600650072002e006c006f006300"
    "61006c000300360043004200540048002d00570053002d0032002e0062006c00"
    "610063006b0063006c006f007600650072002e006c006f00630061006c000500"
    "220062006c00610063006b0063006c006f007600650072002e006c006f006300"
    "61006c0007000800b629073c5721d70100000000";

/*
 * zeek-dcerpc-ntlm.pcapng frame 6: AUTHENTICATE, NTLMv2, MIC
 */
static const char ntlm_auth_v2[] =
    "4e544c4d5353500003000000180018009a0000007c017c01b200000016001600"
    "580000001a001a006e0000001200120088000000100010002e020000158298e2"
    "0a00ba470000000f8073b2c30cece59739af7b615421827f42004c0041004300"
    "4b0043004c004f00560045005200410064006d0069006e006900730074007200"
    "610074006f00720043004200540048002d00570053002d003100000000000000"
    "0000000000000000000000000000000000007b4e84d8226e07dba5badcc26d04"
    "50730101000000000000b629073c5721d7013b947faa2086d8fd000000000200"
    "160042004c00410043004b0043004c004f005600450052000100120043004200"
    "540048002d00570053002d0032000400220062006c00610063006b0063006c00"
    "6f007600650072002e006c006f00630061006c00030036004300420054004800"
    "2d00570053002d0032002e0062006c00610063006b0063006c006f0076006500"
    "72002e006c006f00630061006c000500220062006c00610063006b0063006c00"
    "6f007600650072002e006c006f00630061006c0007000800b629073c5721d701"
    "0600040002000000080030003000000000000000000000000030000055c06024"
    "7f2e0dab86c1275889b0a78c302507853b0d46a061c36e83d35dff7d0a001000"
    "000000000000000000000000000000000900320042004c00410043004b004300"
    "4c004f005600450052005c00410064006d0069006e0069007300740072006100"
    "74006f0072000000000000000000945e96ad5390cfb8ec91ebe8d0e7abe0";

/*
 * zeek-ldap-sasl-ntlm.pcap frame 8: AUTHENTICATE, NTLMv1, no VERSION
 */
static const char ntlm_auth_v1[] =
    "4e544c4d53535000030000000000000040000000180018004000000012001200"
    "58000000280028006a0000000000000092000000000000009200000005020000"
    "b307b4721e6428222aeb80adc9b17a010848da0d601fdcd74c004f0043004100"
    "4c0048004f00530054007300610073006c00610064006d0069006e0040007300"
    "6c006100700064002e006c00640061007000";

/*
 * zeek-ldap-aduser1-ntlm.pcap frame 7: AUTHENTICATE, NTLMv2 with
 * MsvAvTargetName
 */
static const char ntlm_auth_spn[] =
    "4e544c4d535350000300000018001800680000002a012a01800000001e001e00"
    "400000000a000a005e000000000000006800000000000000aa010000050288a0"
    "410044004800410043004b0049004e0047002e004c004f00430041004c005500"
    "73006500720031002014b1205b16325b90aec7551a037eab744f634a63567a6a"
    "b37bcbd14cefb5f1171209a09a7066a70101000000000000bfec11f29c91db01"
    "744f634a63567a6a0000000002001200410044004800410043004b0049004e00"
    "470001001e00570049004e002d00560047004f00350036004900390035004500"
    "41004b0004001e00410044004800410043004b0049004e0047002e006c006f00"
    "630061006c0003003e00570049004e002d00560047004f003500360049003900"
    "3500450041004b002e00410044004800410043004b0049004e0047002e006c00"
    "6f00630061006c0005001e00410044004800410043004b0049004e0047002e00"
    "6c006f00630061006c0007000800bfec11f29c91db0109002800630069006600"
    "73002f00570049004e002d00560047004f003500360049003900350045004100"
    "4b000000000000000000";

/*
 * zeek-ntlm-empty-av-sequence.pcap frame 4: NEGOTIATE with OEM domain and
 * workstation
 */
static const char ntlm_neg_oem[] =
    "4e544c4d535350000100000007b208a0060006002b0000000b000b0020000000"
    "414c454f4e4152442d5850434e414d4953";

/*
 * zeek-ntlm-empty-av-sequence.pcap frame 5: CHALLENGE whose target info
 * lies past the message
 */
static const char ntlm_chal_empty_av[] =
    "4e544c4d53535000020000000c000c003000000005828920b06a306d9fc9db09"
    "0000000000000000240024003c00000043004e0041004d0049005300";

/*
 * zeek-ntlm-unterminated-av-sequence.pcap frame 5: CHALLENGE whose AV list
 * has no MsvAvEOL
 */
static const char ntlm_chal_unterm_av[] =
    "4e544c4d53535000020000000c000c003000000005828920b06a306d9fc9db09"
    "0000000000000000240024003c00000043004e0041004d004900530002000c00"
    "43004e0041004d004900530001000c00530041005400550052004e00";


/* hex text to bytes in an exact-size buffer (overreads show in ASan) */
static uint8_t *
unhex(const char *hex, size_t *len_out)
{
	uint8_t *b;
	size_t n, i;
	unsigned x;

	n = strlen(hex) / 2;
	b = malloc(n > 0 ? n : 1);
	if (b == NULL)
		abort();
	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &x) != 1)
			abort();
		b[i] = (uint8_t)x;
	}
	*len_out = n;
	return b;
}

static void
put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static void
on_krb(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct seen *s = arg;

	s->n_krb++;
	s->carrier = mc->carrier;
	s->krb_type = m->msg_type;
	s->krb_status = m->status;
	s->krb_mech = m->gss_mech;
	s->krb_tok = m->gss_tok_id;
	s->krb_raw_len = m->raw_len;
	s->krb_raw0 = m->raw != NULL && m->raw_len > 0 ? m->raw[0] : 0;
	snprintf(s->tkt_sname, sizeof(s->tkt_sname), "%s", m->ticket.sname);
	snprintf(s->tkt_realm, sizeof(s->tkt_realm), "%s", m->ticket.realm);
	snprintf(s->sname, sizeof(s->sname), "%s", m->sname);
	snprintf(s->realm, sizeof(s->realm), "%s", m->realm);
	s->wrapped = mc->spnego != NULL;
	if (mc->spnego != NULL)
		s->sp = *mc->spnego;
}

static void
on_ntlm(void *arg, const struct msg_ctx *mc, const struct ntlm_msg *m)
{
	struct seen *s = arg;

	s->n_ntlm++;
	s->carrier = mc->carrier;
	s->ntlm = *m;
	s->wrapped = mc->spnego != NULL;
	if (mc->spnego != NULL)
		s->sp = *mc->spnego;
}

static void
on_spnego(void *arg, const struct msg_ctx *mc, const struct spnego_info *sp)
{
	struct seen *s = arg;

	s->n_spnego++;
	s->carrier = mc->carrier;
	s->wrapped = mc->spnego != NULL;
	s->sp = *sp;
}

static void
test_names(void)
{
	is_str(sec_mech_name(SEC_MECH_KRB5), "krb5", "mech name krb5");
	is_str(sec_mech_name(SEC_MECH_MS_KRB5), "ms-krb5", "mech ms-krb5");
	is_str(sec_mech_name(SEC_MECH_U2U), "krb5-u2u", "mech krb5-u2u");
	is_str(sec_mech_name(SEC_MECH_NTLMSSP), "ntlmssp", "mech ntlmssp");
	is_str(sec_mech_name(SEC_MECH_NEGOEX), "negoex", "mech negoex");
	is_str(sec_mech_name(SEC_MECH_SPNEGO), "spnego", "mech spnego");
	is_str(sec_mech_name(SEC_MECH_IAKERB), "iakerb", "mech iakerb");
	ok(sec_mech_name(SEC_MECH_UNKNOWN) == NULL, "mech 0 has no name");
	is_str(spnego_state_name(SPNEGO_ACCEPT_COMPLETED), "accept-completed",
	    "negState 0");
	is_str(spnego_state_name(SPNEGO_ACCEPT_INCOMPLETE),
	    "accept-incomplete", "negState 1");
	is_str(spnego_state_name(SPNEGO_REJECT), "reject", "negState 2");
	is_str(spnego_state_name(SPNEGO_REQUEST_MIC), "request-mic",
	    "negState 3");
	ok(spnego_state_name(-1) == NULL, "absent negState has no name");
	is_str(ntlm_msg_name(NTLM_NEGOTIATE), "NEGOTIATE", "NTLM type 1");
	is_str(ntlm_msg_name(NTLM_CHALLENGE), "CHALLENGE", "NTLM type 2");
	is_str(ntlm_msg_name(NTLM_AUTHENTICATE), "AUTHENTICATE",
	    "NTLM type 3");
	ok(ntlm_msg_name(4) == NULL, "NTLM type 4 has no name");
	is_str(ntlm_flag_name(0), "UNICODE", "flag bit 0");
	is_str(ntlm_flag_name(11), "ANONYMOUS", "flag bit 11 (0x800)");
	is_str(ntlm_flag_name(19), "EXTENDED_SESSIONSECURITY", "flag bit 19");
	is_str(ntlm_flag_name(23), "TARGET_INFO", "flag bit 23");
	is_str(ntlm_flag_name(25), "VERSION", "flag bit 25");
	is_str(ntlm_flag_name(31), "56", "flag bit 31");
	ok(ntlm_flag_name(3) == NULL && ntlm_flag_name(24) == NULL &&
	    ntlm_flag_name(32) == NULL, "unused flag bits have no name");
	is_str(ntlm_av_error_name(NTLM_AV_OK), "ok", "av error ok");
	is_str(ntlm_av_error_name(NTLM_AV_EMPTY), "empty", "av error empty");
	is_str(ntlm_av_error_name(NTLM_AV_UNTERMINATED), "unterminated",
	    "av error unterminated");
	is_str(ntlm_av_error_name(NTLM_AV_OVERRUN), "overrun",
	    "av error overrun");
	is_str(ntlm_av_error_name(NTLM_AV_TRUNCATED), "truncated",
	    "av error truncated");
}

static void
test_spnego(void)
{
	struct spnego_info sp;
	const uint8_t *tok;
	uint8_t *b;
	size_t n, tlen;
	int rc;

	/* NegTokenInit2 of an SMB NEGOTIATE: mechs and negHints */
	b = unhex(smb_init2, &n);
	rc = spnego_decode(b, n, &sp, &tok, &tlen);
	is_int(rc, 0, "init2: decodes");
	is_int(sp.kind, SPNEGO_INIT2, "init2: kind");
	is_int(sp.status, KRB_OK, "init2: status ok");
	is_int(sp.n_mechs, 2, "init2: two mechs");
	is_int(sp.mechs[0], SEC_MECH_MS_KRB5, "init2: ms-krb5 first");
	is_int(sp.mechs[1], SEC_MECH_NTLMSSP, "init2: ntlmssp second");
	is_str(sp.hint_name, "edisk03a$@HOUSING.HKSARG", "init2: hintName");
	ok(tok == NULL && tlen == 0 && !sp.has_token, "init2: no token");
	is_int(sp.neg_state, -1, "init2: no negState");
	/* cut inside the hints: what was read is kept */
	rc = spnego_decode(b, n - 6, &sp, &tok, &tlen);
	is_int(rc, E_TRUNC, "init2 cut: E_TRUNC");
	is_int(sp.status, KRB_TRUNCATED, "init2 cut: truncated");
	is_int(sp.n_mechs, 2, "init2 cut: mechs kept");
	free(b);

	/* NegTokenInit listing NegoEx, with a mech token */
	b = unhex(rpc_init_negoex, &n);
	rc = spnego_decode(b, n, &sp, &tok, &tlen);
	is_int(rc, 0, "init negoex: decodes");
	is_int(sp.kind, SPNEGO_INIT, "init negoex: kind");
	is_int(sp.n_mechs, 4, "init negoex: four mechs");
	ok(sp.mechs[0] == SEC_MECH_MS_KRB5 && sp.mechs[1] == SEC_MECH_KRB5 &&
	    sp.mechs[2] == SEC_MECH_NEGOEX && sp.mechs[3] == SEC_MECH_NTLMSSP,
	    "init negoex: mech list in order");
	ok(sp.has_token && sp.token_len == 71 && tlen == 71,
	    "init negoex: 71-byte mechToken");
	ok(tok != NULL && tok > b && tok + tlen <= b + n && tok[0] == 0x60,
	    "init negoex: token points into the blob");
	free(b);

	/* NegTokenResp: request-mic, supportedMech */
	b = unhex(rpc_resp_reqmic, &n);
	rc = spnego_decode(b, n, &sp, &tok, &tlen);
	is_int(rc, 0, "resp request-mic: decodes");
	is_int(sp.kind, SPNEGO_RESP, "resp: kind");
	is_int(sp.neg_state, SPNEGO_REQUEST_MIC, "resp: negState");
	is_int(sp.supported_mech, SEC_MECH_NTLMSSP, "resp: supportedMech");
	ok(tok == NULL && !sp.has_mic, "resp: no token, no MIC");
	/* negState as INTEGER instead of ENUMERATED: a contradiction */
	b[9] = 0x02;
	rc = spnego_decode(b, n, &sp, &tok, &tlen);
	is_int(rc, E_INVALID, "resp with INTEGER negState: E_INVALID");
	is_int(sp.status, KRB_INVALID, "resp with INTEGER negState: invalid");
	free(b);

	/* mechListMIC only */
	b = unhex(rpc_resp_mic, &n);
	rc = spnego_decode(b, n, &sp, &tok, &tlen);
	ok(rc == 0 && sp.neg_state == SPNEGO_ACCEPT_COMPLETED &&
	    sp.has_mic && sp.mic_len == 28 && tok == NULL,
	    "resp MIC only: accept-completed, 28-byte MIC");
	free(b);

	/* an AP-REQ inside, cut by the capture at 200 bytes */
	b = unhex(ldap_init_apreq, &n);
	rc = spnego_decode(b, 200, &sp, &tok, &tlen);
	is_int(rc, E_TRUNC, "init cut: E_TRUNC");
	is_int(sp.kind, SPNEGO_INIT, "init cut: kind");
	is_int(sp.n_mechs, 3, "init cut: mechs");
	ok(sp.has_token && sp.token_len == 1252 && tok != NULL &&
	    tok + tlen == b + 200, "init cut: token claims 1252, has the rest");
	rc = spnego_decode(b, 3, &sp, &tok, &tlen);
	ok(rc == E_TRUNC && sp.kind == 0 ? 1 : rc == E_UNSUPP,
	    "init cut in the OID: not decoded as SPNEGO");
	free(b);

	/* not SPNEGO at all */
	b = unhex(ldap_wrap, &n);
	is_int(spnego_decode(b, n, &sp, &tok, &tlen), E_UNSUPP,
	    "krb5 wrap token: E_UNSUPP");
	free(b);
	b = unhex("a0034e544c", &n);
	is_int(spnego_decode(b, n, &sp, &tok, &tlen), E_UNSUPP,
	    "[0] without a SEQUENCE: E_UNSUPP");
	free(b);
	b = unhex("a10a3008a0060a01", &n);
	rc = spnego_decode(b, n, &sp, &tok, &tlen);
	ok(rc == E_TRUNC && sp.kind == SPNEGO_RESP && sp.neg_state == -1,
	    "negState cut: E_TRUNC, no state");
	free(b);
}

static void
test_ntlm(void)
{
	struct ntlm_msg m;
	uint8_t *b;
	size_t n;
	int rc;

	/* NEGOTIATE with OEM domain and workstation, no VERSION */
	b = unhex(ntlm_neg_oem, &n);
	rc = ntlm_decode(b, n, &m);
	is_int(rc, 0, "negotiate: decodes");
	is_int(m.msg_type, NTLM_NEGOTIATE, "negotiate: type");
	ok(m.has_flags && m.flags == 0xa008b207, "negotiate: flags");
	is_str(m.domain, "CNAMIS", "negotiate: OEM domain");
	is_str(m.workstation, "ALEONARD-XP", "negotiate: OEM workstation");
	ok(!m.has_version, "negotiate: no VERSION (payload at 32)");
	free(b);

	/* CHALLENGE with target info and VERSION */
	b = unhex(ntlm_chal, &n);
	rc = ntlm_decode(b, n, &m);
	is_int(rc, 0, "challenge: decodes");
	is_int(m.msg_type, NTLM_CHALLENGE, "challenge: type");
	is_int(m.flags, 0xe2998215, "challenge: flags");
	is_str(m.target_name, "BLACKCLOVER", "challenge: target name");
	ok(m.has_version && m.ver_major == 10 && m.ver_minor == 0 &&
	    m.ver_build == 18362 && m.ntlm_revision == 15,
	    "challenge: VERSION 10.0.18362 rev 15");
	ok(m.has_av && m.av_error == NTLM_AV_OK && m.n_av == 6,
	    "challenge: six AV pairs, terminated");
	is_str(m.nb_domain, "BLACKCLOVER", "challenge: MsvAvNbDomainName");
	is_str(m.nb_computer, "CBTH-WS-2", "challenge: MsvAvNbComputerName");
	is_str(m.dns_computer, "CBTH-WS-2.blackclover.local",
	    "challenge: MsvAvDnsComputerName");
	is_str(m.dns_domain, "blackclover.local",
	    "challenge: MsvAvDnsDomainName");
	is_str(m.dns_tree, "blackclover.local", "challenge: MsvAvDnsTreeName");
	/* 2021-03-25 09:14:18.3692726 UTC, as tshark shows */
	ok(m.has_timestamp && m.timestamp == 1616663658 &&
	    m.timestamp_usec == 369272, "challenge: MsvAvTimestamp");
	free(b);

	/* AUTHENTICATE, NTLMv2, MIC, session key */
	b = unhex(ntlm_auth_v2, &n);
	rc = ntlm_decode(b, n, &m);
	is_int(rc, 0, "auth v2: decodes");
	is_int(m.msg_type, NTLM_AUTHENTICATE, "auth v2: type");
	is_str(m.user, "Administrator", "auth v2: user");
	is_str(m.domain, "BLACKCLOVER", "auth v2: domain");
	is_str(m.workstation, "CBTH-WS-1", "auth v2: workstation");
	is_int(m.response, NTLM_RESP_V2, "auth v2: NTLMv2");
	ok(m.lm_len == 24 && m.nt_len == 380, "auth v2: response lengths");
	ok(m.has_mic && m.has_session_key, "auth v2: MIC and session key");
	ok(!m.anonymous, "auth v2: not anonymous");
	ok(m.has_av && m.av_error == NTLM_AV_OK && m.n_av == 10,
	    "auth v2: client blob's ten AV pairs");
	is_str(m.av_target_name, "BLACKCLOVER\\Administrator",
	    "auth v2: MsvAvTargetName (backslash as sent)");
	ok(m.has_av_flags && m.av_flags == 2, "auth v2: MsvAvFlags MIC");
	ok(m.has_timestamp && m.timestamp == 1616663658,
	    "auth v2: MsvAvTimestamp");
	/* cut inside the NT response: the blob's list is truncated */
	rc = ntlm_decode(b, 300, &m);
	is_int(rc, E_TRUNC, "auth v2 cut: E_TRUNC");
	ok(m.status == KRB_TRUNCATED && m.av_error == NTLM_AV_TRUNCATED,
	    "auth v2 cut: av list truncated");
	is_str(m.user, "Administrator", "auth v2 cut: user still read");
	free(b);

	/* AUTHENTICATE with the SPN the client would have used */
	b = unhex(ntlm_auth_spn, &n);
	rc = ntlm_decode(b, n, &m);
	is_int(rc, 0, "auth spn: decodes");
	is_str(m.av_target_name, "cifs/WIN-VGO56I95EAK",
	    "auth spn: MsvAvTargetName");
	is_str(m.user, "User1", "auth spn: user");
	is_str(m.domain, "ADHACKING.LOCAL", "auth spn: domain");
	ok(!m.has_mic && !m.has_version, "auth spn: no VERSION, no MIC");
	free(b);

	/* AUTHENTICATE, NTLMv1, no VERSION */
	b = unhex(ntlm_auth_v1, &n);
	rc = ntlm_decode(b, n, &m);
	is_int(rc, 0, "auth v1: decodes");
	is_int(m.response, NTLM_RESP_V1, "auth v1: NTLMv1");
	ok(m.lm_len == 0 && m.nt_len == 24 && !m.has_av,
	    "auth v1: lengths, no AV pairs");
	is_str(m.user, "sasladmin@slapd.ldap", "auth v1: user");
	is_str(m.domain, "LOCALHOST", "auth v1: domain");
	free(b);

	/* the two malformed AV captures */
	b = unhex(ntlm_chal_empty_av, &n);
	rc = ntlm_decode(b, n, &m);
	is_int(rc, E_TRUNC, "empty av: field past the message");
	ok(m.has_av && m.av_error == NTLM_AV_EMPTY && m.n_av == 0,
	    "empty av: reported as empty");
	is_str(m.target_name, "CNAMIS", "empty av: target name read");
	free(b);
	b = unhex(ntlm_chal_unterm_av, &n);
	rc = ntlm_decode(b, n, &m);
	is_int(m.status, KRB_TRUNCATED, "unterminated av: field cut");
	ok(m.has_av && m.av_error == NTLM_AV_UNTERMINATED && m.n_av == 2,
	    "unterminated av: two pairs, no MsvAvEOL");
	is_str(m.nb_domain, "CNAMIS", "unterminated av: NbDomainName");
	is_str(m.nb_computer, "SATURN", "unterminated av: NbComputerName");
	free(b);
}

static void
test_ntlm_hostile(void)
{
	/* an anonymous AUTHENTICATE (MS-NLMP 3.2.5.1.2): LM one zero byte,
	 * no NT response, empty names; VERSION, then a zero MIC */
	static const char anon[] =
	    "4e544c4d5353500003000000010001005800000000000000590000000000"
	    "0000580000000000000058000000000000005800000000000000590000"
	    "00158a88e20a0063450000000f000000000000000000000000000000000000";
	struct ntlm_msg m;
	uint8_t *b;
	size_t n, off;
	uint32_t toff;
	int rc;

	b = unhex(anon, &n);
	rc = ntlm_decode(b, n, &m);
	is_int(rc, 0, "anonymous auth: decodes");
	ok(m.anonymous && m.response == NTLM_RESP_NONE && m.lm_len == 1,
	    "anonymous auth: anonymous, no NT response");
	ok(m.has_version && m.ver_build == 17763 && !m.has_mic,
	    "anonymous auth: VERSION read, zero MIC is no MIC");
	is_str(m.user, "", "anonymous auth: no user");
	free(b);

	/* the user field pointing far beyond the message */
	b = unhex(ntlm_auth_v2, &n);
	put_le32(b + 40, 0xfffffff0u);
	rc = ntlm_decode(b, n, &m);
	ok(rc == E_TRUNC && m.status == KRB_TRUNCATED,
	    "user offset past the end: truncated");
	ok(m.user[0] == '\0' && strcmp(m.domain, "BLACKCLOVER") == 0,
	    "user offset past the end: other fields kept");
	/* the domain inside the fixed header: a contradiction */
	put_le32(b + 40, 0x6e);
	put_le32(b + 32, 16);
	rc = ntlm_decode(b, n, &m);
	ok(rc == E_INVALID && m.status == KRB_INVALID,
	    "domain inside the header: invalid");
	/* an NT response shorter than the NTLMv2 header */
	free(b);
	b = unhex(ntlm_auth_v2, &n);
	put_le16(b + 20, 30);
	rc = ntlm_decode(b, n, &m);
	ok(rc == E_INVALID && m.response == NTLM_RESP_V2 && !m.has_av,
	    "30-byte NT response: invalid");
	free(b);

	/* an AV pair longer than the target info field */
	b = unhex(ntlm_chal, &n);
	toff = (uint32_t)b[44] | (uint32_t)b[45] << 8;
	put_le16(b + toff + 2, 0x7fff);
	rc = ntlm_decode(b, n, &m);
	ok(m.av_error == NTLM_AV_OVERRUN && m.n_av == 0,
	    "AV pair past the field: overrun");
	is_str(m.target_name, "BLACKCLOVER", "AV overrun: target name kept");
	free(b);
	/* the capture cut inside a pair's value */
	b = unhex(ntlm_chal, &n);
	rc = ntlm_decode(b, toff + 10, &m);
	ok(rc == E_TRUNC && m.av_error == NTLM_AV_TRUNCATED && m.n_av == 0,
	    "capture cut inside an AV pair: truncated");
	/* target info offset past the capture */
	put_le32(b + 44, (uint32_t)n + 100);
	rc = ntlm_decode(b, n, &m);
	ok(rc == E_TRUNC && m.av_error == NTLM_AV_TRUNCATED,
	    "target info beyond the capture: truncated");
	/* every prefix: no crash, a status that says why */
	for (off = 0; off < n; off++) {
		rc = ntlm_decode(b, off, &m);
		if (off >= 12 && rc == 0)
			break;
	}
	ok(off == n, "challenge: every prefix reports a problem");
	free(b);

	/* not NTLMSSP, unknown type */
	b = unhex("4e544c4d5353500004000000", &n);
	is_int(ntlm_decode(b, n, &m), E_UNSUPP, "type 4: E_UNSUPP");
	free(b);
	b = unhex("4e544c4d535350", &n);
	is_int(ntlm_decode(b, n, &m), E_UNSUPP, "7 bytes: not NTLMSSP");
	free(b);
	b = unhex("4e544c4d5353500002", &n);
	ok(ntlm_decode(b, n, &m) == E_TRUNC && m.status == KRB_TRUNCATED,
	    "cut in the type: truncated");
	free(b);
}

static void
test_sec_token(void)
{
	struct engine_ops ops;
	struct engine eng;
	struct pkt_meta pkt;
	struct dis_ctx ctx;
	struct seen s;
	uint8_t *b;
	size_t n;
	int r;

	memset(&s, 0, sizeof(s));
	memset(&ops, 0, sizeof(ops));
	ops.krb = on_krb;
	ops.ntlm = on_ntlm;
	ops.spnego = on_spnego;
	ops.arg = &s;
	engine_init(&eng, &ops);
	memset(&pkt, 0, sizeof(pkt));
	pkt.frame = 8;
	memset(&ctx, 0, sizeof(ctx));
	ctx.eng = &eng;
	ctx.pkt = &pkt;
	ctx.family = 2;
	ctx.transport = TRANSPORT_TCP;
	ctx.sport = 445;
	ctx.dport = 1032;

	/* NegTokenResp with a GSS-framed AP-REP: one krb record */
	b = unhex(smb_resp_aprep, &n);
	r = sec_token(&ctx, "smb2", b, n, 0);
	is_int(r, SEC_SPNEGO, "smb resp: SEC_SPNEGO");
	ok(s.n_krb == 1 && s.n_spnego == 0, "smb resp: one krb record only");
	is_str(s.carrier, "smb2", "smb resp: carrier");
	ok(s.krb_type == KRB_AP_REP && s.krb_status == KRB_OK,
	    "smb resp: AP-REP decoded");
	ok(s.krb_mech == KRB_GSS_KRB5 && s.krb_tok == 0x0200,
	    "smb resp: krb5 mech, TOK_ID 0x0200");
	ok(s.krb_raw0 == 0x6f && s.krb_raw_len == 108,
	    "smb resp: raw is the APPLICATION-tagged message");
	ok(s.wrapped && s.sp.kind == SPNEGO_RESP &&
	    s.sp.neg_state == SPNEGO_ACCEPT_COMPLETED,
	    "smb resp: record carries its SPNEGO token");
	ok(ctx.spnego == NULL, "smb resp: ctx->spnego reset");
	is_int((long long)eng.st.spnego_tokens, 1, "smb resp: counted");
	free(b);

	/* NegTokenInit with an AP-REQ */
	memset(&s, 0, sizeof(s));
	b = unhex(ldap_init_apreq, &n);
	r = sec_token(&ctx, "ldap", b, n, SEC_F_NO_RAW_KRB);
	ok(r == SEC_SPNEGO && s.n_krb == 1 && s.krb_type == KRB_AP_REQ,
	    "ldap init: AP-REQ");
	is_str(s.tkt_sname, "ldap/w2k3-101.w2k3.vmnet1.vm.base/"
	    "w2k3.vmnet1.vm.base", "ldap init: ticket sname");
	is_str(s.tkt_realm, "W2K3.VMNET1.VM.BASE", "ldap init: ticket realm");
	ok(s.sp.n_mechs == 3 && s.sp.has_token && s.sp.token_len == 1252,
	    "ldap init: SPNEGO context");
	/* the same, cut by the capture: still an AP-REQ, truncated */
	memset(&s, 0, sizeof(s));
	r = sec_token(&ctx, "ldap", b, 400, 0);
	ok(r == SEC_SPNEGO && s.n_krb == 1 && s.krb_type == KRB_AP_REQ &&
	    s.krb_status == KRB_TRUNCATED, "ldap init cut: truncated AP-REQ");
	free(b);

	/* NegTokenResp with a bare AP-REP (DCE/RPC) */
	memset(&s, 0, sizeof(s));
	b = unhex(rpc_resp_raw_aprep, &n);
	r = sec_token(&ctx, "dcerpc", b, n, SEC_F_NO_RAW_KRB);
	ok(r == SEC_SPNEGO && s.n_krb == 1 && s.krb_type == KRB_AP_REP &&
	    s.krb_mech == 0, "rpc resp: bare AP-REP inside SPNEGO");
	ok(s.sp.supported_mech == SEC_MECH_MS_KRB5 &&
	    s.sp.neg_state == SPNEGO_ACCEPT_INCOMPLETE,
	    "rpc resp: supportedMech ms-krb5, incomplete");
	/* the bare AP-REP by itself, then refused by SEC_F_NO_RAW_KRB */
	memset(&s, 0, sizeof(s));
	r = sec_token(&ctx, "gss", b + 30, n - 30, 0);
	ok(r == SEC_KRB && s.n_krb == 1 && s.krb_type == KRB_AP_REP &&
	    !s.wrapped, "bare AP-REP: SEC_KRB, not wrapped");
	r = sec_token(&ctx, "gss", b + 30, n - 30, SEC_F_NO_RAW_KRB);
	ok(r == SEC_NONE && s.n_krb == 1 && eng.st.sec_unknown == 1,
	    "bare AP-REP with SEC_F_NO_RAW_KRB: unknown, counted");
	free(b);

	/* NegTokenResp naming ms-krb5, a GSS-framed AP-REP (LDAP) */
	memset(&s, 0, sizeof(s));
	b = unhex(ldap_resp_aprep, &n);
	r = sec_token(&ctx, "ldap", b, n, 0);
	ok(r == SEC_SPNEGO && s.n_krb == 1 && s.krb_type == KRB_AP_REP &&
	    s.krb_tok == 0x0200 && s.sp.supported_mech == SEC_MECH_MS_KRB5,
	    "ldap resp: AP-REP, supportedMech ms-krb5");
	free(b);

	/* mechListMIC only: a spnego record */
	memset(&s, 0, sizeof(s));
	b = unhex(rpc_resp_mic, &n);
	r = sec_token(&ctx, "dcerpc", b, n, 0);
	ok(r == SEC_SPNEGO && s.n_spnego == 1 && s.n_krb == 0 &&
	    s.sp.has_mic && !s.wrapped, "rpc MIC only: spnego record");
	/* its MIC is an RFC 4121 MIC token: GSS_OTHER, nothing emitted */
	r = sec_token(&ctx, "dcerpc", b + 13, n - 13, 0);
	ok(r == SEC_GSS_OTHER && s.n_spnego == 1 && s.n_krb == 0,
	    "RFC 4121 MIC token: SEC_GSS_OTHER");
	free(b);

	/* a user-to-user TGT-REQ as the mech token */
	memset(&s, 0, sizeof(s));
	b = unhex(rpc_init_negoex, &n);
	r = sec_token(&ctx, "dcerpc", b, n, 0);
	ok(r == SEC_SPNEGO && s.n_krb == 1 && s.n_spnego == 0 &&
	    s.krb_type == 16 && s.krb_status == KRB_OK,
	    "u2u: TGT-REQ record");
	ok(s.krb_mech == KRB_GSS_U2U && s.krb_tok == 0x0400,
	    "u2u: krb5-u2u mech, TOK_ID 0x0400");
	is_str(s.sname, "Administrator", "u2u: server-name");
	is_str(s.realm, "BLACKCLOVER", "u2u: realm");
	ok(s.wrapped && s.sp.n_mechs == 4, "u2u: SPNEGO context");
	/* cut inside the realm */
	memset(&s, 0, sizeof(s));
	r = sec_token(&ctx, "dcerpc", b, n - 5, 0);
	ok(r == SEC_SPNEGO && s.n_krb == 1 && s.krb_type == 16 &&
	    s.krb_status == KRB_TRUNCATED, "u2u cut: truncated TGT-REQ");
	free(b);

	/* a mech token we do not decode (NegoEx): a spnego record */
	memset(&s, 0, sizeof(s));
	b = unhex("a01e301ca00e300c060a2b06010401823702021ea20a04084e45474f"
	    "45585453", &n);
	r = sec_token(&ctx, "smb2", b, n, 0);
	ok(r == SEC_SPNEGO && s.n_spnego == 1 && s.n_krb == 0 &&
	    s.sp.has_token && s.sp.token_len == 8 &&
	    s.sp.mechs[0] == SEC_MECH_NEGOEX,
	    "NegoEx token: spnego record with the token noted");
	free(b);

	/* RFC 1964 wrap token of LDAP sealing */
	memset(&s, 0, sizeof(s));
	b = unhex(ldap_wrap, &n);
	r = sec_token(&ctx, "ldap", b, n, 0);
	ok(r == SEC_GSS_OTHER && s.n_krb + s.n_spnego + s.n_ntlm == 0,
	    "krb5 wrap token: SEC_GSS_OTHER, nothing emitted");
	free(b);

	/* NTLMSSP inside SPNEGO, and bare */
	memset(&s, 0, sizeof(s));
	b = unhex(rpc_resp_ntlm_neg, &n);
	r = sec_token(&ctx, "dcerpc", b, n, 0);
	ok(r == SEC_SPNEGO && s.n_ntlm == 1 && s.wrapped &&
	    s.ntlm.msg_type == NTLM_NEGOTIATE, "spnego ntlm: NEGOTIATE");
	is_str(s.ntlm.workstation, "CBTH-WS-1", "spnego ntlm: workstation");
	free(b);
	memset(&s, 0, sizeof(s));
	b = unhex(ntlm_auth_spn, &n);
	r = sec_token(&ctx, "ldap", b, n, 0);
	ok(r == SEC_NTLM && s.n_ntlm == 1 && !s.wrapped &&
	    s.ntlm.raw_len == n, "bare ntlm: SEC_NTLM with raw bytes");
	is_str(s.ntlm.user, "User1", "bare ntlm: user");
	free(b);

	/* garbage */
	b = unhex("485454502f312e31", &n);
	r = sec_token(&ctx, "http", b, n, 0);
	ok(r == SEC_NONE && eng.st.sec_unknown == 2,
	    "text: SEC_NONE, counted");
	free(b);
	r = sec_token(&ctx, "http", NULL, 0, 0);
	ok(r == SEC_NONE && eng.st.sec_unknown == 3, "empty blob: SEC_NONE");
	is_int((long long)eng.st.ntlm_msgs, 2, "engine counted ntlm");
	engine_fini(&eng);
}

static void
test_probe(void)
{
	static const char *yes[] = {
		"604706062b0601050502a03d",		/* SPNEGO init */
		"607906092a864886f71201020202006f",	/* krb5 AP-REP */
		"6082052206062b06010505",		/* long form */
		"a182010730820103",			/* negTokenResp */
		"a07f307d",				/* negTokenInit */
		"4e544c4d5353500001000000",		/* NTLMSSP */
		"6e8204cf308204cba003020105",		/* AP-REQ */
		"7e81a3308100",				/* KRB-ERROR */
		"01006e8204cf3082",			/* TOK_ID, AP-REQ */
	};
	static const char *no[] = {
		"474554202f20485454",		/* "GET / HT" */
		"60050603550403",		/* 0x60, X.500 OID */
		"a0034e544c",			/* [0] without SEQUENCE */
		"6a81a3308100",			/* AS-REQ: not a GSS token */
		"4e544c4d53",			/* NTLMSSP cut */
		"60",
	};
	uint8_t *b;
	size_t i, n;
	int all;

	all = 1;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		b = unhex(yes[i], &n);
		if (!sec_probe(b, n, 0)) {
			printf("# probe missed %s\n", yes[i]);
			all = 0;
		}
		free(b);
	}
	ok(all, "probe: every token kind");
	all = 1;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		b = unhex(no[i], &n);
		if (sec_probe(b, n, 0)) {
			printf("# probe took %s\n", no[i]);
			all = 0;
		}
		free(b);
	}
	ok(all, "probe: rejects others");
	b = unhex("6e8204cf308204cba003020105", &n);
	ok(!sec_probe(b, n, SEC_F_NO_RAW_KRB), "probe: no bare AP-REQ "
	    "with SEC_F_NO_RAW_KRB");
	free(b);
	ok(!sec_probe(NULL, 0, 0), "probe: nothing");
}

int
main(void)
{
	test_names();
	test_spnego();
	test_ntlm();
	test_ntlm_hostile();
	test_sec_token();
	test_probe();
	return done_testing();
}
