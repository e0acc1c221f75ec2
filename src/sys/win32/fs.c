/* SPDX-License-Identifier: MIT */
/*
 * Files through the W API. Paths longer than MAX_PATH get the \\?\ prefix (which also needs
 * backslashes and an absolute path), as curl's fix_excessive_path does; the tree walk of
 * sys_fs_remove_tree always uses the prefixed form because children can be longer than the
 * root. Renames retry on sharing violations like git's mingw_rename and SQLite's
 * winRetryIoerr: virus scanners and indexers open fresh files for a moment.
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "../fs.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

struct sys_file {
	HANDLE h;
	char *path; /* for messages */
	int scratch; /* writes change only zhushou's scratch area: not change points */
};

struct sys_dir {
	HANDLE find;
	WIN32_FIND_DATAW fd;
	int have; /* fd holds an entry not yet returned */
	char *path;
	char *name; /* the last name returned */
};

static long busy_waits;

static wchar_t *wdup_cat(const wchar_t *a, const wchar_t *b, const wchar_t *c)
{
	size_t na = wcslen(a), nb = wcslen(b), nc = wcslen(c);
	wchar_t *w = malloc((na + nb + nc + 1) * sizeof(wchar_t));

	if (w == NULL)
		return NULL;
	memcpy(w, a, na * sizeof(wchar_t));
	memcpy(w + na, b, nb * sizeof(wchar_t));
	memcpy(w + na + nb, c, (nc + 1) * sizeof(wchar_t));
	return w;
}

/* The absolute \\?\ form of the wide path w (backslashes already); NULL on failure. */
static wchar_t *wlong(const wchar_t *w)
{
	wchar_t *abs, *full;
	DWORD n, m;

	if (wcsncmp(w, L"\\\\?\\", 4) == 0)
		return wdup_cat(w, L"", L"");
	n = GetFullPathNameW(w, 0, NULL, NULL);
	if (n == 0)
		return NULL;
	abs = malloc((size_t)n * sizeof(wchar_t));
	if (abs == NULL)
		return NULL;
	m = GetFullPathNameW(w, n, abs, NULL);
	if (m == 0 || m >= n)
		full = NULL;
	else if (wcsncmp(abs, L"\\\\", 2) == 0)
		full = wdup_cat(L"\\\\?\\UNC", abs + 1, L""); /* \\server\share */
	else
		full = wdup_cat(L"\\\\?\\", abs, L"");
	free(abs);
	return full;
}

/* A wide path with '/' turned into '\'; \\?\ added when long (or always, with force_long). */
static wchar_t *wpath2(const char *path, int force_long, struct zh_err *err)
{
	wchar_t *w = w_from_utf8(path, err), *full, *p;

	if (w == NULL)
		return NULL;
	for (p = w; *p != L'\0'; p++)
		if (*p == L'/')
			*p = L'\\';
	/* CreateDirectoryW's limit is MAX_PATH - 12 (room for an 8.3 name). */
	if (!force_long && wcslen(w) < MAX_PATH - 12)
		return w;
	full = wlong(w);
	free(w);
	if (full == NULL)
		zh_err_set(err, ZH_EINVAL, "cannot resolve path '%s'", path);
	return full;
}

static wchar_t *wpath(const char *path, struct zh_err *err)
{
	return wpath2(path, 0, err);
}

static int no_wpath(struct zh_err *err)
{
	return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
}

