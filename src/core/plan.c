/* SPDX-License-Identifier: MIT */
/*
 * Planning. Each step states the exact registry value it writes, computed from the facts
 * the check saw: ProxyOverride keeps every existing entry in order and gets the missing host
 * appended with ';' (DESIGN.md), SecureProtocols keeps every bit and gains the required ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "iecache.h"
#include "buf.h"
#include "inet.h"
#include "mem.h"
#include "hosts.h"
#include "certpem.h"
#include "text.h"
#include "banned.h"

static int texts(struct zh_text *t, const char *zh, const char *en, struct zh_err *err)
{
	t->zh = zh_strdup(zh);
	t->en = zh_strdup(en);
	if (t->zh == NULL || t->en == NULL) {
		zh_free(t->zh);
		zh_free(t->en);
		t->zh = t->en = NULL;
		return zh_err_set(err, ZH_ENOMEM, "cannot make the plan");
	}
	return 0;
}

static int add_left(struct zh_plan *p, const char *check_id, const char *zh, const char *en,
	struct zh_err *err)
{
	struct zh_unfixable *v = zh_realloc(p->left, (p->nleft + 1) * sizeof(*v));

	if (v == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot make the plan");
	p->left = v;
	memset(&v[p->nleft], 0, sizeof(v[0]));
	v[p->nleft].check_id = check_id;
	if (texts(&v[p->nleft].why, zh, en, err) != 0)
		return ZH_ENOMEM;
	p->nleft++;
	return 0;
}

/* Append a zeroed step of kind for check_id; NULL (err set) when out of memory. */
static struct zh_step *push_step(struct zh_plan *p, enum zh_step_kind kind, const char *check_id,
	struct zh_err *err)
{
	struct zh_step *v = zh_realloc(p->steps, (p->nsteps + 1) * sizeof(*v));

	if (v == NULL) {
		(void)zh_err_set(err, ZH_ENOMEM, "cannot make the plan");
		return NULL;
	}
	p->steps = v;
	memset(&v[p->nsteps], 0, sizeof(v[0]));
	v[p->nsteps].kind = kind;
	v[p->nsteps].check_id = check_id;
	return &v[p->nsteps++];
}

/* Append a REG_SET step; data is copied. */
static int add_reg(struct zh_plan *p, const char *check_id, enum sys_reg_root root, const char *key,
	const char *name, enum sys_reg_type type, const void *data, size_t len, const char *zh,
	const char *en, struct zh_err *err)
{
	struct zh_step *s = push_step(p, ZH_STEP_REG_SET, check_id, err);

	if (s == NULL)
		return ZH_ENOMEM;
	s->root = root;
	s->view = SYS_REG_VIEW_64;
	s->type = type;
	s->len = len;
	s->key = zh_strdup(key);
	s->name = zh_strdup(name);
	s->data = zh_malloc(len);
	if (s->key == NULL || s->name == NULL || s->data == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot make the plan");
	memcpy(s->data, data, len);
	return texts(&s->what, zh, en, err);
}

static enum sys_reg_root hive_root(enum zh_hive h)
{
	return h == ZH_HIVE_HKLM ? SYS_REG_HKLM : SYS_REG_HKCU;
}

static int plan_sites(const struct zh_check_report *rep, const char *id, struct zh_plan *p,
	struct zh_err *err)
{
	const struct zh_inet_state *s = &rep->inet;
	uint32_t trusted = ZH_ZONE_TRUSTED;
	char key[512], zh[600], en[600];
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nsites && rc == 0; i++) {
		const struct zh_site_state *x = &s->sites[i];

		if (x->present)
			continue;
		if (s->zonemap_locked) {
			(void)snprintf(zh, sizeof(zh),
				"%s://*.%s：区域列表被组策略锁定，需贵司 IT "
				"在“站点到区域分配列表”中添加",
				x->def->scheme, x->def->domain);
			(void)snprintf(en, sizeof(en),
				"%s://*.%s: the zone map is locked by Group Policy; IT must add it "
				"to "
				"the Site to Zone Assignment List",
				x->def->scheme, x->def->domain);
			rc = add_left(p, id, zh, en, err);
			continue;
		}
		(void)snprintf(key, sizeof(key), "%s\\ZoneMap\\Domains\\%s", ZH_IS_PATH,
			x->def->domain);
		(void)snprintf(zh, sizeof(zh), "将 %s://*.%s 加入受信任站点（%s）", x->def->scheme,
			x->def->domain, zh_hive_name(s->zone_hive));
		(void)snprintf(en, sizeof(en), "add %s://*.%s to the trusted sites (%s)",
			x->def->scheme, x->def->domain, zh_hive_name(s->zone_hive));
		rc = add_reg(p, id, hive_root(s->zone_hive), key, x->def->scheme, SYS_REG_DWORD,
			&trusted, 4, zh, en, err);
	}
	return rc;
}

