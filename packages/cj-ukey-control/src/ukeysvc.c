/* SPDX-License-Identifier: MIT */
/*
 * ukeysvc.exe: the stand-in for the Changjiang UKEY control's local service (cj-ukey-control,
 * packages/README.md). Like the vendor's service it runs as the Windows service CjUkeyService
 * and serves HTTPS on 127.0.0.1:50876 as powerservice.csii.com.cn, with a certificate chain
 * and key read from the directory of its own exe. It talks to no UKEY: every request gets a
 * small JSON document naming the component and version. `--console [--port N]` runs the same
 * server in the foreground, for tests. It serves one connection at a time, each bounded by a
 * short deadline, and notices a stop request within a fifth of a second.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define SVC_NAME L"CjUkeyService"
#define SVC_PORT 50876
#define SVC_CERT L"ukeysvc.crt"
#define SVC_KEY L"ukeysvc.key"
#define MAX_PEM (64 * 1024)
#define MAX_REQUEST (8 * 1024)
/* One connection may take this long in all: a slow client cannot keep the next one out. */
#define CONN_DEADLINE_MS 5000
/* How often the accept and I/O waits look at the stop flag. */
#define POLL_MS 200

static const char RESPONSE_BODY[] = "{\"service\":\"cj-ukey-control\",\"version\":\"2.1.0\"}";

struct server {
	SSL_CTX *ctx;
	SOCKET listener;
};

static volatile LONG g_stop;
static SERVICE_STATUS_HANDLE g_status_handle;
static SERVICE_STATUS g_status;
/* Set in service mode: nothing goes to a console there (there is none to see it). */
static int g_quiet;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	if (g_quiet)
		return;
	va_start(ap, fmt);
	fputs("ukeysvc: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
	va_end(ap);
}

/* The drained OpenSSL error queue, for messages; buf always ends up a string. */
static const char *ssl_errors(char *buf, size_t size)
{
	unsigned long e;
	size_t used = 0;

	buf[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		if (used + 3 < size) {
			if (used > 0) {
				buf[used++] = ';';
				buf[used++] = ' ';
			}
			ERR_error_string_n(e, buf + used, size - used);
			used += strlen(buf + used);
		}
	}
	if (used == 0)
		snprintf(buf, size, "no OpenSSL error recorded");
	return buf;
}

static int stopping(void)
{
	return InterlockedCompareExchange(&g_stop, 0, 0) != 0;
}

/* A UTF-8 copy of a wide string for messages, or "?" when it cannot be converted. */
static void to_utf8(const wchar_t *w, char *out, int size)
{
	if (WideCharToMultiByte(CP_UTF8, 0, w, -1, out, size, NULL, NULL) == 0)
		snprintf(out, (size_t)size, "?");
}

/*
 * Reads DIR\NAME (DIR = the exe's directory) into a new buffer of at most MAX_PEM bytes.
 * The file is read with the W API, so the install path may hold any characters; OpenSSL then
 * parses the bytes from memory. Returns the buffer (free()) or NULL with msg filled.
 */
