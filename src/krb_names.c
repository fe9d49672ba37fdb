/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * krb_names.c - names of Kerberos protocol numbers.
 * Message types and error codes: RFC 4120 sections 5.10, 7.5.7, 7.5.9;
 * PKINIT errors RFC 4556 section 3.1.3; FAST errors RFC 6113 section 5.4;
 * IAKERB, OTP (RFC 6560) and PKINIT algorithm agility (RFC 8636) errors.
 * Encryption types: RFC 3961 section 8, RFC 3962, RFC 4757, RFC 6803,
 * RFC 8009, the IANA Kerberos parameters registry, and the negative
 * values of Microsoft's ntsecapi.h, in MIT krb5 spelling where MIT has
 * one. Pre-authentication types: the IANA registry, RFC 4120 section
 * 7.5.2, RFC 4556, RFC 6113, MS-KILE and MS-SFU. Option bits: RFC 4120
 * section 5.4.1 and 5.5.1, MS-KILE, MS-SFU. Name types: RFC 4120
 * section 6.2, RFC 6111, RFC 5179, MS-KILE. PAC-OPTIONS bits: MS-KILE
 * 2.2.10; supported encryption type bits: MS-KILE 2.2.7. NTSTATUS
 * values (in KERB-EXT-ERROR): MS-ERREF 2.3.1, the logon-related ones.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "krb.h"

struct name_row {
	int32_t		 value;
	const char	*name;
};

struct error_row {
	int32_t		 code;
	const char	*name;
	const char	*text;
};

struct status_row {
	uint32_t	 value;
	const char	*name;
};

static const char	*lookup(const struct name_row *, int32_t);
static const struct error_row	*error_row(int32_t);

static const struct name_row msg_types[] = {
	{ 10, "AS-REQ" },
	{ 11, "AS-REP" },
	{ 12, "TGS-REQ" },
	{ 13, "TGS-REP" },
	{ 14, "AP-REQ" },
	{ 15, "AP-REP" },
	{ 16, "TGT-REQ" },		/* user-to-user draft */
	{ 17, "TGT-REP" },
	{ 20, "KRB-SAFE" },
	{ 21, "KRB-PRIV" },
	{ 22, "KRB-CRED" },
	{ 30, "KRB-ERROR" },
	{ 0, NULL }
};

