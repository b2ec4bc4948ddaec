/* crypto_cache: the OpenSSL objects the hot paths need, fetched once.
 *
 * Fetching (EVP_CIPHER_fetch, EVP_MAC_fetch, and the digest an HMAC
 * context fetches when its digest parameter is set) walks OpenSSL's
 * provider store under locks on every call; a handshake makes dozens of
 * PRF calls (prf+, AUTH) and several AEAD ones. Here each cipher is
 * fetched once, and each MAC once per parameter (HMAC per digest, CMAC
 * per cipher) into a template context without a key, which callers
 * duplicate: no key ever stays in the cache (CMAC, which copies only a
 * keyed context, gets a new context of the cached MAC instead).
 *
 * Not thread-safe: iketest is one thread. Everything is freed at exit
 * (atexit), so LeakSanitizer sees no leak; what a caller gets from
 * crypto_cache_cipher is borrowed (never freed by it). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include "crypto_internal.h"

enum { CACHE_MAX = 32, CACHE_NAME = 64 };

static struct {
	char name[CACHE_NAME];
	EVP_CIPHER *cipher;
} ciphers[CACHE_MAX];
static size_t nciphers;

static struct {
	char alg[16], param[CACHE_NAME];
	EVP_MAC_CTX *tmpl;
} macs[CACHE_MAX];
static size_t nmacs;

static EVP_CIPHER *spare;	/* the last one fetched beyond the table */
static bool registered;

static void cache_free(void)
{
	size_t i;

	for (i = 0; i < nciphers; i++)
		EVP_CIPHER_free(ciphers[i].cipher);
	for (i = 0; i < nmacs; i++)
		EVP_MAC_CTX_free(macs[i].tmpl);
	EVP_CIPHER_free(spare);
	spare = NULL;
	nciphers = nmacs = 0;
}

static void cache_register(void)
{
	if (!registered && atexit(cache_free) == 0)
		registered = true;
}

EVP_CIPHER *crypto_cache_cipher(const char *alg)
{
	EVP_CIPHER *c;
	size_t i;

	for (i = 0; i < nciphers; i++)
		if (strcmp(ciphers[i].name, alg) == 0)
			return ciphers[i].cipher;
	if ((c = EVP_CIPHER_fetch(NULL, alg, NULL)) == NULL)
		return NULL;
	cache_register();
	if (nciphers == CACHE_MAX || strlen(alg) >= CACHE_NAME || !registered) {
		/* no room: kept until the next such fetch (callers use a
		 * cipher at once: a context takes its own reference) */
		EVP_CIPHER_free(spare);
		spare = c;
		return c;
	}
	snprintf(ciphers[nciphers].name, CACHE_NAME, "%s", alg);
	ciphers[nciphers].cipher = c;
	nciphers++;
	return c;
}

/* The template of MAC alg with its one parameter set (digest or cipher). */
static EVP_MAC_CTX *mac_template(const char *alg, const char *key,
    const char *value)
{
	OSSL_PARAM params[2];
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	size_t i;

	for (i = 0; i < nmacs; i++)
		if (strcmp(macs[i].alg, alg) == 0 &&
		    strcmp(macs[i].param, value) == 0)
			return macs[i].tmpl;
	if (nmacs == CACHE_MAX || strlen(alg) >= sizeof(macs[0].alg) ||
	    strlen(value) >= CACHE_NAME)
		return NULL;
	if ((mac = EVP_MAC_fetch(NULL, alg, NULL)) == NULL)
		return NULL;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);	/* the context holds its own reference */
	params[0] = OSSL_PARAM_construct_utf8_string(key, (char *)value, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (ctx == NULL || EVP_MAC_CTX_set_params(ctx, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	cache_register();
	snprintf(macs[nmacs].alg, sizeof(macs[0].alg), "%s", alg);
	snprintf(macs[nmacs].param, CACHE_NAME, "%s", value);
	macs[nmacs].tmpl = ctx;
	nmacs++;
	return ctx;
}

EVP_MAC_CTX *crypto_cache_mac_ctx(const char *alg, const char *key,
    const char *value)
{
	EVP_MAC_CTX *t = mac_template(alg, key, value), *ctx;
	OSSL_PARAM params[2];

	if (t == NULL)
		return NULL;
	if ((ctx = EVP_MAC_CTX_dup(t)) != NULL)
		return ctx;
	/* CMAC copies only a keyed context: a new one from the cached MAC,
	 * its parameter set again */
	ERR_clear_error();
	ctx = EVP_MAC_CTX_new(EVP_MAC_CTX_get0_mac(t));
	params[0] = OSSL_PARAM_construct_utf8_string(key, (char *)value, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (ctx != NULL && EVP_MAC_CTX_set_params(ctx, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}