static int plan_proxy(const struct zh_check_report *rep, const char *id, struct zh_plan *p,
	struct zh_err *err)
{
	const struct zh_inet_state *s = &rep->inet;
	struct zh_buf list, data;
	char zh[600], en[600];
	size_t i;
	int rc = 0;

	if (!s->proxy_enabled)
		return 0;
	zh_buf_init(&list, 64 * 1024);
	zh_buf_init(&data, 128 * 1024 + 2);
	rc = zh_buf_adds(&list, s->proxy_override != NULL ? s->proxy_override : "", err);
	for (i = 0; i < s->nbypass && rc == 0; i++) {
		if (s->bypass_present[i])
			continue;
		/* Append with ';', keeping every existing entry as it is. */
		if (list.len > 0 && list.data[list.len - 1] != ';')
			rc = zh_buf_adds(&list, ";", err);
		if (rc == 0)
			rc = zh_buf_adds(&list, rep->cat->bypass[i], err);
		if (rc == 0) {
			(void)snprintf(zh, sizeof(zh), "代理例外中加入 %s", rep->cat->bypass[i]);
			(void)snprintf(en, sizeof(en), "add %s to the proxy exceptions",
				rep->cat->bypass[i]);
		}
	}
	if (rc != 0 || list.len == 0 ||
		(s->proxy_override != NULL && strcmp(list.data, s->proxy_override) == 0))
		goto out;
	if ((rc = zh_text_utf16le(list.data, &data, err)) != 0)
		goto out;
	rc = add_reg(p, id, hive_root(s->proxy_hive), ZH_IS_PATH, "ProxyOverride", SYS_REG_SZ,
		data.data, data.len, zh, en, err);
out:
	zh_buf_release(&list);
	zh_buf_release(&data);
	return rc;
}

static int plan_protocols(const struct zh_check_report *rep, const char *id, struct zh_plan *p,
	struct zh_err *err)
{
	const struct zh_inet_state *s = &rep->inet;
	uint32_t need = rep->cat->proto_require, v;
	char zh[300], en[300];

	if ((s->secure_protocols & need) == need)
		return 0;
	if (strcmp(s->secure_source, "policy") == 0)
		return add_left(p, id, "TLS 设置由组策略规定，需贵司 IT 在组策略中启用 TLS 1.2",
			"SecureProtocols is set by Group Policy: IT must enable TLS 1.2 there",
			err);
	v = s->secure_protocols | need;
	(void)snprintf(zh, sizeof(zh), "启用 TLS 1.2（SecureProtocols 0x%X → 0x%X）",
		(unsigned)s->secure_protocols, (unsigned)v);
	(void)snprintf(en, sizeof(en), "enable TLS 1.2 (SecureProtocols 0x%X -> 0x%X)",
		(unsigned)s->secure_protocols, (unsigned)v);
	return add_reg(p, id, SYS_REG_HKCU, ZH_IS_PATH, "SecureProtocols", SYS_REG_DWORD, &v, 4, zh,
		en, err);
}

static char *dirname_of(const char *path)
{
	const char *a = strrchr(path, '\\'), *b = strrchr(path, '/');
	const char *sep = a > b ? a : b;

	return sep == NULL ? NULL : zh_strndup(path, (size_t)(sep - path));
}