static const struct error_row errors[] = {
	{ 0, "KDC_ERR_NONE", "No error" },
	{ 1, "KDC_ERR_NAME_EXP",
	    "The client's account has expired" },
	{ 2, "KDC_ERR_SERVICE_EXP",
	    "The service's account has expired" },
	{ 3, "KDC_ERR_BAD_PVNO",
	    "The requested Kerberos protocol version is not supported" },
	{ 4, "KDC_ERR_C_OLD_MAST_KVNO",
	    "The client's key is encrypted in an old master key" },
	{ 5, "KDC_ERR_S_OLD_MAST_KVNO",
	    "The service's key is encrypted in an old master key" },
	{ 6, "KDC_ERR_C_PRINCIPAL_UNKNOWN",
	    "The client name is not known to the KDC" },
	{ 7, "KDC_ERR_S_PRINCIPAL_UNKNOWN",
	    "The service name (SPN) is not registered on any account" },
	{ 8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE",
	    "The name is registered on more than one account "
	    "(duplicate SPN or UPN)" },
	{ 9, "KDC_ERR_NULL_KEY",
	    "The client or service account has no key" },
	{ 10, "KDC_ERR_CANNOT_POSTDATE",
	    "The ticket cannot be postdated" },
	{ 11, "KDC_ERR_NEVER_VALID",
	    "The requested start time is later than the end time" },
	{ 12, "KDC_ERR_POLICY",
	    "KDC policy rejects the request (logon hours, workstation "
	    "or other account restriction)" },
	{ 13, "KDC_ERR_BADOPTION",
	    "The KDC cannot grant a requested option (for example "
	    "delegation that is not allowed)" },
	{ 14, "KDC_ERR_ETYPE_NOSUPP",
	    "No encryption type in common between the request and "
	    "the account's keys" },
	{ 15, "KDC_ERR_SUMTYPE_NOSUPP",
	    "The KDC does not support the checksum type" },
	{ 16, "KDC_ERR_PADATA_TYPE_NOSUPP",
	    "The KDC does not support the pre-authentication type" },
	{ 17, "KDC_ERR_TRTYPE_NOSUPP",
	    "The KDC does not support the transited encoding type" },
	{ 18, "KDC_ERR_CLIENT_REVOKED",
	    "The client's credentials were revoked (account disabled, "
	    "locked out or expired)" },
	{ 19, "KDC_ERR_SERVICE_REVOKED",
	    "The service's credentials were revoked" },
	{ 20, "KDC_ERR_TGT_REVOKED",
	    "The ticket-granting ticket was revoked" },
	{ 21, "KDC_ERR_CLIENT_NOTYET",
	    "The client account is not valid yet" },
	{ 22, "KDC_ERR_SERVICE_NOTYET",
	    "The service account is not valid yet" },
	{ 23, "KDC_ERR_KEY_EXPIRED",
	    "The password has expired and must be changed" },
	{ 24, "KDC_ERR_PREAUTH_FAILED",
	    "Pre-authentication failed: wrong password or stale key" },
	{ 25, "KDC_ERR_PREAUTH_REQUIRED",
	    "The KDC asks for pre-authentication (normal first step "
	    "of a logon)" },
	{ 26, "KDC_ERR_SERVER_NOMATCH",
	    "The requested service and the ticket do not match" },
	{ 27, "KDC_ERR_MUST_USE_USER2USER",
	    "The service accepts only user-to-user authentication" },
	{ 28, "KDC_ERR_PATH_NOT_ACCEPTED",
	    "KDC policy rejects the transited path" },
	{ 29, "KDC_ERR_SVC_UNAVAILABLE",
	    "A service is not available" },
	{ 31, "KRB_AP_ERR_BAD_INTEGRITY",
	    "Integrity check on decrypted field failed: the service "
	    "could not decrypt with its key" },
	{ 32, "KRB_AP_ERR_TKT_EXPIRED",
	    "The ticket has expired" },
	{ 33, "KRB_AP_ERR_TKT_NYV",
	    "The ticket is not valid yet" },
	{ 34, "KRB_AP_ERR_REPEAT",
	    "The request is a replay" },
	{ 35, "KRB_AP_ERR_NOT_US",
	    "The ticket is not for this service" },
	{ 36, "KRB_AP_ERR_BADMATCH",
	    "The ticket and the authenticator do not match" },
	{ 37, "KRB_AP_ERR_SKEW",
	    "Clock skew too great between client and server" },
	{ 38, "KRB_AP_ERR_BADADDR",
	    "The network address does not match the ticket" },
	{ 39, "KRB_AP_ERR_BADVERSION",
	    "Protocol version mismatch" },
	{ 40, "KRB_AP_ERR_MSG_TYPE",
	    "Invalid message type" },
	{ 41, "KRB_AP_ERR_MODIFIED",
	    "Message stream modified: the service could not decrypt the "
	    "ticket (SPN on the wrong account or stale password)" },
	{ 42, "KRB_AP_ERR_BADORDER",
	    "Message out of order" },
	{ 43, "KRB_AP_ERR_ILL_CR_TKT",
	    "Illegal cross-realm ticket" },
	{ 44, "KRB_AP_ERR_BADKEYVER",
	    "The service does not have the key version the ticket was "
	    "encrypted with" },
	{ 45, "KRB_AP_ERR_NOKEY",
	    "The service key is not available" },
	{ 46, "KRB_AP_ERR_MUT_FAIL",
	    "Mutual authentication failed" },
	{ 47, "KRB_AP_ERR_BADDIRECTION",
	    "Incorrect message direction" },
	{ 48, "KRB_AP_ERR_METHOD",
	    "An alternative authentication method is required" },
	{ 49, "KRB_AP_ERR_BADSEQ",
	    "Incorrect sequence number in message" },
	{ 50, "KRB_AP_ERR_INAPP_CKSUM",
	    "Inappropriate type of checksum in message" },
	{ 51, "KRB_AP_PATH_NOT_ACCEPTED",
	    "Policy rejects the transited path" },
	{ 52, "KRB_ERR_RESPONSE_TOO_BIG",
	    "The response is too big for UDP: retry over TCP" },
	{ 60, "KRB_ERR_GENERIC",
	    "Generic error (see the error text)" },
	{ 61, "KRB_ERR_FIELD_TOOLONG",
	    "A field is too long for this implementation" },
	{ 62, "KDC_ERR_CLIENT_NOT_TRUSTED",
	    "PKINIT: the client certificate is not trusted" },
	{ 63, "KDC_ERR_KDC_NOT_TRUSTED",
	    "PKINIT: the KDC is not trusted" },
	{ 64, "KDC_ERR_INVALID_SIG",
	    "PKINIT: invalid signature" },
	{ 65, "KDC_ERR_DH_KEY_PARAMETERS_NOT_ACCEPTED",
	    "PKINIT: Diffie-Hellman parameters not accepted (key too weak)" },
	{ 66, "KDC_ERR_CERTIFICATE_MISMATCH",
	    "PKINIT: certificate mismatch" },
	{ 67, "KRB_AP_ERR_NO_TGT",
	    "No ticket-granting ticket available for user-to-user" },
	{ 68, "KDC_ERR_WRONG_REALM",
	    "Wrong realm: the client should ask another realm's KDC" },
	{ 69, "KRB_AP_ERR_USER_TO_USER_REQUIRED",
	    "The service requires user-to-user authentication" },
	{ 70, "KDC_ERR_CANT_VERIFY_CERTIFICATE",
	    "PKINIT: the certificate cannot be verified" },
	{ 71, "KDC_ERR_INVALID_CERTIFICATE",
	    "PKINIT: invalid certificate" },
	{ 72, "KDC_ERR_REVOKED_CERTIFICATE",
	    "PKINIT: the certificate is revoked" },
	{ 73, "KDC_ERR_REVOCATION_STATUS_UNKNOWN",
	    "PKINIT: the certificate's revocation status is unknown" },
	{ 74, "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE",
	    "PKINIT: the certificate's revocation status is unavailable" },
	{ 75, "KDC_ERR_CLIENT_NAME_MISMATCH",
	    "PKINIT: the client name does not match the certificate" },
	{ 76, "KDC_ERR_KDC_NAME_MISMATCH",
	    "PKINIT: the KDC name does not match the certificate" },
	{ 77, "KDC_ERR_INCONSISTENT_KEY_PURPOSE",
	    "PKINIT: the certificate's key purpose is not for this use" },
	{ 78, "KDC_ERR_DIGEST_IN_CERT_NOT_ACCEPTED",
	    "PKINIT: the certificate's digest algorithm is not accepted" },
	{ 79, "KDC_ERR_PA_CHECKSUM_MUST_BE_INCLUDED",
	    "PKINIT: the request must include paChecksum" },
	{ 80, "KDC_ERR_DIGEST_IN_SIGNED_DATA_NOT_ACCEPTED",
	    "PKINIT: the signed data's digest algorithm is not accepted" },
	{ 81, "KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED",
	    "PKINIT: public key encryption delivery is not supported" },
	{ 85, "KRB_AP_ERR_IAKERB_KDC_NOT_FOUND",
	    "IAKERB: the proxy could not find a KDC" },
	{ 86, "KRB_AP_ERR_IAKERB_KDC_NO_RESPONSE",
	    "IAKERB: the KDC did not answer the proxy" },
	{ 90, "KDC_ERR_PREAUTH_EXPIRED",
	    "FAST: the pre-authentication data has expired" },
	{ 91, "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED",
	    "FAST: more pre-authentication data is required" },
	{ 92, "KDC_ERR_PREAUTH_BAD_AUTHENTICATION_SET",
	    "FAST: the pre-authentication set is not acceptable" },
	{ 93, "KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS",
	    "FAST: the KDC does not understand a critical FAST option" },
	{ 94, "KDC_ERR_INVALID_HASH_ALG",
	    "OTP: invalid digest algorithm" },
	{ 95, "KDC_ERR_INVALID_ITERATION_COUNT",
	    "OTP: invalid iteration count" },
	{ 100, "KDC_ERR_NO_ACCEPTABLE_KDF",
	    "PKINIT: no acceptable key derivation function offered" },
	{ 0, NULL, NULL }
};

