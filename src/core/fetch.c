/* SPDX-License-Identifier: MIT */
/* The online mirror (libcurl on OpenSSL). */
#include <curl/curl.h>

#include "fetch.h"
#include "banned.h"

const char *zh_fetch_lib_version(void)
{
	return curl_version_info(CURLVERSION_NOW)->version;
}