/* InstallLocation without a trailing separator, else the uninstaller's folder. */
static char *install_dir(const struct zh_arp_hit *h)
{
	size_t n;

	if (h->install_location != NULL && (n = strlen(h->install_location)) > 3) {
		while (n > 3 &&
			(h->install_location[n - 1] == '\\' || h->install_location[n - 1] == '/'))
			n--;
		return zh_strndup(h->install_location, n);
	}
	return h->uninstaller != NULL ? dirname_of(h->uninstaller) : NULL;
}

static char *printf_dup(const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + (b != NULL ? strlen(b) : 0) + 1;
	char *p = zh_malloc(n);

	if (p != NULL)
		(void)snprintf(p, n, fmt, a, b);
	return p;
}

/* One removal step for a legacy component found in Add/Remove Programs. */
static int plan_remove(const struct zh_arp_hit *h, const char *id, struct zh_plan *p,
	struct zh_err *err)
{
	struct zh_step *s;
	const char *root = h->view == ZH_ARP_VIEW_USER ? "HKCU" : "HKLM";
	char zh[600], en[600];
	size_t i;

	if (h->kind == ZH_UNINST_MSI && h->product_code == NULL) {
		(void)snprintf(zh, sizeof(zh),
			"%s：Windows Installer 登记不完整，请在“添加/删除程序”中卸载",
			h->display_name);
		(void)snprintf(en, sizeof(en),
			"%s: its Windows Installer entry has no product code; uninstall it in "
			"Add/Remove Programs",
			h->display_name);
		return add_left(p, id, zh, en, err);
	}
	if (h->kind == ZH_UNINST_UNKNOWN && h->quiet_uninstall == NULL) {
		(void)snprintf(zh, sizeof(zh), "%s：无法识别其卸载程序，请在“添加/删除程序”中卸载",
			h->display_name);
		(void)snprintf(en, sizeof(en),
			"%s: its uninstaller is of an unknown kind; uninstall it in Add/Remove "
			"Programs",
			h->display_name);
		return add_left(p, id, zh, en, err);
	}
	if ((s = push_step(p, ZH_STEP_UNINSTALL, id, err)) == NULL)
		return ZH_ENOMEM;
	s->dir = install_dir(h);
	switch (h->kind) {
	case ZH_UNINST_MSI:
		s->cmdline = printf_dup("msiexec.exe /x %s /qn /norestart%s", h->product_code, "");
		break;
	case ZH_UNINST_NSIS:
		/* Without _?= an NSIS uninstaller copies itself away and returns at once. */
		s->cmdline = printf_dup("\"%s\" /S _?=%s", h->uninstaller, s->dir);
		break;
	case ZH_UNINST_INNO:
		s->cmdline = printf_dup("\"%s\" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART%s",
			h->uninstaller, "");
		break;
	case ZH_UNINST_UNKNOWN:
		s->cmdline = zh_strdup(h->quiet_uninstall);
		break;
	default:
		break; /* an orphan: nothing to run, its parts are removed */
	}
	s->owned[s->nowned++] = printf_dup("%s\\%s", ZH_ARP_UNINSTALL_PATH, h->key);
	for (i = 0; i < h->def->nowns && s->nowned < ZH_MAX_SNAP_KEYS; i++)
		s->owned[s->nowned++] = zh_strdup(h->def->owns[i]);
	for (i = 0; i < s->nowned; i++)
		if (s->owned[i] == NULL)
			return zh_err_set(err, ZH_ENOMEM, "cannot make the plan");
	if ((h->kind != ZH_UNINST_ORPHAN && s->cmdline == NULL) ||
		(h->kind == ZH_UNINST_NSIS && s->dir == NULL))
		return zh_err_set(err, ZH_ENOMEM, "cannot make the plan");
	s->uninstall.name = h->display_name;
	s->uninstall.cmdline = s->cmdline;
	/* msiexec: 1605 not installed, 1614 uninstalled already, 1641/3010 reboot (DESIGN.md). */
	s->uninstall.ok_codes = h->kind == ZH_UNINST_MSI ? "0,1605,1614,1641,3010" : "0";
	s->uninstall.msi_product = h->kind == ZH_UNINST_MSI ? h->product_code : NULL;
	s->uninstall.timeout_ms = ZH_UNINSTALL_TIMEOUT_MS;
	if (s->dir != NULL)
		s->uninstall.owns.dirs[s->uninstall.owns.ndirs++] = s->dir;
	for (i = 0; i < s->nowned; i++) {
		s->uninstall.owns.keys[i].root =
			h->view == ZH_ARP_VIEW_USER ? SYS_REG_HKCU : SYS_REG_HKLM;
		s->uninstall.owns.keys[i].view = h->view == ZH_ARP_VIEW_32 ? SYS_REG_VIEW_32
			: h->view == ZH_ARP_VIEW_64			   ? SYS_REG_VIEW_64
									   : SYS_REG_VIEW_DEFAULT;
		s->uninstall.owns.keys[i].key = s->owned[i];
	}
	s->uninstall.owns.nkeys = s->nowned;
	(void)snprintf(zh, sizeof(zh), "卸载旧控件 %s（%s，%s）", h->display_name, root,
		zh_uninst_kind_name(h->kind));
	(void)snprintf(en, sizeof(en), "remove old control %s (%s, %s)", h->display_name, root,
		zh_uninst_kind_name(h->kind));
	return texts(&s->what, zh, en, err);
}