static const struct name_row etypes[] = {
	{ 0, "null" },
	{ 1, "des-cbc-crc" },
	{ 2, "des-cbc-md4" },
	{ 3, "des-cbc-md5" },
	{ 4, "des-cbc-raw" },
	{ 5, "des3-cbc-md5" },
	{ 6, "des3-cbc-raw" },
	{ 7, "des3-cbc-sha1-old" },	/* RFC 3961: deprecated number */
	{ 8, "des-hmac-sha1" },
	{ 9, "dsaWithSHA1-CmsOID" },
	{ 10, "md5WithRSAEncryption-CmsOID" },
	{ 11, "sha1WithRSAEncryption-CmsOID" },
	{ 12, "rc2CBC-EnvOID" },
	{ 13, "rsaEncryption-EnvOID" },
	{ 14, "rsaES-OAEP-ENV-OID" },
	{ 15, "des-ede3-cbc-Env-OID" },
	{ 16, "des3-cbc-sha1" },	/* des3-cbc-sha1-kd */
	{ 17, "aes128-cts-hmac-sha1-96" },
	{ 18, "aes256-cts-hmac-sha1-96" },
	{ 19, "aes128-cts-hmac-sha256-128" },
	{ 20, "aes256-cts-hmac-sha384-192" },
	{ 23, "rc4-hmac" },
	{ 24, "rc4-hmac-exp" },
	{ 25, "camellia128-cts-cmac" },
	{ 26, "camellia256-cts-cmac" },
	{ 48, "pk-cross" },
	{ 65, "subkey-keymaterial" },
	/* Microsoft, ntsecapi.h KERB_ETYPE_* */
	{ -128, "rc4-md4" },
	{ -129, "rc4-plain2" },
	{ -130, "rc4-lm" },
	{ -131, "rc4-sha" },
	{ -132, "des-plain" },
	{ -133, "rc4-hmac-old" },
	{ -134, "rc4-plain-old" },
	{ -135, "rc4-hmac-old-exp" },
	{ -136, "rc4-plain-old-exp" },
	{ -140, "rc4-plain" },
	{ -141, "rc4-plain-exp" },
	{ -148, "aes128-cts-hmac-sha1-96-plain" },
	{ -149, "aes256-cts-hmac-sha1-96-plain" },
	{ 0, NULL }
};