int sys_fs_stat(const char *path, enum sys_fs_kind *ret_kind, int64_t *ret_size, struct zh_err *err)
{
	WIN32_FILE_ATTRIBUTE_DATA fa;
	wchar_t *w;
	DWORD e;
	int rc = ZH_FAULT_CHECK("sys_fs_stat", err);

	if (rc != 0)
		return rc;
	w = wpath(path, err);
	if (w == NULL)
		return no_wpath(err);
	if (!GetFileAttributesExW(w, GetFileExInfoStandard, &fa)) {
		e = GetLastError();
		free(w);
		if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ||
			e == ERROR_INVALID_NAME || e == ERROR_BAD_NETPATH) {
			*ret_kind = SYS_FS_NONE;
			if (ret_size != NULL)
				*ret_size = 0;
			return 0;
		}
		return win_err(err, e, "cannot examine", path);
	}
	free(w);
	if (fa.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
		*ret_kind = SYS_FS_OTHER;
	else if (fa.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
		*ret_kind = SYS_FS_DIR;
	else
		*ret_kind = SYS_FS_FILE;
	if (ret_size != NULL)
		*ret_size = *ret_kind == SYS_FS_FILE
			? (int64_t)(((uint64_t)fa.nFileSizeHigh << 32) | fa.nFileSizeLow)
			: 0;
	return 0;
}

int sys_fs_read_head(const char *path, size_t max, void **ret_data, size_t *ret_len,
	struct zh_err *err)
{
	HANDLE h = INVALID_HANDLE_VALUE;
	wchar_t *w = NULL;
	char *data = NULL;
	size_t len = 0;
	DWORD got;
	int rc = ZH_FAULT_CHECK("sys_fs_read_head", err);

	if (rc != 0)
		return rc;
	w = wpath(path, err);
	if (w == NULL)
		return no_wpath(err);
	h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		rc = win_err(err, GetLastError(), "cannot open", path);
		goto out;
	}
	data = malloc(max + 1);
	if (data == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", path);
		goto out;
	}
	while (len < max) {
		DWORD want = max - len > 1 << 20 ? 1 << 20 : (DWORD)(max - len);

		if (!ReadFile(h, data + len, want, &got, NULL)) {
			rc = win_err(err, GetLastError(), "cannot read", path);
			goto out;
		}
		if (got == 0)
			break;
		len += got;
	}
	data[len] = '\0';
	*ret_data = data;
	*ret_len = len;
	data = NULL;
out:
	free(data);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	free(w);
	return rc;
}

static int file_open(const char *path, DWORD access, DWORD share, DWORD disposition,
	struct sys_file **ret_file, struct zh_err *err)
{
	struct sys_file *f = NULL;
	wchar_t *w = wpath(path, err);
	HANDLE h;
	int rc = 0;

	if (w == NULL)
		return no_wpath(err);
	h = CreateFileW(w, access, share, NULL, disposition,
		FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		rc = win_err(err, GetLastError(),
			disposition == CREATE_NEW ? "cannot create" : "cannot open", path);
		goto out;
	}
	f = malloc(sizeof(*f));
	if (f != NULL)
		f->path = _strdup(path);
	if (f == NULL || f->path == NULL) {
		free(f);
		f = NULL;
		CloseHandle(h);
		rc = zh_err_set(err, ZH_ENOMEM, "cannot open '%s'", path);
		goto out;
	}
	f->h = h;
	*ret_file = f;
out:
	free(w);
	return rc;
}

int sys_file_open_read(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_file_open_read", err);

	if (rc != 0)
		return rc;
	return file_open(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		OPEN_EXISTING, ret_file, err);
}

/* CREATE_NEW fails on anything already there, including a link: nothing is overwritten. */
static int create_new(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	return file_open(path, GENERIC_WRITE, FILE_SHARE_READ, CREATE_NEW, ret_file, err);
}

/*
 * A scratch file may be moved through its handle later (sys_file_rename): DELETE access, and
 * shared for deletion so that it can be moved by name too while open (the fallback).
 */
static int create_scratch(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	return file_open(path, GENERIC_WRITE | DELETE, FILE_SHARE_READ | FILE_SHARE_DELETE,
		CREATE_NEW, ret_file, err);
}

int sys_file_create(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	int rc = ZH_FAULT_CHANGE("sys_file_create", err);

	return rc != 0 ? rc : create_new(path, ret_file, err);
}

int sys_file_create_scratch(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_file_create_scratch", err);

	if (rc != 0)
		return rc;
	rc = create_scratch(path, ret_file, err);
	if (rc == 0)
		(*ret_file)->scratch = 1;
	return rc;
}