static int plan_certs(const struct zh_check_report *rep, const char *id, struct zh_plan *p,
	struct zh_err *err)
{
	char zh[600], en[600];
	size_t i;

	for (i = 0; i < rep->ncerts; i++) {
		const struct zh_cert_def *c = rep->certs[i].def;
		struct zh_step *v;

		if (rep->certs[i].present)
			continue;
		if ((v = push_step(p, ZH_STEP_CERT_ADD, id, err)) == NULL)
			return ZH_ENOMEM;
		v->cert = c;
		(void)snprintf(zh, sizeof(zh), "安装证书 %s 到本地计算机 %s", c->cert->subject,
			c->store);
		(void)snprintf(en, sizeof(en), "install certificate %s into LocalMachine %s",
			c->cert->subject, c->store);
		if (texts(&v->what, zh, en, err) != 0)
			return ZH_ENOMEM;
	}
	return 0;
}

static int plan_hosts(const struct zh_check_report *rep, const char *id, struct zh_plan *p,
	struct zh_err *err)
{
	const struct zh_hosts_state *h = &rep->hosts;
	struct zh_buf content;
	struct zh_step *v;
	char zh[600], en[600];
	size_t i, missing = 0;
	int rc = 0;

	for (i = 0; i < h->nhosts && rc == 0; i++) {
		const struct zh_host_state *x = &h->hosts[i];

		if (x->mapped == NULL) {
			missing++;
		} else if (strcmp(x->mapped, x->def->address) != 0) {
			(void)snprintf(zh, sizeof(zh),
				"hosts 文件把 %s 指向 %s（应为 %s）：这可能是贵司 IT "
				"的设置，请联系 IT",
				x->def->name, x->mapped, x->def->address);
			(void)snprintf(en, sizeof(en),
				"the hosts file maps %s to %s (it should be %s): this may be your "
				"IT "
				"department's setting, ask them",
				x->def->name, x->mapped, x->def->address);
			rc = add_left(p, id, zh, en, err);
		}
	}
	if (rc != 0 || missing == 0)
		return rc;
	zh_buf_init(&content, ZH_MAX_HOSTS_FILE + 4096);
	if ((rc = zh_hosts_fixed(h, &content, err)) != 0)
		goto out;
	if ((v = push_step(p, ZH_STEP_FILE_PUT, id, err)) == NULL) {
		rc = ZH_ENOMEM;
		goto out;
	}
	v->key = zh_strdup(h->path);
	v->len = content.len;
	v->data = zh_buf_take(&content);
	if (v->key == NULL || v->data == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot make the plan");
		goto out;
	}
	rc = texts(&v->what, "在 hosts 文件中加入本地 UKEY 服务的地址",
		"add the local UKEY service's address to the hosts file", err);
out:
	zh_buf_release(&content);
	return rc;
}

