/* SPDX-License-Identifier: MIT */
/*
 * The GUI test's hands and eyes (tests/wine/test_gui.sh): finds zhushou's window by its class,
 * reads its window tree (WM_GETTEXT on every child, LVM_GETITEMTEXT on the results list through
 * memory in zhushou's process, since list-view messages are not marshalled between processes),
 * clicks buttons (BM_CLICK), proves that the window answers while it works (SendMessageTimeout)
 * and that no control's text is larger than the control.
 *
 *   guidrive wait MS TEXT        until a visible control's text contains TEXT (exit 1: timeout)
 *   guidrive dump FILE           the tree as UTF-8 lines: ctl ID CLASS VISIBLE ENABLED TEXT, item
 *                                I MARK TITLE DETAIL ADVICE (tab-separated)
 *   guidrive click ID            BM_CLICK on the control ID
 *   guidrive ping MS TEXT        SendMessageTimeout(WM_NULL, 250 ms) every 50 ms until TEXT shows;
 *                                prints the answers, the misses and the step texts seen; exit 1
 *                                on a miss, on fewer than 3 answers, or on timeout
 *   guidrive key enter|tab|alt-X the key (Alt+X: a mnemonic) to the control with the focus, posted
 *                                as the keyboard would, so the window's IsDialogMessage sees it
 *   guidrive focus               the ID of the control with the focus
 *   guidrive other CLASS MS      a top-level window of CLASS appears within MS: prints its title,
 *                                then closes it
 *   guidrive answer MS ID        a message box (#32770) appears within MS: prints its text, then
 *                                clicks its button ID (6 IDYES, 7 IDNO)
 *   guidrive close               post WM_CLOSE to the window
 *   guidrive rect                the window's frame on the screen, as WxH+X+Y (for cropping)
 *   guidrive clip DPI            every visible static and button: its text in the window's font
 *                                at DPI fits its client rect, and the control fits the window
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include <windows.h>
#include <commctrl.h>

static HWND find_main(void)
{
	return FindWindowW(L"zhushou.main", NULL);
}

static void put8(FILE *f, const wchar_t *w)
{
	char buf[8192];
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, sizeof(buf), NULL, NULL);
	int i;

	for (i = 0; i < n - 1; i++) {
		if (buf[i] == '\n')
			fputs("\\n", f);
		else if (buf[i] == '\r')
			continue;
		else if (buf[i] == '\t')
			fputc(' ', f);
		else
			fputc(buf[i], f);
	}
}

struct collect {
	HWND list[64];
	int n;
};

static BOOL CALLBACK collect_cb(HWND h, LPARAM lp)
{
	struct collect *c = (struct collect *)lp;

	if (c->n < 64)
		c->list[c->n++] = h;
	return TRUE;
}

static void children(HWND main, struct collect *c)
{
	c->n = 0;
	EnumChildWindows(main, collect_cb, (LPARAM)c);
}

static void get_text(HWND h, wchar_t *buf, int cap)
{
	DWORD_PTR got = 0;

	buf[0] = L'\0';
	if (!SendMessageTimeoutW(h, WM_GETTEXT, cap, (LPARAM)buf, SMTO_ABORTIFHUNG, 2000, &got))
		buf[0] = L'\0';
	buf[cap - 1] = L'\0';
}

/* Whether a visible control (or the title) holds text. */
static int shows(HWND main, const wchar_t *text)
{
	struct collect c;
	wchar_t buf[4096];
	int i;

	children(main, &c);
	for (i = 0; i < c.n; i++) {
		if (!IsWindowVisible(c.list[i]))
			continue;
		get_text(c.list[i], buf, 4096);
		if (wcsstr(buf, text) != NULL)
			return 1;
	}
	return 0;
}

/* LVM_GETITEMTEXTW through a buffer in the list's process. */
static int item_text(HWND list, HANDLE proc, void *remote, int item, int sub, wchar_t *out, int cap)
{
	LVITEMW lv;
	SIZE_T done = 0;
	wchar_t *rbuf = (wchar_t *)((char *)remote + sizeof(LVITEMW));

	memset(&lv, 0, sizeof(lv));
	lv.iSubItem = sub;
	lv.cchTextMax = cap;
	lv.pszText = rbuf;
	out[0] = L'\0';
	if (!WriteProcessMemory(proc, remote, &lv, sizeof(lv), &done))
		return -1;
	SendMessageW(list, LVM_GETITEMTEXTW, item, (LPARAM)remote);
	if (!ReadProcessMemory(proc, rbuf, out, cap * sizeof(wchar_t), &done))
		return -1;
	out[cap - 1] = L'\0';
	return 0;
}