int sys_file_open_scratch(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_file_open_scratch", err);

	if (rc != 0)
		return rc;
	rc = file_open(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, OPEN_EXISTING, ret_file,
		err);
	if (rc == 0)
		(*ret_file)->scratch = 1;
	return rc;
}

int sys_file_read(struct sys_file *f, void *buf, size_t n, size_t *ret_got, struct zh_err *err)
{
	DWORD got = 0, want = n > 0x40000000 ? 0x40000000 : (DWORD)n;
	int rc = ZH_FAULT_CHECK("sys_file_read", err);

	if (rc != 0)
		return rc;
	if (!ReadFile(f->h, buf, want, &got, NULL))
		return win_err(err, GetLastError(), "cannot read", f->path);
	*ret_got = got;
	return 0;
}

int sys_file_write(struct sys_file *f, const void *buf, size_t n, struct zh_err *err)
{
	const char *p = buf;
	int rc = f->scratch ? ZH_FAULT_CHECK("sys_file_write", err)
			    : ZH_FAULT_CHANGE("sys_file_write", err);

	if (rc != 0)
		return rc;
	while (n > 0) {
		DWORD put = 0, want = n > 0x40000000 ? 0x40000000 : (DWORD)n;

		if (!WriteFile(f->h, p, want, &put, NULL))
			return win_err(err, GetLastError(), "cannot write", f->path);
		if (put == 0)
			return zh_err_set(err, ZH_EIO, "cannot write '%s': no progress", f->path);
		p += put;
		n -= put;
	}
	return 0;
}

int sys_file_flush(struct sys_file *f, struct zh_err *err)
{
	int rc = f->scratch ? ZH_FAULT_CHECK("sys_file_flush", err)
			    : ZH_FAULT_CHANGE("sys_file_flush", err);

	if (rc != 0)
		return rc;
	if (!FlushFileBuffers(f->h))
		return win_err(err, GetLastError(), "cannot flush", f->path);
	return 0;
}

int sys_file_seek(struct sys_file *f, int64_t offset, struct zh_err *err)
{
	LARGE_INTEGER at;
	int rc = ZH_FAULT_CHECK("sys_file_seek", err);

	if (rc != 0)
		return rc;
	if (offset < 0)
		return zh_err_set(err, ZH_EINVAL, "cannot seek '%s' to %lld", f->path,
			(long long)offset);
	at.QuadPart = offset;
	if (!SetFilePointerEx(f->h, at, NULL, FILE_BEGIN))
		return win_err(err, GetLastError(), "cannot seek", f->path);
	return 0;
}

int sys_file_tell(struct sys_file *f, int64_t *ret_offset, struct zh_err *err)
{
	LARGE_INTEGER zero, at;
	int rc = ZH_FAULT_CHECK("sys_file_tell", err);

	if (rc != 0)
		return rc;
	zero.QuadPart = 0;
	if (!SetFilePointerEx(f->h, zero, &at, FILE_CURRENT))
		return win_err(err, GetLastError(), "cannot tell the position in", f->path);
	*ret_offset = at.QuadPart;
	return 0;
}

int sys_file_size(struct sys_file *f, int64_t *ret_size, struct zh_err *err)
{
	LARGE_INTEGER size;
	int rc = ZH_FAULT_CHECK("sys_file_size", err);

	if (rc != 0)
		return rc;
	if (!GetFileSizeEx(f->h, &size))
		return win_err(err, GetLastError(), "cannot examine", f->path);
	*ret_size = size.QuadPart;
	return 0;
}

int sys_file_close(struct sys_file *f, struct zh_err *err)
{
	int rc = 0;

	if (f == NULL)
		return 0;
	/* No fault point: a close that can be made to fail would leak the handle. */
	if (!CloseHandle(f->h))
		rc = win_err(err, GetLastError(), "cannot close", f->path);
	free(f->path);
	free(f);
	return rc;
}

int sys_fs_mkdir(const char *path, struct zh_err *err)
{
	wchar_t *w;
	int rc = ZH_FAULT_CHANGE("sys_fs_mkdir", err);

	if (rc != 0)
		return rc;
	w = wpath(path, err);
	if (w == NULL)
		return no_wpath(err);
	if (!CreateDirectoryW(w, NULL))
		rc = win_err(err, GetLastError(), "cannot create directory", path);
	free(w);
	return rc;
}