static char *read_beside_exe(const wchar_t *name, DWORD *ret_len, char *msg, size_t msgsize)
{
	wchar_t path[MAX_PATH + 32];
	char upath[3 * MAX_PATH + 96];
	wchar_t *slash;
	HANDLE h = INVALID_HANDLE_VALUE;
	LARGE_INTEGER size;
	char *buf = NULL, *ret = NULL;
	DWORD len = 0, got;
	DWORD n;

	n = GetModuleFileNameW(NULL, path, MAX_PATH);
	if (n == 0 || n >= MAX_PATH) {
		snprintf(msg, msgsize, "cannot find the program's own path (error %lu)",
			GetLastError());
		goto out;
	}
	slash = wcsrchr(path, L'\\');
	if (slash == NULL) {
		snprintf(msg, msgsize, "the program's path has no directory");
		goto out;
	}
	wcscpy(slash + 1, name);
	to_utf8(path, upath, (int)sizeof(upath));
	h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		snprintf(msg, msgsize, "cannot open '%s' (error %lu)", upath, GetLastError());
		goto out;
	}
	if (!GetFileSizeEx(h, &size)) {
		snprintf(msg, msgsize, "cannot read the size of '%s' (error %lu)", upath,
			GetLastError());
		goto out;
	}
	if (size.QuadPart <= 0 || size.QuadPart > MAX_PEM) {
		snprintf(msg, msgsize, "'%s' is empty or larger than %d bytes", upath, MAX_PEM);
		goto out;
	}
	buf = malloc((size_t)size.QuadPart);
	if (buf == NULL) {
		snprintf(msg, msgsize, "out of memory reading '%s'", upath);
		goto out;
	}
	while (len < (DWORD)size.QuadPart) {
		if (!ReadFile(h, buf + len, (DWORD)size.QuadPart - len, &got, NULL)) {
			snprintf(msg, msgsize, "cannot read '%s' (error %lu)", upath,
				GetLastError());
			goto out;
		}
		if (got == 0) {
			snprintf(msg, msgsize, "'%s' became shorter while being read", upath);
			goto out;
		}
		len += got;
	}
	*ret_len = len;
	ret = buf;
	buf = NULL;
out:
	free(buf);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	return ret;
}

/* The leaf certificate, its chain (the rest of ukeysvc.crt) and the key (ukeysvc.key). */
static int load_credentials(SSL_CTX *ctx, char *msg, size_t msgsize)
{
	char errs[512];
	char *crt = NULL, *key = NULL;
	DWORD crt_len = 0, key_len = 0;
	BIO *bio = NULL;
	X509 *x = NULL;
	EVP_PKEY *pkey = NULL;
	int rc = -1, nchain = 0;

	crt = read_beside_exe(SVC_CERT, &crt_len, msg, msgsize);
	if (crt == NULL)
		goto out;
	key = read_beside_exe(SVC_KEY, &key_len, msg, msgsize);
	if (key == NULL)
		goto out;

	bio = BIO_new_mem_buf(crt, (int)crt_len);
	if (bio == NULL || (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		snprintf(msg, msgsize, "no certificate in '%ls': %s", SVC_CERT,
			ssl_errors(errs, sizeof(errs)));
		goto out;
	}
	if (SSL_CTX_use_certificate(ctx, x) != 1) {
		snprintf(msg, msgsize, "cannot use the certificate of '%ls': %s", SVC_CERT,
			ssl_errors(errs, sizeof(errs)));
		goto out;
	}
	X509_free(x);
	/* The rest of the file is the chain, in order; the end of the file ends it. */
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (SSL_CTX_add0_chain_cert(ctx, x) != 1) {
			snprintf(msg, msgsize, "cannot add chain certificate %d of '%ls': %s",
				nchain + 1, SVC_CERT, ssl_errors(errs, sizeof(errs)));
			goto out;
		}
		x = NULL; /* the context owns it now */
		nchain++;
	}
	if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
		snprintf(msg, msgsize, "damaged certificate after %d in '%ls': %s", nchain + 1,
			SVC_CERT, ssl_errors(errs, sizeof(errs)));
		goto out;
	}
	ERR_clear_error();
	BIO_free(bio);

	bio = BIO_new_mem_buf(key, (int)key_len);
	if (bio == NULL || (pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
		snprintf(msg, msgsize, "no private key in '%ls': %s", SVC_KEY,
			ssl_errors(errs, sizeof(errs)));
		goto out;
	}
	if (SSL_CTX_use_PrivateKey(ctx, pkey) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(msg, msgsize, "'%ls' does not match the certificate: %s", SVC_KEY,
			ssl_errors(errs, sizeof(errs)));
		goto out;
	}
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	if (key != NULL)
		SecureZeroMemory(key, key_len);
	free(key);
	free(crt);
	return rc;
}

static void server_close(struct server *s)
{
	if (s->listener != INVALID_SOCKET)
		closesocket(s->listener);
	s->listener = INVALID_SOCKET;
	SSL_CTX_free(s->ctx);
	s->ctx = NULL;
}