static int dump(HWND main, const char *path)
{
	FILE *f = fopen(path, "wb");
	struct collect c;
	wchar_t buf[4096], cls[64];
	int i;

	if (f == NULL)
		return 2;
	get_text(main, buf, 4096);
	fputs("title\t", f);
	put8(f, buf);
	fputc('\n', f);
	children(main, &c);
	for (i = 0; i < c.n; i++) {
		HWND h = c.list[i];

		GetClassNameW(h, cls, 64);
		get_text(h, buf, 4096);
		fprintf(f, "ctl\t%d\t", GetDlgCtrlID(h));
		put8(f, cls);
		fprintf(f, "\t%d\t%d\t", IsWindowVisible(h) ? 1 : 0, IsWindowEnabled(h) ? 1 : 0);
		put8(f, buf);
		fputc('\n', f);
		if (wcscmp(cls, WC_LISTVIEWW) == 0) {
			DWORD pid = 0;
			HANDLE proc;
			void *remote;
			int n = (int)SendMessageW(h, LVM_GETITEMCOUNT, 0, 0), it, sub;

			GetWindowThreadProcessId(h, &pid);
			proc = OpenProcess(PROCESS_VM_OPERATION | PROCESS_VM_READ |
					PROCESS_VM_WRITE,
				FALSE, pid);
			if (proc == NULL)
				continue;
			remote =
				VirtualAllocEx(proc, NULL, sizeof(LVITEMW) + 4096 * sizeof(wchar_t),
					MEM_COMMIT, PAGE_READWRITE);
			for (it = 0; remote != NULL && it < n; it++) {
				fprintf(f, "item\t%d", it);
				for (sub = 0; sub < 4; sub++) {
					item_text(h, proc, remote, it, sub, buf, 4096);
					fputc('\t', f);
					put8(f, buf);
				}
				fputc('\n', f);
			}
			if (remote != NULL)
				VirtualFreeEx(proc, remote, 0, MEM_RELEASE);
			CloseHandle(proc);
		}
	}
	fclose(f);
	return 0;
}

static int ping(HWND main, int ms, const wchar_t *text)
{
	DWORD start = GetTickCount();
	long answered = 0, missed = 0, worst = 0;
	wchar_t seen[16][256], buf[1024];
	int nseen = 0, found = 0, i;

	while ((int)(GetTickCount() - start) < ms) {
		DWORD_PTR res = 0;
		DWORD t0 = GetTickCount(), dt;
		HWND step = GetDlgItem(main, 102);

		if (SendMessageTimeoutW(main, WM_NULL, 0, 0, SMTO_ABORTIFHUNG | SMTO_BLOCK, 250,
			    &res))
			answered++;
		else
			missed++;
		dt = GetTickCount() - t0;
		if ((long)dt > worst)
			worst = (long)dt;
		if (step != NULL) {
			get_text(step, buf, 1024);
			if (buf[0] != L'\0' && (nseen == 0 || wcscmp(seen[nseen - 1], buf) != 0) &&
				nseen < 16) {
				wcsncpy(seen[nseen], buf, 255);
				seen[nseen++][255] = L'\0';
			}
		}
		if (shows(main, text)) {
			found = 1;
			break;
		}
		Sleep(50);
	}
	printf("answered %ld missed %ld slowest %ld ms\n", answered, missed, worst);
	for (i = 0; i < nseen; i++) {
		fputs("step ", stdout);
		put8(stdout, seen[i]);
		fputc('\n', stdout);
	}
	if (!found)
		printf("timeout: the window never showed the text\n");
	return found && missed == 0 && answered >= 3 ? 0 : 1;
}

/* The font the window uses for a control: YaHei UI 9 pt, the status line 12 pt bold. */
static HFONT font_for(int id, int dpi)
{
	LOGFONTW lf;

	memset(&lf, 0, sizeof(lf));
	wcscpy(lf.lfFaceName, L"Microsoft YaHei UI");
	lf.lfCharSet = DEFAULT_CHARSET;
	lf.lfHeight = -MulDiv(id == 100 ? 12 : 9, dpi, 72);
	lf.lfWeight = id == 100 ? FW_BOLD : FW_NORMAL;
	return CreateFontIndirectW(&lf);
}