static int plan_legacy(const struct zh_check_report *rep, const char *id, struct zh_plan *p,
	struct zh_err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < rep->arp.nhits && rc == 0; i++)
		rc = plan_remove(&rep->arp.hits[i], id, p, err);
	return rc;
}

/* Is the component's install step in the plan already (another check asked for it)? */
static int planned_install(const struct zh_plan *p, const struct zh_component_def *c)
{
	size_t i;

	for (i = 0; i < p->nsteps; i++)
		if (p->steps[i].kind == ZH_STEP_INSTALL && p->steps[i].component == c)
			return 1;
	return 0;
}

static int plan_comps(const struct zh_check_report *rep, const char *id, unsigned flags,
	struct zh_plan *p, struct zh_err *err)
{
	char zh[600], en[600];
	size_t i;

	/* --purge: every current component zhushou installed goes first. */
	for (i = 0; i < rep->ncomps && (flags & ZH_PLAN_PURGE); i++) {
		const struct zh_comp_state *c = &rep->comps[i];
		struct zh_step *v;

		if (c->installed == NULL)
			continue;
		if ((v = push_step(p, ZH_STEP_REMOVE, id, err)) == NULL)
			return ZH_ENOMEM;
		v->component = c->def;
		(void)snprintf(zh, sizeof(zh), "卸载 %s %s", c->def->name.zh, c->installed);
		(void)snprintf(en, sizeof(en), "remove %s %s", c->def->name.en, c->installed);
		if (texts(&v->what, zh, en, err) != 0)
			return ZH_ENOMEM;
	}
	for (i = 0; i < rep->ncomps; i++) {
		const struct zh_comp_state *c = &rep->comps[i];
		int again = c->installed != NULL && !(flags & ZH_PLAN_PURGE);
		struct zh_step *v;

		if ((c->status == ZH_COMP_OK && !(flags & (ZH_PLAN_FORCE | ZH_PLAN_PURGE))) ||
			planned_install(p, c->def))
			continue;
		if ((v = push_step(p, ZH_STEP_INSTALL, id, err)) == NULL)
			return ZH_ENOMEM;
		v->component = c->def;
		(void)snprintf(zh, sizeof(zh), "%s %s %s",
			!again				  ? "安装"
				: c->status == ZH_COMP_OK ? "重新安装"
							  : "更新",
			c->def->name.zh, c->def->version);
		(void)snprintf(en, sizeof(en), "%s %s %s",
			!again				  ? "install"
				: c->status == ZH_COMP_OK ? "reinstall"
							  : "update",
			c->def->name.en, c->def->version);
		if (texts(&v->what, zh, en, err) != 0)
			return ZH_ENOMEM;
	}
	return 0;
}

/*
 * A local service that does not answer: start the services of its component when that is
 * installed and whole (otherwise installing the component starts them).
 */
static int plan_svcs(const struct zh_check_report *rep, const struct zh_check_result *r,
	struct zh_plan *p, struct zh_err *err)
{
	const char *id = r->def->id;
	char zh[600], en[600];
	size_t i, j, k, n = 0;

	for (i = 0; i < rep->cat->nservices; i++) {
		if (rep->svcs[i].answers)
			continue;
		for (j = 0; j < rep->ncomps; j++) {
			const struct zh_comp_state *c = &rep->comps[j];

			if (strcmp(c->def->id, rep->cat->services[i].component) != 0)
				continue;
			if (c->status != ZH_COMP_OK) {
				n++; /* the component's install step starts it */
				continue;
			}
			for (k = 0; k < c->nsvcs; k++) {
				struct zh_step *v = push_step(p, ZH_STEP_SVC_START, id, err);

				if (v == NULL || (v->key = zh_strdup(c->svcs[k])) == NULL)
					return zh_err_set(err, ZH_ENOMEM, "cannot make the plan");
				(void)snprintf(zh, sizeof(zh), "启动 %s 的服务 %s", c->def->name.zh,
					c->svcs[k]);
				(void)snprintf(en, sizeof(en), "start service %s of %s", c->svcs[k],
					c->def->name.en);
				if (texts(&v->what, zh, en, err) != 0)
					return ZH_ENOMEM;
				n++;
			}
		}
	}
	return n > 0 ? 0 : add_left(p, id, r->def->advice.zh, r->def->advice.en, err);
}