/* The TLS context and a listening socket on 127.0.0.1:port; s is closed again on failure. */
static int server_open(struct server *s, unsigned port, char *msg, size_t msgsize)
{
	char errs[512];
	struct sockaddr_in addr;
	u_long nonblocking = 1;
	int rc = -1;

	s->ctx = NULL;
	s->listener = INVALID_SOCKET;
	s->ctx = SSL_CTX_new(TLS_server_method());
	if (s->ctx == NULL) {
		snprintf(msg, msgsize, "cannot create the TLS context: %s",
			ssl_errors(errs, sizeof(errs)));
		goto out;
	}
	if (SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION) != 1) {
		snprintf(msg, msgsize, "cannot require TLS 1.2: %s",
			ssl_errors(errs, sizeof(errs)));
		goto out;
	}
	if (load_credentials(s->ctx, msg, msgsize) != 0)
		goto out;

	s->listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	if (s->listener == INVALID_SOCKET) {
		snprintf(msg, msgsize, "cannot create a socket (error %d)", WSAGetLastError());
		goto out;
	}
	/* Exclusive: another program cannot bind the same port and take our connections. */
	{
		BOOL on = TRUE;

		if (setsockopt(s->listener, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&on,
			    sizeof(on)) != 0) {
			snprintf(msg, msgsize, "cannot make the socket exclusive (error %d)",
				WSAGetLastError());
			goto out;
		}
	}
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((u_short)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s->listener, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		snprintf(msg, msgsize, "cannot listen on 127.0.0.1:%u (error %d)", port,
			WSAGetLastError());
		goto out;
	}
	if (listen(s->listener, SOMAXCONN) != 0 ||
		ioctlsocket(s->listener, FIONBIO, &nonblocking) != 0) {
		snprintf(msg, msgsize, "cannot listen on 127.0.0.1:%u (error %d)", port,
			WSAGetLastError());
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		server_close(s);
	return rc;
}

/*
 * Waits until sock is readable (or writable) in slices of POLL_MS. Returns 0 when ready, -1
 * when the deadline passed, a stop was requested or select failed.
 */
static int wait_io(SOCKET sock, int for_write, ULONGLONG deadline)
{
	fd_set set;
	struct timeval tv = {0, POLL_MS * 1000};
	int n;

	for (;;) {
		if (stopping() || GetTickCount64() >= deadline)
			return -1;
		FD_ZERO(&set);
		FD_SET(sock, &set);
		n = select(0, for_write ? NULL : &set, for_write ? &set : NULL, NULL, &tv);
		if (n > 0)
			return 0;
		if (n == SOCKET_ERROR)
			return -1;
	}
}