int sys_fs_mkdirs(const char *path, struct zh_err *err)
{
	wchar_t *w = NULL, *p;
	DWORD e, attr;
	int rc = ZH_FAULT_CHANGE("sys_fs_mkdirs", err);

	if (rc != 0)
		return rc;
	if (path[0] == '\0')
		return zh_err_set(err, ZH_EINVAL, "cannot create a directory with an empty name");
	w = wpath2(path, 1, err);
	if (w == NULL)
		return no_wpath(err);
	/*
	 * Create each prefix after the root ("\\?\C:\", "\\?\UNC\server\share\"). Errors on the
	 * way are ignored: the prefix may exist; the last one decides. The root itself is never
	 * asked for: "\\?\C:" names the volume, whose open goes to the volume's driver (under Wine
	 * a round trip through the device host, once for every folder made).
	 */
	p = w + 4;
	if (wcsncmp(p, L"UNC\\", 4) == 0) {
		p += 4;
		p = wcschr(p, L'\\'); /* end of server */
		p = p == NULL ? NULL : wcschr(p + 1, L'\\'); /* end of share */
	} else {
		p = wcschr(p, L'\\'); /* end of "C:" */
	}
	for (p = p == NULL ? NULL : wcschr(p + 1, L'\\'); p != NULL && p[0] != L'\0';
		p = wcschr(p + 1, L'\\')) {
		if (p[1] == L'\0')
			break;
		*p = L'\0';
		(void)CreateDirectoryW(w, NULL);
		*p = L'\\';
	}
	if (CreateDirectoryW(w, NULL))
		goto out;
	e = GetLastError();
	attr = GetFileAttributesW(w);
	if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY) &&
		!(attr & FILE_ATTRIBUTE_REPARSE_POINT))
		goto out;
	if (attr != INVALID_FILE_ATTRIBUTES)
		rc = zh_err_set(err, ZH_EEXIST, "cannot create directory '%s': not a directory",
			path);
	else
		rc = win_err(err, e, "cannot create directory", path);
out:
	free(w);
	return rc;
}

int sys_fs_rmdir(const char *path, struct zh_err *err)
{
	wchar_t *w;
	int rc = ZH_FAULT_CHANGE("sys_fs_rmdir", err);

	if (rc != 0)
		return rc;
	w = wpath(path, err);
	if (w == NULL)
		return no_wpath(err);
	if (!RemoveDirectoryW(w))
		rc = win_err(err, GetLastError(), "cannot remove directory", path);
	free(w);
	return rc;
}

/*
 * Remove one non-directory (or a directory link) at the wide path w. DeleteFileW refuses a
 * read-only file with ERROR_ACCESS_DENIED: clear the attribute and try once more.
 */
static DWORD delete_one(const wchar_t *w, DWORD attr)
{
	if (attr == INVALID_FILE_ATTRIBUTES)
		attr = GetFileAttributesW(w);
	if (attr == INVALID_FILE_ATTRIBUTES)
		return GetLastError();
	if ((attr & FILE_ATTRIBUTE_DIRECTORY) && (attr & FILE_ATTRIBUTE_REPARSE_POINT))
		return RemoveDirectoryW(w) ? 0 : GetLastError();
	if (DeleteFileW(w))
		return 0;
	if (GetLastError() == ERROR_ACCESS_DENIED && (attr & FILE_ATTRIBUTE_READONLY) &&
		SetFileAttributesW(w, attr & ~(DWORD)FILE_ATTRIBUTE_READONLY) && DeleteFileW(w))
		return 0;
	return GetLastError();
}

int sys_fs_unlink(const char *path, struct zh_err *err)
{
	wchar_t *w;
	DWORD e;
	int rc = ZH_FAULT_CHANGE("sys_fs_unlink", err);

	if (rc != 0)
		return rc;
	w = wpath(path, err);
	if (w == NULL)
		return no_wpath(err);
	e = delete_one(w, INVALID_FILE_ATTRIBUTES);
	if (e != 0)
		rc = win_err(err, e, "cannot remove", path);
	free(w);
	return rc;
}