int zh_plan_add_clear_cache(struct zh_plan *plan, const char *dir, struct zh_err *err)
{
	struct zh_step *v = push_step(plan, ZH_STEP_CLEAR_CACHE, "ie-cache", err);
	char zh[600], en[600];

	if (v == NULL || (v->key = zh_strdup(dir)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot make the plan");
	(void)snprintf(zh, sizeof(zh), "清理 IE 缓存（%s）", dir);
	(void)snprintf(en, sizeof(en), "clear the IE cache (%s)", dir);
	return texts(&v->what, zh, en, err);
}

int zh_plan_installs(const struct zh_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nsteps; i++)
		if (plan->steps[i].kind == ZH_STEP_INSTALL || plan->steps[i].kind == ZH_STEP_REMOVE)
			return 1;
	return 0;
}

int zh_plan_drop_installs(struct zh_plan *plan, const char *why_zh, const char *why_en,
	struct zh_err *err)
{
	size_t i, o = 0;
	int rc = 0;

	for (i = 0; i < plan->nsteps; i++) {
		struct zh_step *s = &plan->steps[i];

		if (s->kind != ZH_STEP_INSTALL && s->kind != ZH_STEP_REMOVE) {
			plan->steps[o++] = *s;
			continue;
		}
		if (rc == 0)
			rc = add_left(plan, s->check_id, why_zh, why_en, err);
		zh_free(s->what.zh);
		zh_free(s->what.en);
	}
	plan->nsteps = o;
	return rc;
}

/*
 * No UKEY module: install the component that brings it (unless the components check did), or,
 * when that component is installed and whole, say the module is not where the catalog looks.
 * Anything else about the key is advice: zhushou does not touch a key or its certificates.
 */
static int plan_ukey(const struct zh_check_report *rep, const struct zh_check_result *r,
	struct zh_plan *p, struct zh_err *err)
{
	const struct zh_component_def *def = NULL;
	const struct zh_comp_state *c = NULL;
	char zh[600], en[600];
	struct zh_step *v;
	size_t i;

	if (zh_ukey_presence(&rep->ukey) != ZH_UKEY_NO_MODULE)
		return add_left(p, r->def->id, r->def->advice.zh, r->def->advice.en, err);
	for (i = 0; i < rep->cat->ncomponents; i++)
		if (strcmp(rep->cat->components[i].id, rep->cat->ukey.component) == 0)
			def = &rep->cat->components[i];
	/* What the manifest DB says of it, when the components probe ran. */
	for (i = 0; i < rep->ncomps; i++)
		if (rep->comps[i].def == def)
			c = &rep->comps[i];
	if (def == NULL)
		return add_left(p, r->def->id, "无法确定 UKEY 驱动由哪个组件安装",
			"cannot tell which component installs the UKEY module", err);
	if (c != NULL && c->status == ZH_COMP_OK) {
		(void)snprintf(zh, sizeof(zh), "%s 已安装，但 UKEY 驱动不在 %s：请联系客服",
			def->name.zh, rep->cat->ukey.module);
		(void)snprintf(en, sizeof(en),
			"the %s is installed but the UKEY module is not at %s: contact support",
			def->name.en, rep->cat->ukey.module);
		return add_left(p, r->def->id, zh, en, err);
	}
	if (planned_install(p, def))
		return 0;
	if ((v = push_step(p, ZH_STEP_INSTALL, r->def->id, err)) == NULL)
		return ZH_ENOMEM;
	v->component = def;
	(void)snprintf(zh, sizeof(zh), "安装 %s %s（UKEY 驱动）", def->name.zh, def->version);
	(void)snprintf(en, sizeof(en), "install %s %s (the UKEY module)", def->name.en,
		def->version);
	return texts(&v->what, zh, en, err) != 0 ? ZH_ENOMEM : 0;
}

int zh_plan_make(const struct zh_check_report *rep, unsigned flags, struct zh_plan *plan,
	struct zh_err *err)
{
	size_t i;
	int rc = 0;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; i < rep->nresults && rc == 0; i++) {
		const struct zh_check_result *r = &rep->results[i];
		const char *probe = r->def->probe, *id = r->def->id;

		/* --force and --purge act on the components even when they are whole. */
		if (r->status != ZH_ST_FAIL &&
			!(strcmp(probe, "components") == 0 && r->status == ZH_ST_OK &&
				(flags & (ZH_PLAN_FORCE | ZH_PLAN_PURGE))))
			continue;
		if (strcmp(probe, "trusted_sites") == 0)
			rc = plan_sites(rep, id, plan, err);
		else if (strcmp(probe, "proxy_bypass") == 0)
			rc = plan_proxy(rep, id, plan, err);
		else if (strcmp(probe, "secure_protocols") == 0)
			rc = plan_protocols(rep, id, plan, err);
		else if (strcmp(probe, "legacy") == 0)
			rc = plan_legacy(rep, id, plan, err);
		else if (strcmp(probe, "certificates") == 0)
			rc = plan_certs(rep, id, plan, err);
		else if (strcmp(probe, "hosts") == 0)
			rc = plan_hosts(rep, id, plan, err);
		else if (strcmp(probe, "components") == 0)
			rc = plan_comps(rep, id, flags, plan, err);
		else if (strcmp(probe, "local_service") == 0)
			rc = plan_svcs(rep, r, plan, err);
		else if (strcmp(probe, "ukey") == 0)
			rc = plan_ukey(rep, r, plan, err);
		else
			/* Nothing zhushou changes (policy, versions): its advice is the answer. */
			rc = add_left(plan, id, r->def->advice.zh, r->def->advice.en, err);
	}
	if (rc != 0)
		zh_plan_release(plan);
	return rc;
}

