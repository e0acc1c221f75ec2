/* SPDX-License-Identifier: MIT */
/* Signatures and hashes (OpenSSL): CMS detached signatures, SHA-256. */
#include <openssl/crypto.h>

#include "sign.h"
#include "banned.h"

const char *zh_sign_lib_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
