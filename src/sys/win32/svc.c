/* SPDX-License-Identifier: MIT */
/* Windows services through the Service Control Manager; see svc.h. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "../svc.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

static SC_HANDLE open_scm(DWORD access, struct zh_err *err)
{
	SC_HANDLE m = OpenSCManagerW(NULL, NULL, access);

	if (m == NULL)
		(void)win_err(err, GetLastError(), "cannot open the service manager", NULL);
	return m;
}

/* Open service name on m; NULL with *rc ZH_ENOENT when there is none. */
static SC_HANDLE open_svc(SC_HANDLE m, const char *name, DWORD access, int *rc, struct zh_err *err)
{
	wchar_t *w = w_from_utf8(name, err);
	SC_HANDLE s;
	DWORD e;

	*rc = 0;
	if (w == NULL) {
		*rc = err != NULL && err->code != 0 ? err->code : ZH_EINVAL;
		return NULL;
	}
	s = OpenServiceW(m, w, access);
	e = GetLastError();
	free(w);
	if (s == NULL)
		*rc = e == ERROR_SERVICE_DOES_NOT_EXIST
			? ZH_ENOENT
			: win_err(err, e, "cannot open service", name);
	return s;
}

static int fail_code(struct zh_err *err)
{
	return err != NULL && err->code != 0 ? err->code : ZH_EIO;
}

int sys_svc_query(const char *name, int *ret_exists, int *ret_running, struct sys_svc_config *cfg,
	struct zh_err *err)
{
	SERVICE_STATUS st;
	QUERY_SERVICE_CONFIGW *q = NULL;
	SC_HANDLE m, s;
	DWORD need = 0;
	int rc = ZH_FAULT_CHECK("sys_svc_query", err);

	*ret_exists = *ret_running = 0;
	if (cfg != NULL)
		memset(cfg, 0, sizeof(*cfg));
	if (rc != 0)
		return rc;
	if ((m = open_scm(SC_MANAGER_CONNECT, err)) == NULL)
		return fail_code(err);
	s = open_svc(m, name, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG, &rc, err);
	if (s == NULL) {
		CloseServiceHandle(m);
		return rc == ZH_ENOENT ? 0 : rc;
	}
	*ret_exists = 1;
	if (!QueryServiceStatus(s, &st))
		rc = win_err(err, GetLastError(), "cannot query service", name);
	else
		*ret_running = st.dwCurrentState != SERVICE_STOPPED;
	if (rc == 0 && cfg != NULL) {
		(void)QueryServiceConfigW(s, NULL, 0, &need);
		if ((q = malloc(need + sizeof(*q))) == NULL)
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		else if (!QueryServiceConfigW(s, q, need + (DWORD)sizeof(*q), &need))
			rc = win_err(err, GetLastError(),
				"cannot read the configuration of service", name);
		if (rc == 0) {
			cfg->display =
				utf8_from_w(q->lpDisplayName != NULL ? q->lpDisplayName : L"",
					(size_t)-1);
			cfg->command =
				utf8_from_w(q->lpBinaryPathName != NULL ? q->lpBinaryPathName : L"",
					(size_t)-1);
			cfg->autostart = q->dwStartType == SERVICE_AUTO_START;
			if (cfg->display == NULL || cfg->command == NULL) {
				sys_svc_config_release(cfg);
				rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			}
		}
		free(q);
	}
	CloseServiceHandle(s);
	CloseServiceHandle(m);
	return rc;
}

void sys_svc_config_release(struct sys_svc_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->display);
	free(cfg->command);
	cfg->display = cfg->command = NULL;
}

int sys_svc_create(const char *name, const struct sys_svc_config *cfg, struct zh_err *err)
{
	wchar_t *wn = NULL, *wd = NULL, *wc = NULL;
	SC_HANDLE m, s = NULL;
	int rc = ZH_FAULT_CHANGE("sys_svc_create", err);
	DWORD e;

	if (rc != 0)
		return rc;
	if ((m = open_scm(SC_MANAGER_CREATE_SERVICE, err)) == NULL)
		return fail_code(err);
	if ((wn = w_from_utf8(name, err)) == NULL ||
		(wd = w_from_utf8(cfg->display, err)) == NULL ||
		(wc = w_from_utf8(cfg->command, err)) == NULL) {
		rc = fail_code(err);
		goto out;
	}
	s = CreateServiceW(m, wn, wd, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
		cfg->autostart ? SERVICE_AUTO_START : SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL,
		wc, NULL, NULL, NULL, NULL, NULL);
	if (s == NULL) {
		e = GetLastError();
		rc = e == ERROR_SERVICE_EXISTS || e == ERROR_DUPLICATE_SERVICE_NAME
			? zh_err_set(err, ZH_EEXIST, "service '%s' already exists", name)
			: win_err(err, e, "cannot create service", name);
	}
out:
	if (s != NULL)
		CloseServiceHandle(s);
	CloseServiceHandle(m);
	free(wn);
	free(wd);
	free(wc);
	return rc;
}