/* Runs one step of OpenSSL I/O (ret = its result) and waits when it wants to; -1 to give up. */
static int ssl_retry(SSL *ssl, SOCKET sock, int ret, ULONGLONG deadline)
{
	switch (SSL_get_error(ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return wait_io(sock, 0, deadline);
	case SSL_ERROR_WANT_WRITE:
		return wait_io(sock, 1, deadline);
	default:
		return -1;
	}
}

/* One connection: handshake, read the request head, answer, close. */
static void serve_one(struct server *s, SOCKET sock)
{
	char head[MAX_REQUEST + 1];
	char response[512];
	char errs[512];
	ULONGLONG deadline = GetTickCount64() + CONN_DEADLINE_MS;
	u_long nonblocking = 1;
	SSL *ssl = NULL;
	size_t used = 0, rlen, sent = 0;
	int n, rlen_i;

	if (ioctlsocket(sock, FIONBIO, &nonblocking) != 0) {
		say("cannot make a connection non-blocking (error %d)", WSAGetLastError());
		goto out;
	}
	ssl = SSL_new(s->ctx);
	if (ssl == NULL || SSL_set_fd(ssl, (int)sock) != 1) {
		say("cannot start TLS on a connection: %s", ssl_errors(errs, sizeof(errs)));
		goto out;
	}
	while ((n = SSL_accept(ssl)) != 1) {
		if (ssl_retry(ssl, sock, n, deadline) != 0) {
			say("TLS handshake failed: %s", ssl_errors(errs, sizeof(errs)));
			goto out;
		}
	}
	/* The request line and headers; the body, if any, is not needed for the answer. */
	for (;;) {
		head[used] = '\0';
		if (strstr(head, "\r\n\r\n") != NULL || strstr(head, "\n\n") != NULL)
			break;
		if (used == MAX_REQUEST) {
			say("request head longer than %d bytes", MAX_REQUEST);
			goto out;
		}
		n = SSL_read(ssl, head + used, (int)(MAX_REQUEST - used));
		if (n > 0) {
			used += (size_t)n;
			continue;
		}
		if (ssl_retry(ssl, sock, n, deadline) != 0) {
			/* The client went away or was too slow: nothing to answer. */
			ERR_clear_error();
			goto out;
		}
	}
	if (strncmp(head, "GET ", 4) == 0) {
		rlen_i = snprintf(response, sizeof(response),
			"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			"Content-Length: %u\r\nConnection: close\r\n\r\n%s",
			(unsigned)strlen(RESPONSE_BODY), RESPONSE_BODY);
	} else {
		rlen_i = snprintf(response, sizeof(response),
			"HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\n"
			"Content-Length: 0\r\nConnection: close\r\n\r\n");
	}
	if (rlen_i < 0 || (size_t)rlen_i >= sizeof(response)) {
		say("response does not fit its buffer");
		goto out;
	}
	rlen = (size_t)rlen_i;
	while (sent < rlen) {
		n = SSL_write(ssl, response + sent, (int)(rlen - sent));
		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (ssl_retry(ssl, sock, n, deadline) != 0) {
			say("cannot send the answer: %s", ssl_errors(errs, sizeof(errs)));
			goto out;
		}
	}
	/* One close_notify, without waiting for the client's: the connection ends here anyway. */
	(void)SSL_shutdown(ssl);
out:
	ERR_clear_error();
	SSL_free(ssl);
	closesocket(sock);
}

/* Accepts and serves connections until a stop is requested. */
static void server_run(struct server *s)
{
	fd_set set;
	struct timeval tv = {0, POLL_MS * 1000};
	SOCKET sock;
	int n;

	while (!stopping()) {
		FD_ZERO(&set);
		FD_SET(s->listener, &set);
		n = select(0, &set, NULL, NULL, &tv);
		if (n == SOCKET_ERROR) {
			say("waiting for connections failed (error %d)", WSAGetLastError());
			Sleep(POLL_MS);
			continue;
		}
		if (n == 0)
			continue;
		sock = accept(s->listener, NULL, NULL);
		if (sock == INVALID_SOCKET) {
			/* WSAEWOULDBLOCK: the client gave up between select and accept. */
			if (WSAGetLastError() != WSAEWOULDBLOCK)
				say("accept failed (error %d)", WSAGetLastError());
			continue;
		}
		serve_one(s, sock);
	}
}

static void report_status(DWORD state, DWORD exit_code, DWORD wait_hint)
{
	g_status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	g_status.dwCurrentState = state;
	g_status.dwControlsAccepted =
		state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
	if (exit_code != 0) {
		g_status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
		g_status.dwServiceSpecificExitCode = exit_code;
	} else {
		g_status.dwWin32ExitCode = NO_ERROR;
		g_status.dwServiceSpecificExitCode = 0;
	}
	g_status.dwWaitHint = wait_hint;
	g_status.dwCheckPoint = state == SERVICE_RUNNING || state == SERVICE_STOPPED
		? 0
		: g_status.dwCheckPoint + 1;
	/* Nothing to do if the SCM cannot be told: it notices the process end instead. */
	(void)SetServiceStatus(g_status_handle, &g_status);
}

static DWORD WINAPI service_control(DWORD control, DWORD type, void *data, void *context)
{
	(void)type;
	(void)data;
	(void)context;
	switch (control) {
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
		/* The server loop sees the flag within POLL_MS and closes the listener. */
		InterlockedExchange(&g_stop, 1);
		report_status(SERVICE_STOP_PENDING, 0, 2 * POLL_MS + CONN_DEADLINE_MS);
		return NO_ERROR;
	case SERVICE_CONTROL_INTERROGATE:
		return NO_ERROR;
	default:
		return ERROR_CALL_NOT_IMPLEMENTED;
	}
}

static void WINAPI service_main(DWORD argc, wchar_t **argv)
{
	struct server s;
	char msg[1024];

	(void)argc;
	(void)argv;
	g_status_handle = RegisterServiceCtrlHandlerExW(SVC_NAME, service_control, NULL);
	if (g_status_handle == NULL)
		return;
	report_status(SERVICE_START_PENDING, 0, 3000);
	if (server_open(&s, SVC_PORT, msg, sizeof(msg)) != 0) {
		/* The exit code says it failed; the SCM records it in the event log. */
		report_status(SERVICE_STOPPED, 1, 0);
		return;
	}
	report_status(SERVICE_RUNNING, 0, 0);
	server_run(&s);
	server_close(&s);
	report_status(SERVICE_STOPPED, 0, 0);
}

static BOOL WINAPI console_control(DWORD type)
{
	(void)type;
	InterlockedExchange(&g_stop, 1);
	return TRUE;
}

static int run_console(unsigned port)
{
	struct server s;
	char msg[1024];

	if (!SetConsoleCtrlHandler(console_control, TRUE))
		say("cannot catch Ctrl+C (error %lu); stop it by ending the process",
			GetLastError());
	if (server_open(&s, port, msg, sizeof(msg)) != 0) {
		say("%s", msg);
		return 1;
	}
	say("serving https://127.0.0.1:%u/ (stand-in of the CJ UKEY service, Ctrl+C stops)", port);
	server_run(&s);
	server_close(&s);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: ukeysvc.exe                       (as the service %ls)\n"
		"       ukeysvc.exe --console [--port N]  (in the foreground, default "
		"port %d)\n",
		SVC_NAME, SVC_PORT);
	return 2;
}