/* w is an absolute \\?\ path. */
static int remove_tree_w(wchar_t *w, const char *root, int depth, struct zh_err *err)
{
	WIN32_FIND_DATAW fd;
	HANDLE find = INVALID_HANDLE_VALUE;
	wchar_t *pat = NULL, *child = NULL;
	DWORD attr = GetFileAttributesW(w), e;
	int rc = 0;

	if (attr == INVALID_FILE_ATTRIBUTES) {
		e = GetLastError();
		if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
			return 0;
		return win_err(err, e, "cannot examine a file below", root);
	}
	/* A link or junction is removed as such, never followed. */
	if (!(attr & FILE_ATTRIBUTE_DIRECTORY) || (attr & FILE_ATTRIBUTE_REPARSE_POINT)) {
		e = delete_one(w, attr);
		if (e != 0 && e != ERROR_FILE_NOT_FOUND)
			return win_err(err, e, "cannot remove a file below", root);
		return 0;
	}
	if (depth > 512)
		return zh_err_set(err, ZH_ETOOBIG, "cannot remove '%s': nested too deep", root);
	pat = wdup_cat(w, L"\\*", L"");
	if (pat == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot remove '%s'", root);
	find = FindFirstFileW(pat, &fd);
	if (find == INVALID_HANDLE_VALUE) {
		e = GetLastError();
		if (e != ERROR_FILE_NOT_FOUND) {
			rc = win_err(err, e, "cannot list a directory below", root);
			goto out;
		}
	} else {
		do {
			if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
				continue;
			child = wdup_cat(w, L"\\", fd.cFileName);
			if (child == NULL) {
				rc = zh_err_set(err, ZH_ENOMEM, "cannot remove '%s'", root);
				goto out;
			}
			rc = remove_tree_w(child, root, depth + 1, err);
			free(child);
			child = NULL;
			if (rc != 0)
				goto out;
		} while (FindNextFileW(find, &fd));
		FindClose(find);
		find = INVALID_HANDLE_VALUE;
	}
	if (!RemoveDirectoryW(w)) {
		e = GetLastError();
		if (e == ERROR_ACCESS_DENIED && (attr & FILE_ATTRIBUTE_READONLY) &&
			SetFileAttributesW(w, attr & ~(DWORD)FILE_ATTRIBUTE_READONLY) &&
			RemoveDirectoryW(w))
			goto out;
		if (e != ERROR_FILE_NOT_FOUND)
			rc = win_err(err, e, "cannot remove a directory below", root);
	}
out:
	if (find != INVALID_HANDLE_VALUE)
		FindClose(find);
	free(pat);
	return rc;
}

int sys_fs_remove_tree(const char *path, struct zh_err *err)
{
	wchar_t *w;
	size_t n;
	int rc = ZH_FAULT_CHANGE("sys_fs_remove_tree", err);

	if (rc != 0)
		return rc;
	w = wpath2(path, 1, err);
	if (w == NULL)
		return no_wpath(err);
	n = wcslen(w);
	while (n > 7 && w[n - 1] == L'\\')
		w[--n] = L'\0';
	rc = remove_tree_w(w, path, 0, err);
	free(w);
	return rc;
}

/*
 * Whether another process holds the file at w open without FILE_SHARE_DELETE. Replacing such a
 * target fails with ERROR_ACCESS_DENIED (on Windows and Wine alike), which a real permission
 * problem also gives; asking for DELETE access ourselves tells the two apart.
 */
static int held(const wchar_t *w)
{
	HANDLE h = CreateFileW(w, DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);

	if (h != INVALID_HANDLE_VALUE) {
		CloseHandle(h);
		return 0;
	}
	return GetLastError() == ERROR_SHARING_VIOLATION;
}

int sys_fs_rename(const char *from, const char *to, struct zh_err *err)
{
	wchar_t *wf = NULL, *wt = NULL;
	DWORD e = 0;
	int i, code;
	int rc = ZH_FAULT_CHANGE("sys_fs_rename", err);

	if (rc != 0)
		return rc;
	wf = wpath(from, err);
	wt = wf == NULL ? NULL : wpath(to, err);
	if (wt == NULL) {
		rc = no_wpath(err);
		goto out;
	}
	for (i = 0; i < ZH_FS_RENAME_TRIES; i++) {
		if (i > 0) {
			/* 10, 20, 40 ... 640 ms: about 1.3 s in all, as git waits. */
			Sleep(10u << (i - 1));
			busy_waits++;
		}
		if (MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
			goto out;
		e = GetLastError();
		if (e != ERROR_SHARING_VIOLATION && e != ERROR_LOCK_VIOLATION &&
			e != ERROR_ACCESS_DENIED)
			break;
	}
	code = e == ERROR_SHARING_VIOLATION || e == ERROR_LOCK_VIOLATION ||
			(e == ERROR_ACCESS_DENIED && (held(wf) || held(wt)))
		? ZH_EBUSY
		: zh_code_from_win(e);
	rc = zh_err_sys(err, code, (long)e, "cannot rename '%s' to '%s'%s (error %lu)", from, to,
		i >= ZH_FS_RENAME_TRIES ? ": still in use after retrying for 1.3 s" : "",
		(unsigned long)e);
out:
	free(wf);
	free(wt);
	return rc;
}

/* Move from to to, a name that must not exist. */
static int rename_new(const char *from, const char *to, struct zh_err *err)
{
	wchar_t *wf = wpath(from, err), *wt = wf == NULL ? NULL : wpath(to, err);
	DWORD e;
	int rc = 0;

	if (wt == NULL) {
		rc = no_wpath(err);
	} else if (!MoveFileExW(wf, wt, MOVEFILE_WRITE_THROUGH)) {
		e = GetLastError();
		rc = zh_err_sys(err, zh_code_from_win(e), (long)e,
			"cannot rename '%s' to '%s' (error %lu)", from, to, (unsigned long)e);
	}
	free(wf);
	free(wt);
	return rc;
}

/* Set once the system refuses a rename through a handle: then files move by name. */
static volatile LONG no_handle_rename;

int sys_file_rename(struct sys_file *f, const char *to, struct zh_err *err)
{
	FILE_RENAME_INFO *ri = NULL;
	wchar_t *wt = NULL;
	char *newpath = NULL;
	size_t len;
	DWORD e;
	int rc = ZH_FAULT_CHANGE("sys_file_rename", err);

	if (rc != 0)
		return rc;
	if ((newpath = _strdup(to)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot rename '%s'", f->path);
	if (no_handle_rename) {
		rc = rename_new(f->path, to, err);
		goto out;
	}
	if ((wt = wpath(to, err)) == NULL) {
		rc = no_wpath(err);
		goto out;
	}
	len = wcslen(wt);
	ri = malloc(sizeof(*ri) + len * sizeof(wchar_t));
	if (ri == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot rename '%s'", f->path);
		goto out;
	}
	memset(ri, 0, sizeof(*ri));
	ri->ReplaceIfExists = FALSE;
	ri->FileNameLength = (DWORD)(len * sizeof(wchar_t));
	memcpy(ri->FileName, wt, (len + 1) * sizeof(wchar_t));
	if (SetFileInformationByHandle(f->h, FileRenameInfo, ri,
		    (DWORD)(sizeof(*ri) + len * sizeof(wchar_t))))
		goto out;
	e = GetLastError();
	if (e == ERROR_INVALID_PARAMETER || e == ERROR_NOT_SUPPORTED ||
		e == ERROR_INVALID_FUNCTION || e == ERROR_CALL_NOT_IMPLEMENTED) {
		InterlockedExchange(&no_handle_rename, 1);
		rc = rename_new(f->path, to, err);
		goto out;
	}
	rc = zh_err_sys(err, zh_code_from_win(e), (long)e, "cannot rename '%s' to '%s' (error %lu)",
		f->path, to, (unsigned long)e);
out:
	if (rc == 0) {
		free(f->path);
		f->path = newpath;
		newpath = NULL;
	}
	free(newpath);
	free(ri);
	free(wt);
	return rc;
}

#define PENDING_KEY L"SYSTEM\\CurrentControlSet\\Control\\Session Manager"
#define PENDING_VALUE L"PendingFileRenameOperations"

/* path without a \\?\ or \??\ prefix (pointing into it). */
static const wchar_t *unprefixed(const wchar_t *path)
{
	if (wcsncmp(path, L"\\\\?\\", 4) == 0 || wcsncmp(path, L"\\??\\", 4) == 0)
		return path + 4;
	return path;
}

int sys_fs_cancel_rename_on_reboot(const char *from, struct zh_err *err)
{
	wchar_t *wf = NULL, *buf = NULL, *out = NULL;
	const wchar_t *want;
	DWORD type, size = 0;
	HKEY key = NULL;
	size_t n, i, o = 0;
	LSTATUS ls;
	int rc = ZH_FAULT_CHANGE("sys_fs_cancel_rename_on_reboot", err), changed = 0;

	if (rc != 0)
		return rc;
	if ((wf = wpath2(from, 1, err)) == NULL)
		return no_wpath(err);
	want = unprefixed(wf);
	ls = RegOpenKeyExW(HKEY_LOCAL_MACHINE, PENDING_KEY, 0, KEY_QUERY_VALUE | KEY_SET_VALUE,
		&key);
	if (ls == ERROR_FILE_NOT_FOUND)
		goto out;
	if (ls != ERROR_SUCCESS) {
		rc = win_err(err, (DWORD)ls, "cannot open the boot-time rename list of", from);
		goto out;
	}
	ls = RegQueryValueExW(key, PENDING_VALUE, NULL, &type, NULL, &size);
	if (ls == ERROR_FILE_NOT_FOUND || (ls == ERROR_SUCCESS && type != REG_MULTI_SZ))
		goto out; /* nothing scheduled, or not a list zhushou could have written to */
	if (ls == ERROR_SUCCESS) {
		buf = calloc(size / sizeof(wchar_t) + 2, sizeof(wchar_t));
		out = calloc(size / sizeof(wchar_t) + 2, sizeof(wchar_t));
		if (buf == NULL || out == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			goto out;
		}
		ls = RegQueryValueExW(key, PENDING_VALUE, NULL, &type, (BYTE *)buf, &size);
	}
	if (ls != ERROR_SUCCESS) {
		rc = win_err(err, (DWORD)ls, "cannot read the boot-time rename list of", from);
		goto out;
	}
	/* Pairs of strings (source, destination; an empty destination means delete), read by
	   size: an empty string is a lone NUL, not the end. */
	n = size / sizeof(wchar_t);
	for (i = 0; i < n && buf[i] != L'\0';) {
		size_t src = i, dst, end;

		i += wcslen(buf + i) + 1;
		dst = i;
		if (i < n)
			i += wcslen(buf + i) + 1;
		end = i < n ? i : n;
		if (_wcsicmp(unprefixed(buf + src), want) == 0) {
			changed = 1;
			continue;
		}
		memcpy(out + o, buf + src, (end - src) * sizeof(wchar_t));
		o += end - src;
		(void)dst;
	}
	if (!changed)
		goto out;
	if (o == 0)
		ls = RegDeleteValueW(key, PENDING_VALUE);
	else {
		out[o++] = L'\0';
		ls = RegSetValueExW(key, PENDING_VALUE, 0, REG_MULTI_SZ, (const BYTE *)out,
			(DWORD)(o * sizeof(wchar_t)));
	}
	if (ls != ERROR_SUCCESS)
		rc = win_err(err, (DWORD)ls, "cannot change the boot-time rename list for", from);
out:
	if (key != NULL)
		RegCloseKey(key);
	free(buf);
	free(out);
	free(wf);
	return rc;
}

long sys_fs_busy_waits(void)
{
	return busy_waits;
}

int sys_fs_rename_on_reboot(const char *from, const char *to, struct zh_err *err)
{
	wchar_t *wf = NULL, *wt = NULL;
	DWORD flags = MOVEFILE_DELAY_UNTIL_REBOOT;
	int rc = ZH_FAULT_CHANGE("sys_fs_rename_on_reboot", err);

	if (rc != 0)
		return rc;
	wf = wpath(from, err);
	if (wf == NULL) {
		rc = no_wpath(err);
		goto out;
	}
	if (to != NULL) {
		wt = wpath(to, err);
		if (wt == NULL) {
			rc = no_wpath(err);
			goto out;
		}
		flags |= MOVEFILE_REPLACE_EXISTING;
	}
	if (!MoveFileExW(wf, wt, flags))
		rc = win_err(err, GetLastError(), "cannot schedule for the next boot", from);
out:
	free(wf);
	free(wt);
	return rc;
}

int sys_dir_open(const char *path, struct sys_dir **ret_dir, struct zh_err *err)
{
	struct sys_dir *d = NULL;
	wchar_t *w = NULL, *pat = NULL;
	DWORD e;
	int rc = ZH_FAULT_CHECK("sys_dir_open", err);

	if (rc != 0)
		return rc;
	w = wpath2(path, 1, err);
	if (w == NULL)
		return no_wpath(err);
	pat = wdup_cat(w, w[wcslen(w) - 1] == L'\\' ? L"*" : L"\\*", L"");
	d = calloc(1, sizeof(*d));
	if (pat == NULL || d == NULL || (d->path = _strdup(path)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot list '%s'", path);
		goto out;
	}
	d->find = FindFirstFileW(pat, &d->fd);
	if (d->find == INVALID_HANDLE_VALUE) {
		e = GetLastError();
		/* An empty directory still has "." and ".."; FILE_NOT_FOUND means none at all. */
		if (e != ERROR_FILE_NOT_FOUND) {
			rc = win_err(err, e, "cannot list", path);
			goto out;
		}
	} else {
		d->have = 1;
	}
	*ret_dir = d;
	d = NULL;
out:
	if (d != NULL) {
		free(d->path);
		free(d);
	}
	free(pat);
	free(w);
	return rc;
}

int sys_dir_next(struct sys_dir *d, const char **ret_name, enum sys_fs_kind *ret_kind,
	struct zh_err *err)
{
	DWORD e;
	int rc = ZH_FAULT_CHECK("sys_dir_next", err);

	if (rc != 0)
		return rc;
	free(d->name);
	d->name = NULL;
	for (;;) {
		if (!d->have) {
			if (d->find == INVALID_HANDLE_VALUE || !FindNextFileW(d->find, &d->fd)) {
				e = d->find == INVALID_HANDLE_VALUE ? ERROR_NO_MORE_FILES
								    : GetLastError();
				if (e != ERROR_NO_MORE_FILES)
					return win_err(err, e, "cannot list", d->path);
				*ret_name = NULL;
				if (ret_kind != NULL)
					*ret_kind = SYS_FS_NONE;
				return 0;
			}
		}
		d->have = 0;
		if (wcscmp(d->fd.cFileName, L".") != 0 && wcscmp(d->fd.cFileName, L"..") != 0)
			break;
	}
	d->name = utf8_from_w(d->fd.cFileName, (size_t)-1);
	if (d->name == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot list '%s'", d->path);
	if (ret_kind != NULL) {
		DWORD a = d->fd.dwFileAttributes;

		*ret_kind = (a & FILE_ATTRIBUTE_REPARSE_POINT) ? SYS_FS_OTHER
			: (a & FILE_ATTRIBUTE_DIRECTORY)       ? SYS_FS_DIR
							       : SYS_FS_FILE;
	}
	*ret_name = d->name;
	return 0;
}

void sys_dir_close(struct sys_dir *d)
{
	if (d == NULL)
		return;
	if (d->find != INVALID_HANDLE_VALUE && d->find != NULL)
		FindClose(d->find);
	free(d->name);
	free(d->path);
	free(d);
}