int zh_plan_run(const struct zh_plan *plan, const struct zh_plan_hooks *hooks, struct zh_txn *t,
	int (*progress)(const struct zh_step *step, size_t index, size_t total, void *ctx),
	void *ctx, int *ret_reboot, struct zh_err *err)
{
	size_t i;
	int rc = 0, reboot;

	*ret_reboot = 0;
	for (i = 0; i < plan->nsteps && rc == 0; i++) {
		const struct zh_step *s = &plan->steps[i];

		if (progress != NULL && progress(s, i, plan->nsteps, ctx) != 0) {
			rc = zh_err_set(err, ZH_ECANCELLED, "cancelled before step %zu of %zu",
				i + 1, plan->nsteps);
			break;
		}
		if (s->kind == ZH_STEP_FILE_PUT) {
			rc = zh_txn_file_put_data(t, s->key, s->data, s->len, err);
		} else if (s->kind == ZH_STEP_CERT_ADD) {
			rc = zh_txn_cert_add(t, s->cert->store, s->cert->cert->der,
				s->cert->cert->len, s->cert->cert->sha1, err);
		} else if (s->kind == ZH_STEP_INSTALL) {
			rc = hooks == NULL || hooks->install == NULL
				? zh_err_set(err, ZH_EINVAL, "no source to install '%s' from",
					  s->component->id)
				: hooks->install(hooks->ctx, t, s->component, err);
		} else if (s->kind == ZH_STEP_REMOVE) {
			rc = hooks == NULL || hooks->remove == NULL
				? zh_err_set(err, ZH_EINVAL, "cannot remove '%s' here",
					  s->component->id)
				: hooks->remove(hooks->ctx, t, s->component, err);
		} else if (s->kind == ZH_STEP_CLEAR_CACHE) {
			size_t n;

			rc = zh_iecache_clear(t, s->key, &n, err);
		} else if (s->kind == ZH_STEP_SVC_START) {
			rc = zh_txn_service_start(t, s->key, err);
		} else if (s->kind == ZH_STEP_UNINSTALL) {
			rc = zh_txn_uninstall(t, &s->uninstall, &reboot, err);
			*ret_reboot |= reboot;
		} else {
			rc = zh_txn_reg_set(t, s->root, s->view, s->key, s->name, s->type, s->data,
				s->len, err);
		}
	}
	return rc;
}