int sys_svc_delete(const char *name, struct zh_err *err)
{
	SC_HANDLE m, s;
	int rc = ZH_FAULT_CHANGE("sys_svc_delete", err);

	if (rc != 0)
		return rc;
	if ((m = open_scm(SC_MANAGER_CONNECT, err)) == NULL)
		return fail_code(err);
	if ((s = open_svc(m, name, DELETE, &rc, err)) != NULL) {
		if (!DeleteService(s) && GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE)
			rc = win_err(err, GetLastError(), "cannot delete service", name);
		CloseServiceHandle(s);
	}
	CloseServiceHandle(m);
	return rc;
}

/* Wait until the service is in state want (or stopped, when starting fails). */
static int wait_state(SC_HANDLE s, const char *name, DWORD want, long timeout_ms,
	struct zh_err *err)
{
	ULONGLONG end = GetTickCount64() + (ULONGLONG)(timeout_ms > 0 ? timeout_ms : 0);
	SERVICE_STATUS st;

	for (;;) {
		if (!QueryServiceStatus(s, &st))
			return win_err(err, GetLastError(), "cannot query service", name);
		if (st.dwCurrentState == want)
			return 0;
		if (want == SERVICE_RUNNING && st.dwCurrentState == SERVICE_STOPPED)
			return zh_err_set(err, ZH_EIO,
				"service '%s' stopped while starting (exit code %lu)", name,
				(unsigned long)(st.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR
						? st.dwServiceSpecificExitCode
						: st.dwWin32ExitCode));
		if (GetTickCount64() >= end)
			return zh_err_set(err, ZH_ETIMEOUT, "service '%s' did not %s within %ld s",
				name, want == SERVICE_RUNNING ? "start" : "stop",
				timeout_ms / 1000);
		Sleep(50);
	}
}

int sys_svc_start(const char *name, long timeout_ms, struct zh_err *err)
{
	SC_HANDLE m, s;
	int rc = ZH_FAULT_CHANGE("sys_svc_start", err);
	DWORD e;

	if (rc != 0)
		return rc;
	if ((m = open_scm(SC_MANAGER_CONNECT, err)) == NULL)
		return fail_code(err);
	if ((s = open_svc(m, name, SERVICE_START | SERVICE_QUERY_STATUS, &rc, err)) != NULL) {
		if (!StartServiceW(s, 0, NULL) &&
			(e = GetLastError()) != ERROR_SERVICE_ALREADY_RUNNING)
			rc = win_err(err, e, "cannot start service", name);
		if (rc == 0)
			rc = wait_state(s, name, SERVICE_RUNNING, timeout_ms, err);
		CloseServiceHandle(s);
	} else if (rc == ZH_ENOENT) {
		rc = zh_err_set(err, ZH_ENOENT, "there is no service '%s'", name);
	}
	CloseServiceHandle(m);
	return rc;
}

int sys_svc_stop(const char *name, long timeout_ms, struct zh_err *err)
{
	SERVICE_STATUS st;
	SC_HANDLE m, s;
	int rc = ZH_FAULT_CHANGE("sys_svc_stop", err);
	DWORD e;

	if (rc != 0)
		return rc;
	if ((m = open_scm(SC_MANAGER_CONNECT, err)) == NULL)
		return fail_code(err);
	if ((s = open_svc(m, name, SERVICE_STOP | SERVICE_QUERY_STATUS, &rc, err)) != NULL) {
		if (!ControlService(s, SERVICE_CONTROL_STOP, &st) &&
			(e = GetLastError()) != ERROR_SERVICE_NOT_ACTIVE)
			rc = win_err(err, e, "cannot stop service", name);
		if (rc == 0)
			rc = wait_state(s, name, SERVICE_STOPPED, timeout_ms, err);
		CloseServiceHandle(s);
	} else if (rc == ZH_ENOENT) {
		rc = 0;
	}
	CloseServiceHandle(m);
	return rc;
}