static const struct name_row padata_types[] = {
	{ 0, "PA-NONE" },
	{ 1, "PA-TGS-REQ" },
	{ 2, "PA-ENC-TIMESTAMP" },
	{ 3, "PA-PW-SALT" },
	{ 5, "PA-ENC-UNIX-TIME" },
	{ 6, "PA-SANDIA-SECUREID" },
	{ 7, "PA-SESAME" },
	{ 8, "PA-OSF-DCE" },
	{ 9, "PA-CYBERSAFE-SECUREID" },
	{ 10, "PA-AFS3-SALT" },
	{ 11, "PA-ETYPE-INFO" },
	{ 12, "PA-SAM-CHALLENGE" },
	{ 13, "PA-SAM-RESPONSE" },
	{ 14, "PA-PK-AS-REQ-OLD" },
	{ 15, "PA-PK-AS-REP-OLD" },
	{ 16, "PA-PK-AS-REQ" },
	{ 17, "PA-PK-AS-REP" },
	{ 18, "PA-PK-OCSP-RESPONSE" },
	{ 19, "PA-ETYPE-INFO2" },
	{ 20, "PA-SVR-REFERRAL-INFO" },	/* also PA-USE-SPECIFIED-KVNO */
	{ 21, "PA-SAM-REDIRECT" },
	{ 22, "PA-GET-FROM-TYPED-DATA" },
	{ 23, "PA-SAM-ETYPE-INFO" },
	{ 24, "PA-ALT-PRINC" },
	{ 25, "PA-SERVER-REFERRAL" },
	{ 30, "PA-SAM-CHALLENGE2" },
	{ 31, "PA-SAM-RESPONSE2" },
	{ 41, "PA-EXTRA-TGT" },
	{ 71, "PA-FX-FAST-ARMOR" },
	{ 101, "TD-PKINIT-CMS-CERTIFICATES" },
	{ 102, "TD-KRB-PRINCIPAL" },
	{ 103, "TD-KRB-REALM" },
	{ 104, "TD-TRUSTED-CERTIFIERS" },
	{ 105, "TD-CERTIFICATE-INDEX" },
	{ 106, "TD-APP-DEFINED-ERROR" },
	{ 107, "TD-REQ-NONCE" },
	{ 108, "TD-REQ-SEQ" },
	{ 109, "TD-DH-PARAMETERS" },
	{ 111, "TD-CMS-DIGEST-ALGORITHMS" },
	{ 112, "TD-CERT-DIGEST-ALGORITHMS" },
	{ 128, "PA-PAC-REQUEST" },
	{ 129, "PA-FOR-USER" },
	{ 130, "PA-FOR-X509-USER" },
	{ 131, "PA-FOR-CHECK-DUPS" },
	{ 132, "PA-AS-CHECKSUM" },
	{ 133, "PA-FX-COOKIE" },
	{ 134, "PA-AUTHENTICATION-SET" },
	{ 135, "PA-AUTH-SET-SELECTED" },
	{ 136, "PA-FX-FAST" },
	{ 137, "PA-FX-ERROR" },
	{ 138, "PA-ENCRYPTED-CHALLENGE" },
	{ 141, "PA-OTP-CHALLENGE" },
	{ 142, "PA-OTP-REQUEST" },
	{ 143, "PA-OTP-CONFIRM" },
	{ 144, "PA-OTP-PIN-CHANGE" },
	{ 145, "PA-EPAK-AS-REQ" },
	{ 146, "PA-EPAK-AS-REP" },
	{ 147, "PA-PKINIT-KX" },
	{ 148, "PA-PKU2U-NAME" },
	{ 149, "PA-REQ-ENC-PA-REP" },
	{ 150, "PA-AS-FRESHNESS" },
	{ 151, "PA-SPAKE" },
	{ 152, "PA-REDHAT-IDP-OAUTH2" },
	{ 153, "PA-REDHAT-PASSKEY" },
	{ 161, "KERB-KEY-LIST-REQ" },
	{ 162, "KERB-KEY-LIST-REP" },
	{ 165, "PA-SUPPORTED-ETYPES" },
	{ 166, "PA-EXTENDED-ERROR" },
	{ 167, "PA-PAC-OPTIONS" },
	{ 170, "PA-SUPERSEDED-BY-USER" },
	{ 171, "PA-DMSA-KEY-PACKAGE" },
	{ 0, NULL }
};