static int clip(HWND main, int dpi)
{
	struct collect c;
	wchar_t buf[4096], cls[64], shown[4096];
	RECT mainrc;
	int i, bad = 0, checked = 0;
	HDC dc = GetDC(NULL);

	GetClientRect(main, &mainrc);
	children(main, &c);
	for (i = 0; i < c.n; i++) {
		HWND h = c.list[i];
		RECT rc, wr;
		int id = GetDlgCtrlID(h), j, k;
		HFONT font;
		HGDIOBJ old;

		if (!IsWindowVisible(h))
			continue;
		GetClassNameW(h, cls, 64);
		GetWindowRect(h, &wr);
		MapWindowPoints(NULL, main, (POINT *)&wr, 2);
		if (wr.left < 0 || wr.top < 0 || wr.right > mainrc.right ||
			wr.bottom > mainrc.bottom) {
			printf("control %d lies outside the window\n", id);
			bad++;
		}
		if (_wcsicmp(cls, L"Button") != 0 && _wcsicmp(cls, L"Static") != 0)
			continue;
		get_text(h, buf, 4096);
		/* A mnemonic's & is not drawn. */
		for (j = 0, k = 0; buf[j]; j++)
			if (buf[j] != L'&' || (id == 100 || id == 102))
				shown[k++] = buf[j];
		shown[k] = L'\0';
		if (shown[0] == L'\0')
			continue;
		GetClientRect(h, &rc);
		font = font_for(id, dpi);
		old = SelectObject(dc, font);
		checked++;
		if (_wcsicmp(cls, L"Button") == 0) {
			SIZE sz;

			GetTextExtentPoint32W(dc, shown, (int)wcslen(shown), &sz);
			/* The button draws its text inside an edge and focus rectangle of 3-4 px.
			 */
			if (sz.cx + 8 > rc.right || sz.cy + 4 > rc.bottom) {
				printf("button %d: text %ldx%ld does not fit %ldx%ld: ", id, sz.cx,
					sz.cy, rc.right, rc.bottom);
				put8(stdout, shown);
				putchar('\n');
				bad++;
			}
		} else {
			RECT need = {0, 0, rc.right, 0};

			DrawTextW(dc, shown, -1, &need,
				DT_CALCRECT | DT_WORDBREAK | DT_NOPREFIX | DT_EDITCONTROL);
			if (need.right > rc.right || need.bottom > rc.bottom) {
				printf("static %d: text needs %ldx%ld, has %ldx%ld: ", id,
					need.right, need.bottom, rc.right, rc.bottom);
				put8(stdout, shown);
				putchar('\n');
				bad++;
			}
		}
		SelectObject(dc, old);
		DeleteObject(font);
	}
	ReleaseDC(NULL, dc);
	printf("clip: %d texts measured at %d dpi, %d do not fit\n", checked, dpi, bad);
	return bad ? 1 : 0;
}