static int have_reg(const struct zh_db_component *c, const struct zh_step *s)
{
	size_t i;

	for (i = 0; i < c->nregs; i++)
		if (c->regs[i].root == (int)s->root && c->regs[i].view == (int)s->view &&
			strcmp(c->regs[i].key, s->key) == 0 &&
			strcmp(c->regs[i].name, s->name) == 0)
			return 1;
	return 0;
}

static int have_cert(const struct zh_db_component *c, const struct zh_cert_def *d)
{
	size_t i;

	for (i = 0; i < c->ncerts; i++)
		if (strcmp(c->certs[i].store, d->store) == 0 &&
			strcmp(c->certs[i].sha1, d->cert->sha1_hex) == 0)
			return 1;
	return 0;
}

int zh_plan_record(const struct zh_plan *plan, struct zh_txn *t, struct zh_db *db,
	const char *profile_id, const char *catalog_version, struct zh_err *err)
{
	struct zh_db_component c;
	char id[128];
	size_t i, added = 0;
	int rc;

	(void)snprintf(id, sizeof(id), "profile.%s", profile_id);
	rc = zh_db_component_get(db, id, &c, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		memset(&c, 0, sizeof(c));
		rc = (c.id = zh_strdup(id)) == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory")
						    : 0;
	}
	if (rc != 0)
		return rc;
	for (i = 0; i < plan->nsteps && rc == 0; i++) {
		const struct zh_step *s = &plan->steps[i];

		if (s->kind == ZH_STEP_REG_SET && !have_reg(&c, s)) {
			struct zh_db_reg *v = zh_realloc(c.regs, (c.nregs + 1) * sizeof(*v));

			if (v == NULL) {
				rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
				break;
			}
			c.regs = v;
			v = &c.regs[c.nregs];
			v->root = (int)s->root;
			v->view = (int)s->view;
			v->key = zh_strdup(s->key);
			v->name = zh_strdup(s->name);
			c.nregs++;
			if (v->key == NULL || v->name == NULL)
				rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			added++;
		} else if (s->kind == ZH_STEP_CERT_ADD && !have_cert(&c, s->cert)) {
			struct zh_db_cert *v = zh_realloc(c.certs, (c.ncerts + 1) * sizeof(*v));

			if (v == NULL) {
				rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
				break;
			}
			c.certs = v;
			v = &c.certs[c.ncerts++];
			(void)snprintf(v->store, sizeof(v->store), "%s", s->cert->store);
			(void)snprintf(v->sha1, sizeof(v->sha1), "%s", s->cert->cert->sha1_hex);
			added++;
		}
	}
	if (rc == 0 && added > 0) {
		zh_free(c.version);
		c.version = zh_strdup(catalog_version);
		rc = c.version == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory")
				       : zh_txn_component_set(t, id, &c, err);
	}
	zh_db_component_release(&c);
	return rc;
}

void zh_plan_release(struct zh_plan *plan)
{
	size_t i, j;

	for (i = 0; i < plan->nsteps; i++) {
		zh_free(plan->steps[i].what.zh);
		zh_free(plan->steps[i].what.en);
		zh_free(plan->steps[i].key);
		zh_free(plan->steps[i].name);
		zh_free(plan->steps[i].data);
		zh_free(plan->steps[i].cmdline);
		zh_free(plan->steps[i].dir);
		for (j = 0; j < plan->steps[i].nowned; j++)
			zh_free(plan->steps[i].owned[j]);
	}
	zh_free(plan->steps);
	for (i = 0; i < plan->nleft; i++) {
		zh_free(plan->left[i].why.zh);
		zh_free(plan->left[i].why.en);
	}
	zh_free(plan->left);
	memset(plan, 0, sizeof(*plan));
}