/* KDCOptions, bit 0 = most significant bit of the first octet. */
static const struct name_row kdc_options[] = {
	{ 0, "reserved" },
	{ 1, "forwardable" },
	{ 2, "forwarded" },
	{ 3, "proxiable" },
	{ 4, "proxy" },
	{ 5, "allow-postdate" },
	{ 6, "postdated" },
	{ 8, "renewable" },
	{ 11, "opt-hardware-auth" },
	{ 14, "cname-in-addl-tkt" },	/* MS-SFU constrained delegation */
	{ 15, "canonicalize" },
	{ 16, "request-anonymous" },
	{ 26, "disable-transited-check" },
	{ 27, "renewable-ok" },
	{ 28, "enc-tkt-in-skey" },
	{ 30, "renew" },
	{ 31, "validate" },
	{ 0, NULL }
};

static const struct name_row ap_options[] = {
	{ 0, "reserved" },
	{ 1, "use-session-key" },
	{ 2, "mutual-required" },
	{ 0, NULL }
};

/* TicketFlags (RFC 4120 5.3, RFC 6112 anonymous, RFC 6806/MIT enc-pa-rep) */
static const struct name_row ticket_flags[] = {
	{ 0, "reserved" },
	{ 1, "forwardable" },
	{ 2, "forwarded" },
	{ 3, "proxiable" },
	{ 4, "proxy" },
	{ 5, "may-postdate" },
	{ 6, "postdated" },
	{ 7, "invalid" },
	{ 8, "renewable" },
	{ 9, "initial" },
	{ 10, "pre-authent" },
	{ 11, "hw-authent" },
	{ 12, "transited-policy-checked" },
	{ 13, "ok-as-delegate" },
	{ 15, "enc-pa-rep" },
	{ 16, "anonymous" },
	{ 0, NULL }
};