int wmain(int argc, wchar_t **argv)
{
	SERVICE_TABLE_ENTRYW table[] = {{(wchar_t *)SVC_NAME, service_main}, {NULL, NULL}};
	WSADATA wsa;
	unsigned long port = SVC_PORT;
	wchar_t *end;
	int console = 0, i, rc;

	for (i = 1; i < argc; i++) {
		if (wcscmp(argv[i], L"--console") == 0) {
			console = 1;
		} else if (wcscmp(argv[i], L"--port") == 0 && i + 1 < argc) {
			port = wcstoul(argv[++i], &end, 10);
			if (*end != L'\0' || port == 0 || port > 65535) {
				fprintf(stderr, "ukeysvc: bad port '%ls'\n", argv[i]);
				return 2;
			}
		} else {
			return usage();
		}
	}
	if (!console && port != SVC_PORT)
		return usage();
	rc = WSAStartup(MAKEWORD(2, 2), &wsa);
	if (rc != 0) {
		fprintf(stderr, "ukeysvc: cannot start Winsock (error %d)\n", rc);
		return 1;
	}
	if (OPENSSL_init_ssl(0, NULL) != 1) {
		fprintf(stderr, "ukeysvc: cannot initialise OpenSSL\n");
		rc = 1;
		goto out;
	}
	if (console) {
		rc = run_console((unsigned)port);
		goto out;
	}
	g_quiet = 1;
	if (!StartServiceCtrlDispatcherW(table)) {
		DWORD e = GetLastError();

		g_quiet = 0;
		if (e == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
			say("not started as a service: use --console to run in the foreground");
		else
			say("cannot connect to the service control manager (error %lu)", e);
		rc = 1;
		goto out;
	}
	rc = 0;
out:
	WSACleanup();
	return rc;
}
