/* SPDX-License-Identifier: MIT */
/*
 * enrollhost.exe: the stand-in for the certificate enrolment host (cj-enroll-host,
 * packages/README.md), a Chrome/Edge native-messaging host named
 * com.cjpension.certenrollment. It speaks the real protocol on stdin/stdout: each message is
 * a 32-bit little-endian length and that many bytes of UTF-8 JSON. It enrols nothing: every
 * request is answered with the host's name, its version and the request itself, and anything
 * that is not JSON with {"ok":false,...}. It exits 0 when the browser closes stdin.
 */
#include <fcntl.h>
#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#define HOST_NAME "com.cjpension.certenrollment"
#define HOST_VERSION "1.0.0.3"
/* Chrome sends at most 4 GiB and accepts at most 1 MiB from a host; we take 1 MiB both ways. */
#define MAX_MESSAGE (1024 * 1024)

/* Reads exactly n bytes; returns n, 0 at a clean end of input before the first byte, or -1. */
static long read_full(unsigned char *buf, size_t n)
{
	size_t got = 0, r;

	while (got < n) {
		r = fread(buf + got, 1, n - got, stdin);
		if (r == 0) {
			if (ferror(stdin) || got > 0)
				return -1;
			return 0;
		}
		got += r;
	}
	return (long)n;
}

/* One framed message on stdout; 0 on success, -1 when stdout failed. */
static int write_message(const char *json)
{
	size_t n = strlen(json);
	unsigned char len[4];

	len[0] = (unsigned char)(n & 0xff);
	len[1] = (unsigned char)((n >> 8) & 0xff);
	len[2] = (unsigned char)((n >> 16) & 0xff);
	len[3] = (unsigned char)((n >> 24) & 0xff);
	if (fwrite(len, 1, 4, stdout) != 4 || fwrite(json, 1, n, stdout) != n ||
		fflush(stdout) != 0)
		return -1;
	return 0;
}

/* {"ok":false,"error":TEXT}; 0 on success, -1 when it could not be built or written. */
static int write_error(const char *text)
{
	cJSON *o = cJSON_CreateObject();
	char *s = NULL;
	int rc = -1;

	if (o == NULL || cJSON_AddFalseToObject(o, "ok") == NULL ||
		cJSON_AddStringToObject(o, "error", text) == NULL)
		goto out;
	s = cJSON_PrintUnformatted(o);
	if (s == NULL)
		goto out;
	rc = write_message(s);
out:
	cJSON_free(s);
	cJSON_Delete(o);
	return rc;
}

/*
 * The answer to one request of n bytes (buf holds n + 1, the last one NUL). Returns 0 when an
 * answer was written (also {"ok":false} for bad JSON), -1 when stdout failed.
 */
static int answer(const char *buf, size_t n)
{
	cJSON *req = NULL, *o = NULL;
	const char *end = NULL;
	char *s = NULL;
	int rc = -1;

	/*
	 * Parsed up to and including the NUL after the message, so that cJSON insists on the end
	 * of the message; an early end (a NUL inside the message) is refused by the check below.
	 */
	req = cJSON_ParseWithLengthOpts(buf, n + 1, &end, 1);
	if (req == NULL || end != buf + n) {
		rc = write_error("the message is not valid JSON");
		goto out;
	}
	o = cJSON_CreateObject();
	if (o == NULL || cJSON_AddTrueToObject(o, "ok") == NULL ||
		cJSON_AddStringToObject(o, "host", HOST_NAME) == NULL ||
		cJSON_AddStringToObject(o, "version", HOST_VERSION) == NULL ||
		!cJSON_AddItemToObject(o, "echo", req)) {
		rc = write_error("out of memory");
		goto out;
	}
	req = NULL; /* o owns it now */
	s = cJSON_PrintUnformatted(o);
	if (s == NULL)
		rc = write_error("out of memory");
	else if (strlen(s) > MAX_MESSAGE)
		rc = write_error("the answer would be larger than 1 MiB");
	else
		rc = write_message(s);
out:
	cJSON_free(s);
	cJSON_Delete(o);
	cJSON_Delete(req);
	return rc;
}

int main(void)
{
	unsigned char len[4];
	unsigned char *buf = NULL;
	uint32_t n;
	long got;
	int rc = 1;

	/* The length prefixes are binary: text mode would turn 0x0a into 0x0d 0x0a. */
	if (_setmode(_fileno(stdin), _O_BINARY) == -1 ||
		_setmode(_fileno(stdout), _O_BINARY) == -1) {
		fprintf(stderr, "enrollhost: cannot switch stdin/stdout to binary mode\n");
		return 1;
	}
	for (;;) {
		got = read_full(len, 4);
		if (got == 0) {
			rc = 0; /* the browser closed the port */
			break;
		}
		if (got < 0) {
			fprintf(stderr, "enrollhost: truncated message length\n");
			break;
		}
		n = (uint32_t)len[0] | (uint32_t)len[1] << 8 | (uint32_t)len[2] << 16 |
			(uint32_t)len[3] << 24;
		if (n > MAX_MESSAGE) {
			/* The rest of the stream cannot be trusted to be in step: answer and stop.
			 */
			fprintf(stderr,
				"enrollhost: message of %lu bytes refused (1 MiB at most)\n",
				(unsigned long)n);
			(void)write_error("the message is larger than 1 MiB");
			break;
		}
		buf = malloc((size_t)n + 1);
		if (buf == NULL) {
			fprintf(stderr, "enrollhost: out of memory\n");
			break;
		}
		if (n > 0 && read_full(buf, n) != (long)n) {
			fprintf(stderr, "enrollhost: truncated message\n");
			break;
		}
		buf[n] = '\0';
		if (answer((const char *)buf, n) != 0) {
			fprintf(stderr, "enrollhost: cannot write to stdout\n");
			break;
		}
		free(buf);
		buf = NULL;
	}
	free(buf);
	return rc;
}