static const struct name_row name_types[] = {
	{ 0, "NT-UNKNOWN" },
	{ 1, "NT-PRINCIPAL" },
	{ 2, "NT-SRV-INST" },
	{ 3, "NT-SRV-HST" },
	{ 4, "NT-SRV-XHST" },
	{ 5, "NT-UID" },
	{ 6, "NT-X500-PRINCIPAL" },
	{ 7, "NT-SMTP-NAME" },
	{ 10, "NT-ENTERPRISE" },
	{ 11, "NT-WELLKNOWN" },
	{ 12, "NT-SRV-HST-DOMAIN" },
	{ -128, "NT-MS-PRINCIPAL" },
	{ -129, "NT-MS-PRINCIPAL-AND-ID" },
	{ -130, "NT-ENT-PRINCIPAL-AND-ID" },
	{ 0, NULL }
};

static const struct status_row ntstatus[] = {
	{ 0x00000000, "STATUS_SUCCESS" },
	{ 0xc0000022, "STATUS_ACCESS_DENIED" },
	{ 0xc000005e, "STATUS_NO_LOGON_SERVERS" },
	{ 0xc0000064, "STATUS_NO_SUCH_USER" },
	{ 0xc000006a, "STATUS_WRONG_PASSWORD" },
	{ 0xc000006c, "STATUS_PASSWORD_RESTRICTION" },
	{ 0xc000006d, "STATUS_LOGON_FAILURE" },
	{ 0xc000006e, "STATUS_ACCOUNT_RESTRICTION" },
	{ 0xc000006f, "STATUS_INVALID_LOGON_HOURS" },
	{ 0xc0000070, "STATUS_INVALID_WORKSTATION" },
	{ 0xc0000071, "STATUS_PASSWORD_EXPIRED" },
	{ 0xc0000072, "STATUS_ACCOUNT_DISABLED" },
	{ 0xc00000bb, "STATUS_NOT_SUPPORTED" },
	{ 0xc0000133, "STATUS_TIME_DIFFERENCE_AT_DC" },
	{ 0xc0000193, "STATUS_ACCOUNT_EXPIRED" },
	{ 0xc0000203, "STATUS_USER_SESSION_DELETED" },
	{ 0xc0000224, "STATUS_PASSWORD_MUST_CHANGE" },
	{ 0xc0000234, "STATUS_ACCOUNT_LOCKED_OUT" },
	{ 0xc00002f8, "STATUS_NO_PA_DATA" },
	{ 0xc00002f9, "STATUS_PKINIT_NAME_MISMATCH" },
	{ 0xc00002fa, "STATUS_SMARTCARD_LOGON_REQUIRED" },
	{ 0xc0000320, "STATUS_PKINIT_FAILURE" },
	{ 0xc0000321, "STATUS_SMARTCARD_SUBSYSTEM_FAILURE" },
	{ 0xc0000322, "STATUS_NO_KERB_KEY" },
	{ 0xc0000351, "STATUS_UNSUPPORTED_PREAUTH" },
	{ 0xc0000380, "STATUS_SMARTCARD_WRONG_PIN" },
	{ 0xc0000381, "STATUS_SMARTCARD_CARD_BLOCKED" },
	{ 0xc0000382, "STATUS_SMARTCARD_CARD_NOT_AUTHENTICATED" },
	{ 0xc0000383, "STATUS_SMARTCARD_NO_CARD" },
	{ 0xc0000384, "STATUS_SMARTCARD_NO_KEY_CONTAINER" },
	{ 0xc0000385, "STATUS_SMARTCARD_NO_CERTIFICATE" },
	{ 0xc0000386, "STATUS_SMARTCARD_NO_KEYSET" },
	{ 0xc0000387, "STATUS_SMARTCARD_IO_ERROR" },
	{ 0xc0000388, "STATUS_DOWNGRADE_DETECTED" },
	{ 0xc0000389, "STATUS_SMARTCARD_CERT_REVOKED" },
	{ 0xc000038a, "STATUS_ISSUING_CA_UNTRUSTED" },
	{ 0xc000038b, "STATUS_REVOCATION_OFFLINE_C" },
	{ 0xc000038c, "STATUS_PKINIT_CLIENT_FAILURE" },
	{ 0xc000038d, "STATUS_SMARTCARD_CERT_EXPIRED" },
	{ 0xc000038f, "STATUS_SMARTCARD_SILENT_CONTEXT" },
	{ 0xc000040a, "STATUS_NO_S4U_PROT_SUPPORT" },
	{ 0xc000040b, "STATUS_CROSSREALM_DELEGATION_FAILURE" },
	{ 0xc000040c, "STATUS_REVOCATION_OFFLINE_KDC" },
	{ 0xc000040d, "STATUS_ISSUING_CA_UNTRUSTED_KDC" },
	{ 0xc000040e, "STATUS_KDC_CERT_EXPIRED" },
	{ 0xc000040f, "STATUS_KDC_CERT_REVOKED" },
	{ 0xc0000413, "STATUS_AUTHENTICATION_FIREWALL_FAILED" },
	{ 0, NULL }
};