int wmain(int argc, wchar_t **argv)
{
	HWND main = NULL;
	DWORD start = GetTickCount();

	if (argc < 2)
		return 2;
	/* Every command waits up to 20 s for the window to exist. */
	while ((main = find_main()) == NULL && GetTickCount() - start < 20000)
		Sleep(100);
	if (main == NULL) {
		fprintf(stderr, "guidrive: no zhushou window\n");
		return 3;
	}
	if (wcscmp(argv[1], L"wait") == 0 && argc == 4) {
		int ms = _wtoi(argv[2]);

		start = GetTickCount();
		while ((int)(GetTickCount() - start) < ms) {
			if (shows(main, argv[3]))
				return 0;
			Sleep(100);
		}
		return 1;
	}
	if (wcscmp(argv[1], L"dump") == 0 && argc == 3) {
		char path[MAX_PATH * 3];

		WideCharToMultiByte(CP_UTF8, 0, argv[2], -1, path, sizeof(path), NULL, NULL);
		return dump(main, path);
	}
	if (wcscmp(argv[1], L"click") == 0 && argc == 3) {
		HWND b = GetDlgItem(main, _wtoi(argv[2]));

		if (b == NULL || !IsWindowEnabled(b))
			return 1;
		return PostMessageW(b, BM_CLICK, 0, 0) ? 0 : 1;
	}
	if (wcscmp(argv[1], L"ping") == 0 && argc == 4)
		return ping(main, _wtoi(argv[2]), argv[3]);
	if (wcscmp(argv[1], L"key") == 0 && argc == 3) {
		GUITHREADINFO gi;
		HWND to;

		memset(&gi, 0, sizeof(gi));
		gi.cbSize = sizeof(gi);
		if (!GetGUIThreadInfo(GetWindowThreadProcessId(main, NULL), &gi))
			return 1;
		to = gi.hwndFocus != NULL ? gi.hwndFocus : main;
		if (wcscmp(argv[2], L"enter") == 0 || wcscmp(argv[2], L"tab") == 0) {
			WPARAM vk = argv[2][0] == L'e' ? VK_RETURN : VK_TAB;

			PostMessageW(to, WM_KEYDOWN, vk, 1);
			PostMessageW(to, WM_CHAR, vk == VK_RETURN ? L'\r' : L'\t', 1);
			PostMessageW(to, WM_KEYUP, vk, 0xC0000001);
			return 0;
		}
		if (wcsncmp(argv[2], L"alt-", 4) == 0 && argv[2][4] != L'\0') {
			/* lParam bit 29: the Alt key is down. */
			WPARAM ch = (WPARAM)towlower(argv[2][4]);

			PostMessageW(to, WM_SYSKEYDOWN, towupper(argv[2][4]), 0x20000001);
			PostMessageW(to, WM_SYSCHAR, ch, 0x20000001);
			PostMessageW(to, WM_SYSKEYUP, towupper(argv[2][4]), 0xE0000001);
			return 0;
		}
		return 2;
	}
	if (wcscmp(argv[1], L"focus") == 0) {
		GUITHREADINFO gi;

		memset(&gi, 0, sizeof(gi));
		gi.cbSize = sizeof(gi);
		if (!GetGUIThreadInfo(GetWindowThreadProcessId(main, NULL), &gi))
			return 1;
		printf("%d\n", gi.hwndFocus != NULL ? GetDlgCtrlID(gi.hwndFocus) : 0);
		return 0;
	}
	if (wcscmp(argv[1], L"other") == 0 && argc == 4) {
		HWND w = NULL;
		int ms = _wtoi(argv[3]);

		start = GetTickCount();
		while ((w = FindWindowW(argv[2], NULL)) == NULL &&
			(int)(GetTickCount() - start) < ms)
			Sleep(100);
		if (w == NULL)
			return 1;
		{
			wchar_t title[512];

			get_text(w, title, 512);
			put8(stdout, title);
			putchar('\n');
		}
		PostMessageW(w, WM_CLOSE, 0, 0);
		return 0;
	}
	if (wcscmp(argv[1], L"answer") == 0 && argc == 4) {
		HWND w = NULL, b;
		int ms = _wtoi(argv[2]);
		wchar_t text[1024];

		start = GetTickCount();
		while ((w = FindWindowW(L"#32770", NULL)) == NULL &&
			(int)(GetTickCount() - start) < ms)
			Sleep(100);
		if (w == NULL || (b = GetDlgItem(w, _wtoi(argv[3]))) == NULL)
			return 1;
		/* The message is the box's static text (id 0xFFFF). */
		get_text(GetDlgItem(w, 0xFFFF), text, 1024);
		put8(stdout, text);
		putchar('\n');
		SendMessageW(b, BM_CLICK, 0, 0);
		return 0;
	}
	if (wcscmp(argv[1], L"close") == 0)
		return PostMessageW(main, WM_CLOSE, 0, 0) ? 0 : 1;
	if (wcscmp(argv[1], L"rect") == 0) {
		RECT r;

		GetWindowRect(main, &r);
		printf("%ldx%ld+%ld+%ld\n", r.right - r.left, r.bottom - r.top,
			r.left < 0 ? 0 : r.left, r.top < 0 ? 0 : r.top);
		return 0;
	}
	if (wcscmp(argv[1], L"clip") == 0 && argc == 3)
		return clip(main, _wtoi(argv[2]));
	return 2;
}
