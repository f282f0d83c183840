/*
 * ossl.h - OpenSSL, loaded when the first TLS handshake or keyed hash
 * needs it.
 *
 * posthorn is not linked against libssl or libcrypto: the dynamic loader
 * would relocate them on every call (nine tenths of the instructions of
 * a plaintext submission), and most calls never use them.  ossl_load()
 * dlopen()s the libssl this was compiled against and fills struct ossl
 * with the functions tls.c and auth.c use; each pointer has the type of
 * the header's declaration (__typeof__), so the compiler checks every
 * call as if it were linked.  Call through ossl->NAME only after
 * ossl_load() returned 0.
 */
#ifndef POSTHORN_OSSL_H
#define POSTHORN_OSSL_H

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

struct perr;

#define OSSL_FUNCTIONS(F)						\
	F(BIO_free)							\
	F(BIO_new_fp)							\
	F(CRYPTO_memcmp)						\
	F(ERR_clear_error)						\
	F(ERR_error_string_n)						\
	F(ERR_get_error)						\
	F(EVP_PKEY_free)						\
	F(EVP_md5)							\
	F(EVP_sha256)							\
	F(HMAC)								\
	F(PEM_read_bio_PrivateKey)					\
	F(PKCS5_PBKDF2_HMAC)						\
	F(SHA256)							\
	F(SSL_CIPHER_get_name)						\
	F(SSL_CTX_check_private_key)					\
	F(SSL_CTX_ctrl)							\
	F(SSL_CTX_free)							\
	F(SSL_CTX_load_verify_locations)				\
	F(SSL_CTX_new)							\
	F(SSL_CTX_set_default_verify_paths)				\
	F(SSL_CTX_set_security_level)					\
	F(SSL_CTX_set_verify)						\
	F(SSL_CTX_use_PrivateKey)					\
	F(SSL_CTX_use_certificate_chain_file)				\
	F(SSL_connect)							\
	F(SSL_ctrl)							\
	F(SSL_free)							\
	F(SSL_get0_param)						\
	F(SSL_get1_peer_certificate)					\
	F(SSL_get_current_cipher)					\
	F(SSL_get_error)						\
	F(SSL_get_verify_result)					\
	F(SSL_get_version)						\
	F(SSL_new)							\
	F(SSL_pending)							\
	F(SSL_read)							\
	F(SSL_set1_host)						\
	F(SSL_set_fd)							\
	F(SSL_shutdown)							\
	F(SSL_write)							\
	F(TLS_client_method)						\
	F(X509_NAME_oneline)						\
	F(X509_VERIFY_PARAM_set1_ip_asc)				\
	F(X509_VERIFY_PARAM_set_hostflags)				\
	F(X509_digest)							\
	F(X509_free)							\
	F(X509_get_issuer_name)						\
	F(X509_get_subject_name)					\
	F(X509_verify_cert_error_string)

struct ossl {
#define OSSL_MEMBER(name)	__typeof__(name) *name;
	OSSL_FUNCTIONS(OSSL_MEMBER)
#undef OSSL_MEMBER
};

/* NULL until ossl_load() succeeds. */
extern const struct ossl *ossl;

/*
 * Load libssl (and with it libcrypto) once; 0, or -1 with e filled
 * (temporary: the message stays queued until OpenSSL can be loaded).
 */
int	ossl_load(struct perr *e);

#endif