static const char *const pac_options[] = {
	"claims", "branch-aware", "forward-to-full-dc",
	"resource-based-constrained-delegation"
};

/* Supported encryption type bits, by bit number from the LSB. */
static const struct name_row supp_etypes[] = {
	{ 0, "des-cbc-crc" },
	{ 1, "des-cbc-md5" },
	{ 2, "rc4-hmac" },
	{ 3, "aes128-cts-hmac-sha1-96" },
	{ 4, "aes256-cts-hmac-sha1-96" },
	{ 5, "aes256-cts-hmac-sha1-96-sk" },
	{ 16, "fast-supported" },
	{ 17, "compound-identity-supported" },
	{ 18, "claims-supported" },
	{ 19, "resource-sid-compression-disabled" },
	{ 0, NULL }
};

/* Rows end with a NULL name: 0 is a value in several tables. */
static const char *
lookup(const struct name_row *t, int32_t v)
{
	for (; t->name != NULL; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

/*
 * The same for the tables every message reads (etypes, padata): values
 * 0..255 from an index built on first use (tables whose first value is
 * listed twice keep the first row, as lookup() does).
 */
struct name_index {
	int		 built;
	const char	*name[256];
};

static const char *
lookup_indexed(const struct name_row *t, struct name_index *ix, int32_t v)
{
	const struct name_row *r;

	if (v < 0 || v > 255)
		return lookup(t, v);
	if (!ix->built) {
		for (r = t; r->name != NULL; r++)
			if (r->value >= 0 && r->value <= 255 &&
			    ix->name[r->value] == NULL)
				ix->name[r->value] = r->name;
		ix->built = 1;
	}
	return ix->name[v];
}

static const struct error_row *
error_row(int32_t code)
{
	const struct error_row *r;

	for (r = errors; r->name != NULL; r++)
		if (r->code == code)
			return r;
	return NULL;
}

const char *
krb_msg_name(int msg_type)
{
	return lookup(msg_types, msg_type);
}

const char *
krb_error_name(int32_t code)
{
	const struct error_row *r;

	r = error_row(code);
	return r != NULL ? r->name : NULL;
}

const char *
krb_error_text(int32_t code)
{
	const struct error_row *r;

	r = error_row(code);
	return r != NULL ? r->text : NULL;
}

const char *
krb_etype_name(int32_t etype)
{
	static struct name_index ix;

	return lookup_indexed(etypes, &ix, etype);
}

const char *
krb_padata_name(int32_t type)
{
	static struct name_index ix;

	return lookup_indexed(padata_types, &ix, type);
}

const char *
krb_kdc_option_name(unsigned bit)
{
	if (bit > 31)
		return NULL;
	return lookup(kdc_options, (int32_t)bit);
}

const char *
krb_ap_option_name(unsigned bit)
{
	if (bit > 31)
		return NULL;
	return lookup(ap_options, (int32_t)bit);
}

const char *
krb_ticket_flag_name(unsigned bit)
{
	if (bit > 31)
		return NULL;
	return lookup(ticket_flags, (int32_t)bit);
}

const char *
krb_name_type_name(int32_t type)
{
	return lookup(name_types, type);
}

const char *
krb_ntstatus_name(uint32_t status)
{
	const struct status_row *r;

	for (r = ntstatus; r->name != NULL; r++)
		if (r->value == status)
			return r->name;
	return NULL;
}

const char *
krb_pac_option_name(unsigned bit)
{
	if (bit >= sizeof(pac_options) / sizeof(pac_options[0]))
		return NULL;
	return pac_options[bit];
}

const char *
krb_supp_etype_name(unsigned bit)
{
	if (bit > 31)
		return NULL;
	return lookup(supp_etypes, (int32_t)bit);
}
