/* SPDX-License-Identifier: MIT */
/*
 * The check runner and its probes' verdicts. Facts are gathered once (one registry scan per
 * area) and shared: several checks may read the same scan.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "certpem.h"
#include "../sys/certstore.h"
#include "../sys/env.h"
#include "buf.h"
#include "db.h"
#include "fileutil.h"
#include "sign.h"
#include "regread.h"
#include "fetch.h"
#include "install.h"
#include "../sys/reg.h"
#include "../sys/svc.h"
#include "../sys/mem.h"
#include "utc.h"
#include "mem.h"
#include "banned.h"

#define ZH_MAX_DETAIL (64 * 1024)
#define ZH_SVC_PROBE_MS 5000 /* a local service answers at once, or not at all */

const char *const zh_probe_names[] = {
	"legacy",
	"trusted_sites",
	"proxy_bypass",
	"secure_protocols",
	"certificates",
	"os",
	"ie",
	"browsers",
	"usb_policy",
	"reboot_pending",
	"hosts",
	"components",
	"admin",
	"antivirus",
	"local_service",
	"ukey",
	"ukey_certificate",
	"mirror",
	NULL,
};

const char *zh_status_name(enum zh_status st)
{
	switch (st) {
	case ZH_ST_OK:
		return "ok";
	case ZH_ST_FAIL:
		return "fail";
	case ZH_ST_WARN:
		return "warn";
	case ZH_ST_SKIP:
		return "skip";
	default:
		return "error";
	}
}

const char *zh_severity_name(enum zh_severity sev)
{
	switch (sev) {
	case ZH_SEV_INFO:
		return "info";
	case ZH_SEV_WARNING:
		return "warning";
	default:
		return "error";
	}
}

/* Details are built in both languages side by side. */
struct detail {
	struct zh_buf zh;
	struct zh_buf en;
};

static void detail_init(struct detail *d)
{
	zh_buf_init(&d->zh, ZH_MAX_DETAIL);
	zh_buf_init(&d->en, ZH_MAX_DETAIL);
}

static void detail_release(struct detail *d)
{
	zh_buf_release(&d->zh);
	zh_buf_release(&d->en);
}

static int detail_take(struct detail *d, struct zh_text *ret, struct zh_err *err)
{
	ret->zh = zh_buf_take(&d->zh);
	ret->en = zh_buf_take(&d->en);
	if (ret->zh == NULL || ret->en == NULL) {
		zh_free(ret->zh);
		zh_free(ret->en);
		ret->zh = ret->en = NULL;
		return zh_err_set(err, ZH_ENOMEM, "cannot record check result");
	}
	return 0;
}

static const char *view_zh(enum zh_arp_view view)
{
	switch (view) {
	case ZH_ARP_VIEW_64:
		return "64 位";
	case ZH_ARP_VIEW_32:
		return "32 位";
	default:
		return "当前用户";
	}
}

static int verdict_legacy(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_arp_scan *a = &rep->arp;
	size_t i;
	int rc;

	if (a->nhits == 0) {
		*st = ZH_ST_OK;
		rc = zh_buf_printf(&d->zh, err, "未发现旧版控件（已检查 %zu 个程序）", a->scanned);
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err,
				"no old controls found (%zu programs checked)", a->scanned);
		return rc;
	}
	*st = ZH_ST_FAIL;
	rc = zh_buf_printf(&d->zh, err, "发现 %zu 个需要卸载的旧控件：", a->nhits);
	if (rc == 0)
		rc = zh_buf_printf(&d->en, err, "%zu old controls to remove:", a->nhits);
	for (i = 0; i < a->nhits && rc == 0; i++) {
		const struct zh_arp_hit *h = &a->hits[i];
		const char *v = zh_arp_view_name(h->view);

		rc = zh_buf_printf(&d->zh, err, "\n%s（%s，%s）", h->display_name, view_zh(h->view),
			zh_uninst_kind_name(h->kind));
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err, "\n%s (%s%s, %s)", h->display_name, v,
				h->view == ZH_ARP_VIEW_USER ? "" : "-bit",
				zh_uninst_kind_name(h->kind));
	}
	return rc;
}

static int verdict_sites(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_inet_state *s = &rep->inet;
	size_t i, missing = 0;
	int rc = 0;

	for (i = 0; i < s->nsites; i++)
		missing += !s->sites[i].present;
	*st = missing == 0 ? ZH_ST_OK : ZH_ST_FAIL;
	if (missing == 0) {
		rc = zh_buf_printf(&d->zh, err, "%zu 个受信任站点均已设置（%s）", s->nsites,
			zh_hive_name(s->zone_hive));
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err, "all %zu trusted sites are set (%s)",
				s->nsites, zh_hive_name(s->zone_hive));
		return rc;
	}
	rc = zh_buf_printf(&d->zh, err, "缺少受信任站点：");
	if (rc == 0)
		rc = zh_buf_printf(&d->en, err, "missing trusted sites:");
	for (i = 0; i < s->nsites && rc == 0; i++) {
		const struct zh_site_state *x = &s->sites[i];

		if (x->present)
			continue;
		rc = zh_buf_printf(&d->zh, err, " %s://*.%s", x->def->scheme, x->def->domain);
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err, " %s://*.%s", x->def->scheme,
				x->def->domain);
	}
	if (rc == 0 && s->zonemap_locked) {
		rc = zh_buf_printf(&d->zh, err,
			"；区域列表被组策略锁定（站点到区域分配列表），需贵司 IT 在组策略中添加");
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err,
				"; the zone map is locked by Group Policy (Site to Zone "
				"Assignment List): IT must add them in the policy");
	}
	return rc;
}

static int verdict_proxy(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_inet_state *s = &rep->inet;
	const struct zh_catalog *cat = rep->cat;
	size_t i, missing = 0;
	int rc = 0;

	if (!s->proxy_enabled) {
		*st = ZH_ST_OK;
		rc = zh_buf_printf(&d->zh, err, "未使用代理服务器");
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err, "no proxy server in use");
		return rc;
	}
	for (i = 0; i < s->nbypass; i++)
		missing += !s->bypass_present[i];
	*st = missing == 0 ? ZH_ST_OK : ZH_ST_FAIL;
	rc = zh_buf_printf(&d->zh, err, "代理 %s（%s）", s->proxy_server ? s->proxy_server : "?",
		zh_hive_name(s->proxy_hive));
	if (rc == 0)
		rc = zh_buf_printf(&d->en, err, "proxy %s (%s)",
			s->proxy_server ? s->proxy_server : "?", zh_hive_name(s->proxy_hive));
	for (i = 0; i < s->nbypass && rc == 0; i++) {
		rc = zh_buf_printf(&d->zh, err,
			s->bypass_present[i] ? "，例外已含 %s" : "，例外缺少 %s", cat->bypass[i]);
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err,
				s->bypass_present[i] ? ", exceptions include %s"
						     : ", exceptions lack %s",
				cat->bypass[i]);
	}
	return rc;
}

static int verdict_protocols(const struct zh_check_report *rep, enum zh_status *st,
	struct detail *d, struct zh_err *err)
{
	const struct zh_inet_state *s = &rep->inet;
	uint32_t need = rep->cat->proto_require;
	int ok = (s->secure_protocols & need) == need;
	int rc;

	*st = ok ? ZH_ST_OK : ZH_ST_FAIL;
	rc = zh_buf_printf(&d->zh, err, "SecureProtocols=0x%X（来源：%s），%s",
		(unsigned)s->secure_protocols, s->secure_source,
		ok ? "所需协议均已启用" : "所需的 TLS 版本未启用");
	if (rc == 0)
		rc = zh_buf_printf(&d->en, err, "SecureProtocols=0x%X (from %s), %s",
			(unsigned)s->secure_protocols, s->secure_source,
			ok ? "required protocols enabled" : "a required TLS version is disabled");
	return rc;
}

static int verdict_certs(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	size_t i, missing = 0;
	int rc = 0;

	for (i = 0; i < rep->ncerts; i++)
		missing += !rep->certs[i].present;
	*st = missing == 0 ? ZH_ST_OK : ZH_ST_FAIL;
	if (missing == 0) {
		rc = zh_buf_printf(&d->zh, err, "%zu 个证书均已安装（本地计算机）", rep->ncerts);
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err,
				"all %zu certificates are installed (local computer)", rep->ncerts);
		return rc;
	}
	for (i = 0; i < rep->ncerts && rc == 0; i++) {
		const struct zh_cert_def *c = rep->certs[i].def;

		if (rep->certs[i].present)
			continue;
		rc = zh_buf_printf(&d->zh, err, "%s本地计算机 %s 中缺少 %s（SHA-256 %.16s…）",
			d->zh.len > 0 ? "\n" : "", c->store, c->cert->subject, c->cert->sha256_hex);
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err,
				"%s%s is missing from LocalMachine %s (SHA-256 %.16s...)",
				d->en.len > 0 ? "\n" : "", c->cert->subject, c->store,
				c->cert->sha256_hex);
	}
	return rc;
}

/* A problem is a failure, a warning or only a note, as the catalog's severity says. */
static enum zh_status problem(const struct zh_check_report *rep, const char *probe)
{
	size_t i;

	for (i = 0; i < rep->cat->nchecks; i++)
		if (strcmp(rep->cat->checks[i].probe, probe) == 0)
			return rep->cat->checks[i].severity == ZH_SEV_ERROR	 ? ZH_ST_FAIL
				: rep->cat->checks[i].severity == ZH_SEV_WARNING ? ZH_ST_WARN
										 : ZH_ST_OK;
	return ZH_ST_WARN;
}

static int two(struct detail *d, struct zh_err *err, const char *zh, const char *en)
{
	int rc = zh_buf_adds(&d->zh, zh, err);

	return rc != 0 ? rc : zh_buf_adds(&d->en, en, err);
}

static int verdict_os(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const char *label = zh_env_os_label(&rep->env);
	size_t i;
	int ok = 0, rc;

	for (i = 0; label != NULL && i < rep->cat->nsupported_os; i++)
		ok |= strcmp(rep->cat->supported_os[i], label) == 0;
	*st = ok || rep->cat->nsupported_os == 0 ? ZH_ST_OK : problem(rep, "os");
	rc = zh_buf_printf(&d->zh, err, "%s（%s，版本 %d.%d，内部版本 %u）%s",
		label != NULL ? label : "未知 Windows", rep->env.os_name ? rep->env.os_name : "?",
		rep->env.os_major, rep->env.os_minor, (unsigned)rep->env.os_build,
		ok ? "" : "，不在支持列表中");
	if (rc == 0)
		rc = zh_buf_printf(&d->en, err, "%s (%s, version %d.%d, build %u)%s",
			label != NULL ? label : "unknown Windows",
			rep->env.os_name ? rep->env.os_name : "?", rep->env.os_major,
			rep->env.os_minor, (unsigned)rep->env.os_build,
			ok ? "" : ", not a supported version");
	return rc;
}

static int verdict_ie(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	int min = rep->cat->ie_min, v = rep->env.ie_major, rc;

	if (rep->env.ie_version == NULL) {
		*st = ZH_ST_OK;
		return two(d, err, "未安装 Internet Explorer（可使用 Chrome 或 Edge）",
			"Internet Explorer is not installed (Chrome or Edge will do)");
	}
	*st = v >= min ? ZH_ST_OK : problem(rep, "ie");
	rc = zh_buf_printf(&d->zh, err, "Internet Explorer %s%s", rep->env.ie_version,
		v >= min	 ? ""
			: v <= 8 ? "：IE8 及以下登录时白屏"
				 : "：低于 IE10 时业务提交无反应");
	if (rc == 0)
		rc = zh_buf_printf(&d->en, err, "Internet Explorer %s%s", rep->env.ie_version,
			v >= min	 ? ""
				: v <= 8 ? ": IE8 and older show a white page at login"
					 : ": below IE10, submitting a form does nothing");
	return rc;
}

static int verdict_browsers(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_env_state *e = &rep->env;
	int rc;

	*st = e->chrome != NULL || e->edge != NULL ? ZH_ST_OK : problem(rep, "browsers");
	if (e->chrome == NULL && e->edge == NULL)
		return two(d, err, "未找到 Chrome 或 Edge（推荐使用）",
			"neither Chrome nor Edge was found (recommended)");
	rc = zh_buf_printf(&d->zh, err, "%s%s%s%s%s", e->chrome ? "Chrome " : "",
		e->chrome ? (e->chrome_version ? e->chrome_version : "(版本未知)") : "",
		e->chrome && e->edge ? "，" : "", e->edge ? "Edge " : "",
		e->edge ? (e->edge_version ? e->edge_version : "(版本未知)") : "");
	if (rc == 0)
		rc = zh_buf_printf(&d->en, err, "%s%s%s%s%s", e->chrome ? "Chrome " : "",
			e->chrome ? (e->chrome_version ? e->chrome_version : "(version unknown)")
				  : "",
			e->chrome && e->edge ? ", " : "", e->edge ? "Edge " : "",
			e->edge ? (e->edge_version ? e->edge_version : "(version unknown)") : "");
	return rc;
}

static int verdict_usb(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_env_state *e = &rep->env;
	int rc = 0;

	if (!e->usbstor_disabled && !e->cdrom_disabled && !e->removable_denied) {
		*st = ZH_ST_OK;
		return two(d, err, "未发现禁用 USB 存储或光驱的策略",
			"no policy blocks USB storage or the CD-ROM drive");
	}
	*st = problem(rep, "usb_policy");
	if (e->usbstor_disabled)
		rc = two(d, err, "USB 存储已被禁用（USBSTOR Start=4）。",
			"USB storage is disabled (USBSTOR Start=4). ");
	if (rc == 0 && e->cdrom_disabled)
		rc = two(d, err, "光驱驱动已被禁用（cdrom Start=4）。",
			"the CD-ROM driver is disabled (cdrom Start=4). ");
	if (rc == 0 && e->removable_denied)
		rc = two(d, err, "组策略禁止访问可移动存储/光驱。",
			"Group Policy denies removable storage / CD-ROM access. ");
	return rc;
}

static int verdict_reboot(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_env_state *e = &rep->env;
	int rc;

	if (!e->reboot_file_ops && !e->reboot_cbs && !e->reboot_wu) {
		*st = ZH_ST_OK;
		return two(d, err, "无待重启的操作", "no reboot pending");
	}
	*st = problem(rep, "reboot_pending");
	rc = zh_buf_printf(&d->zh, err, "电脑需要重启：%s%s%s",
		e->reboot_file_ops ? "有待替换的文件 " : "", e->reboot_cbs ? "系统更新组件 " : "",
		e->reboot_wu ? "Windows 更新" : "");
	if (rc == 0)
		rc = zh_buf_printf(&d->en, err, "a reboot is pending:%s%s%s",
			e->reboot_file_ops ? " file replacements" : "",
			e->reboot_cbs ? " servicing" : "", e->reboot_wu ? " Windows Update" : "");
	return rc;
}

static int verdict_hosts(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_hosts_state *h = &rep->hosts;
	size_t i;
	int rc = 0, bad = 0;

	for (i = 0; i < h->nhosts && rc == 0; i++) {
		const struct zh_host_state *x = &h->hosts[i];
		int ok = x->mapped != NULL && strcmp(x->mapped, x->def->address) == 0;

		bad += !ok;
		rc = zh_buf_printf(&d->zh, err, "%s%s → %s%s", i > 0 ? "\n" : "", x->def->name,
			x->mapped != NULL ? x->mapped : "（hosts 文件中没有）",
			ok			    ? ""
				: x->mapped != NULL ? "，应为 "
						    : "");
		if (rc == 0 && !ok && x->mapped != NULL)
			rc = zh_buf_adds(&d->zh, x->def->address, err);
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err, "%s%s -> %s%s%s", i > 0 ? "\n" : "",
				x->def->name,
				x->mapped != NULL ? x->mapped : "(not in the hosts file)",
				!ok && x->mapped != NULL ? ", should be " : "",
				!ok && x->mapped != NULL ? x->def->address : "");
	}
	*st = bad == 0 ? ZH_ST_OK : problem(rep, "hosts");
	return rc;
}

static int probe_certs(struct zh_check_report *rep, struct zh_err *err)
{
	const struct zh_catalog *cat = rep->cat;
	size_t i;
	int rc;

	rep->certs = zh_calloc(cat->ncerts, sizeof(*rep->certs));
	if (rep->certs == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot check certificates");
	rep->ncerts = cat->ncerts;
	for (i = 0; i < cat->ncerts; i++) {
		rep->certs[i].def = &cat->certs[i];
		rc = sys_cert_present(SYS_CERT_LOCAL_MACHINE, cat->certs[i].store,
			cat->certs[i].cert->sha1, &rep->certs[i].present, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int probe_comps(struct zh_check_report *rep, struct zh_err *err)
{
	const struct zh_catalog *cat = rep->cat;
	size_t i;
	int rc = 0;

	rep->comps = zh_calloc(cat->ncomponents + 1, sizeof(*rep->comps));
	if (rep->comps == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot check components");
	rep->ncomps = cat->ncomponents;
	for (i = 0; i < cat->ncomponents && rc == 0; i++) {
		struct zh_comp_state *s = &rep->comps[i];
		struct zh_db_component c;

		s->def = &cat->components[i];
		s->status = ZH_COMP_MISSING;
		if (rep->db == NULL)
			continue;
		rc = zh_db_component_get(rep->db, s->def->id, &c, err);
		if (rc == ZH_ENOENT) {
			zh_err_init(err);
			rc = 0;
			continue;
		}
		if (rc != 0)
			break;
		s->installed = zh_strdup(c.version);
		if (s->installed == NULL)
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		else if (strcmp(c.version, s->def->version) != 0)
			s->status = ZH_COMP_VERSION;
		else
			rc = zh_install_verify(&c, &s->file, err);
		if (rc == 0 && s->status != ZH_COMP_VERSION)
			s->status = s->file != NULL ? ZH_COMP_DAMAGED : ZH_COMP_OK;
		/* Its services, for starting one that does not answer. */
		if (rc == 0) {
			s->svcs = c.svcs;
			s->nsvcs = c.nsvcs;
			c.svcs = NULL;
			c.nsvcs = 0;
		}
		zh_db_component_release(&c);
	}
	return rc;
}

static void comps_release(struct zh_check_report *rep)
{
	size_t i;

	for (i = 0; rep->comps != NULL && i < rep->ncomps; i++) {
		zh_free(rep->comps[i].installed);
		zh_free(rep->comps[i].file);
		zh_db_strings_free(rep->comps[i].svcs, rep->comps[i].nsvcs);
	}
	zh_free(rep->comps);
}

static int verdict_comps(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	size_t i;
	int rc = 0, bad = 0;

	for (i = 0; i < rep->ncomps && rc == 0; i++) {
		const struct zh_comp_state *s = &rep->comps[i];
		const char *nl = i > 0 ? "\n" : "";

		bad += s->status != ZH_COMP_OK;
		switch (s->status) {
		case ZH_COMP_OK:
			rc = zh_buf_printf(&d->zh, err, "%s%s %s：已安装，文件完整", nl,
				s->def->name.zh, s->def->version);
			if (rc == 0)
				rc = zh_buf_printf(&d->en, err, "%s%s %s: installed, files intact",
					nl, s->def->name.en, s->def->version);
			break;
		case ZH_COMP_MISSING:
			rc = zh_buf_printf(&d->zh, err, "%s%s %s：未安装", nl, s->def->name.zh,
				s->def->version);
			if (rc == 0)
				rc = zh_buf_printf(&d->en, err, "%s%s %s: not installed", nl,
					s->def->name.en, s->def->version);
			break;
		case ZH_COMP_VERSION:
			rc = zh_buf_printf(&d->zh, err, "%s%s：已安装 %s，需要 %s", nl,
				s->def->name.zh, s->installed, s->def->version);
			if (rc == 0)
				rc = zh_buf_printf(&d->en, err, "%s%s: %s installed, %s needed", nl,
					s->def->name.en, s->installed, s->def->version);
			break;
		case ZH_COMP_DAMAGED:
			rc = zh_buf_printf(&d->zh, err, "%s%s %s：已损坏或缺失：%s", nl,
				s->def->name.zh, s->def->version, s->file);
			if (rc == 0)
				rc = zh_buf_printf(&d->en, err, "%s%s %s: changed or missing: %s",
					nl, s->def->name.en, s->def->version, s->file);
			break;
		}
	}
	if (rc == 0 && rep->ncomps == 0)
		rc = two(d, err, "本配置不需要组件", "the profile needs no components");
	*st = bad == 0 ? ZH_ST_OK : problem(rep, "components");
	return rc;
}

/* Each catalog antivirus whose service is installed and not disabled (Start 4). */
static int probe_av(struct zh_check_report *rep, struct zh_err *err)
{
	const struct zh_catalog *cat = rep->cat;
	size_t i;
	int rc = 0;

	rep->av_present = zh_calloc(cat->nantivirus + 1, 1);
	if (rep->av_present == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot check security software");
	for (i = 0; i < cat->nantivirus && rc == 0; i++) {
		char path[320];
		uint32_t start = 0;
		size_t odd = 0;
		int found = 0;

		(void)snprintf(path, sizeof(path), "SYSTEM\\CurrentControlSet\\Services\\%s",
			cat->antivirus[i].service);
		rc = zh_regread_dword(SYS_REG_HKLM, path, "Start", &start, &found, &odd, err);
		if (rc == ZH_ENOENT) {
			zh_err_init(err);
			rc = 0;
		}
		rep->av_present[i] = rc == 0 && found && start != 4;
	}
	return rc;
}

static int verdict_av(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_catalog *cat = rep->cat;
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < cat->nantivirus && rc == 0; i++) {
		if (!rep->av_present[i])
			continue;
		rc = zh_buf_printf(&d->zh, err, "%s%s", n > 0 ? "、" : "发现会拦截安装的安全软件：",
			cat->antivirus[i].name.zh);
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err, "%s%s",
				n > 0 ? ", " : "security software that blocks installers: ",
				cat->antivirus[i].name.en);
		n++;
	}
	if (rc == 0 && n == 0)
		rc = two(d, err, "未发现已知会拦截修复的安全软件",
			"no security software known to block repair");
	*st = n == 0 ? ZH_ST_OK : problem(rep, "antivirus");
	return rc;
}

static int verdict_admin(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	if (rep->admin) {
		*st = ZH_ST_OK;
		return two(d, err, "以管理员身份运行", "running with administrator rights");
	}
	*st = problem(rep, "admin");
	return two(d, err,
		"没有管理员权限：卸载旧控件、安装证书和控件、修改本机设置都需要管理员权限",
		"no administrator rights: removing old controls, installing certificates and "
		"controls and changing machine settings all need them");
}

/*
 * Each catalog local service: an HTTPS request for its host name at its address, trusting
 * what the browsers trust machine-wide: the LocalMachine Root store.
 */
static int probe_svcs(struct zh_check_report *rep, struct zh_err *err)
{
	const struct zh_catalog *cat = rep->cat;
	struct zh_buf roots;
	size_t i;
	int rc = 0;

	zh_buf_init(&roots, 16 * 1024 * 1024);
	if (cat->nservices > 0 &&
		(rc = zh_cert_store_pem(SYS_CERT_LOCAL_MACHINE, "Root", &roots, err)) != 0) {
		zh_buf_release(&roots);
		return rc;
	}

	rep->svcs = zh_calloc(cat->nservices + 1, sizeof(*rep->svcs));
	if (rep->svcs == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "cannot check local services");
	for (i = 0; i < cat->nservices && rc == 0; i++) {
		const struct zh_local_service_def *d = &cat->services[i];
		struct zh_svc_state *s = &rep->svcs[i];
		struct zh_err e;

		zh_err_init(&e);
		s->def = d;
		s->code = zh_fetch_https_local(d->host, d->port, d->address, roots.data, roots.len,
			ZH_SVC_PROBE_MS, &s->status, &e);
		s->answers = s->code == 0;
		if (s->code == ZH_ENOMEM || (!s->answers && (s->why = zh_strdup(e.msg)) == NULL))
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	zh_buf_release(&roots);
	return rc;
}

static int verdict_svcs(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_catalog *cat = rep->cat;
	size_t i, bad = 0;
	int rc = 0;

	for (i = 0; i < cat->nservices && rc == 0; i++) {
		const struct zh_svc_state *s = &rep->svcs[i];
		const char *nl = i > 0 ? "\n" : "";

		bad += !s->answers;
		if (s->answers) {
			rc = zh_buf_printf(&d->zh, err, "%s%s：https://%s:%d 正常响应（%s）", nl,
				s->def->name.zh, s->def->host, s->def->port, s->def->address);
			if (rc == 0)
				rc = zh_buf_printf(&d->en, err,
					"%s%s: https://%s:%d answers (at %s)", nl, s->def->name.en,
					s->def->host, s->def->port, s->def->address);
			continue;
		}
		rc = zh_buf_printf(&d->zh, err, "%s%s：https://%s:%d 无法访问（%s）：%s", nl,
			s->def->name.zh, s->def->host, s->def->port, zh_err_str(s->code, "zh"),
			s->why);
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err,
				"%s%s: https://%s:%d does not answer (%s): %s", nl, s->def->name.en,
				s->def->host, s->def->port, zh_err_str(s->code, "en"), s->why);
	}
	if (rc == 0 && cat->nservices == 0)
		rc = two(d, err, "本配置没有本地服务", "the profile has no local service");
	*st = bad == 0 ? ZH_ST_OK : problem(rep, "local_service");
	return rc;
}

/* The UKEY (ukey.h); the environment too, for what the policies say when no key shows. */
static int probe_ukey(struct zh_check_report *rep, struct zh_err *err)
{
	struct zh_err e;
	int rc;

	if (rep->cat->ukey.nmodules == 0)
		return 0;
	if (rep->have_env == 0) {
		zh_err_init(&e);
		rc = zh_env_probe(&rep->env, &e);
		if (rc == ZH_ENOMEM)
			return zh_err_set(err, ZH_ENOMEM, "out of memory");
		rep->have_env = rc == 0 ? 1 : -rc;
	}
	return zh_ukey_probe(&rep->cat->ukey, (int64_t)time(NULL), &rep->ukey, err);
}

/* The catalog's name of the component that installs the UKEY module. */
static const struct zh_text *ukey_component(const struct zh_catalog *cat)
{
	size_t i;

	for (i = 0; i < cat->ncomponents; i++)
		if (strcmp(cat->components[i].id, cat->ukey.component) == 0)
			return &cat->components[i].name;
	return NULL; /* the catalog parser refuses this */
}

/* Append both texts (already formatted) to d. */
static int say(struct detail *d, struct zh_err *err, const char *zh, const char *en)
{
	int rc = zh_buf_printf(&d->zh, err, "%s", zh);

	return rc != 0 ? rc : zh_buf_printf(&d->en, err, "%s", en);
}

static int ckr_text(const struct zh_p11_token *t, char *out, size_t n)
{
	const char *name = zh_p11_ckr_name(t->ckr);

	return name != NULL ? snprintf(out, n, "%s: %s", t->failed, name)
			    : snprintf(out, n, "%s: CKR 0x%lx", t->failed, t->ckr);
}

static int verdict_ukey(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_ukey_state *u = &rep->ukey;
	const struct zh_text *comp;
	const struct zh_p11_token *t;
	char zh[900], en[900], drive[3] = "";
	size_t i;

	if (rep->cat->ukey.nmodules == 0) {
		*st = ZH_ST_OK;
		return two(d, err, "本配置不使用 UKEY", "the profile uses no UKEY");
	}
	comp = ukey_component(rep->cat);
	*st = problem(rep, "ukey");
	switch (zh_ukey_presence(u)) {
	case ZH_UKEY_NO_MODULE:
		*st = ZH_ST_FAIL; /* repair installs it */
		for (i = 0; i < u->ndrives && !u->drives[i].matches; i++)
			;
		if (i < u->ndrives)
			(void)snprintf(drive, sizeof(drive), "%c:", u->drives[i].letter);
		(void)snprintf(zh, sizeof(zh),
			"未安装 UKEY 驱动（%s 不存在）%s%s%s：一键修复将安装%s。",
			rep->cat->ukey.module, drive[0] != '\0' ? "，UKEY 已插入（光驱 " : "",
			drive, drive[0] != '\0' ? "）" : "", comp->zh);
		(void)snprintf(en, sizeof(en),
			"the UKEY module is not installed (no %s)%s%s%s: repair installs the %s.",
			rep->cat->ukey.module,
			drive[0] != '\0' ? "; a UKEY is plugged in (CD drive " : "", drive,
			drive[0] != '\0' ? ")" : "", comp->en);
		return say(d, err, zh, en);
	case ZH_UKEY_MODULE_FAILED:
		(void)snprintf(zh, sizeof(zh),
			"UKEY 驱动 %s 无法使用（%s）：请运行 zhushou repair --force 重新安装%s。",
			u->module_path, u->p11.why, comp->zh);
		(void)snprintf(en, sizeof(en),
			"the UKEY module %s does not work (%s): run zhushou repair --force to "
			"install the %s again.",
			u->module_path, u->p11.why, comp->en);
		return say(d, err, zh, en);
	case ZH_UKEY_NO_TOKEN:
		for (i = 0; i < u->ndrives && !u->drives[i].matches; i++)
			;
		if (i < u->ndrives) {
			(void)snprintf(zh, sizeof(zh),
				"UKEY 已插入（显示为光驱 %c:“%s”），但 UKEY "
				"驱动识别不到它：请拔出重插；"
				"仍不行请运行 zhushou repair --force 重新安装%s。",
				u->drives[i].letter, u->drives[i].label, comp->zh);
			(void)snprintf(en, sizeof(en),
				"a UKEY is plugged in (CD drive %c: \"%s\") but the UKEY module "
				"does not "
				"see it: plug it in again; if that does not help, run zhushou "
				"repair "
				"--force to install the %s again.",
				u->drives[i].letter, u->drives[i].label, comp->en);
			return say(d, err, zh, en);
		}
		if (rep->have_env == 1 &&
			(rep->env.usbstor_disabled || rep->env.cdrom_disabled ||
				rep->env.removable_denied))
			return two(d, err,
				"未检测到 UKEY：本机策略禁用了 USB 存储或光驱（见“USB "
				"与光驱策略”），"
				"UKEY 插入后显示为光驱，会被该策略挡住：请联系贵司 IT 解除该策略。",
				"no UKEY found: a policy on this PC blocks USB storage or the "
				"CD-ROM "
				"drive (see the USB and CD-ROM policy check), and a UKEY shows up "
				"as a "
				"CD drive: ask your IT department to lift it.");
		return two(d, err,
			"未检测到 UKEY：请插入 UKEY。正常插入后会出现一个光驱（CD "
			"驱动器）；如没有，"
			"请拔出重插或换一个 USB 口，仍不行请联系贵司 IT 排查 USB 故障或禁用 "
			"USB/光驱的策略。",
			"no UKEY found: insert the UKEY. A plugged-in UKEY shows up as a CD drive; "
			"if "
			"none appears, plug it in again or use another USB port, and if that does "
			"not "
			"help, ask your IT department to look for a USB fault or a policy blocking "
			"USB "
			"storage or CD drives.");
	case ZH_UKEY_PRESENT:
		break;
	}
	*st = ZH_ST_OK;
	t = zh_ukey_token(u);
	(void)snprintf(zh, sizeof(zh), "UKEY“%s”（序列号 %s，%s）已插入，驱动：%s", t->label,
		t->serial, t->manufacturer, u->p11.library);
	(void)snprintf(en, sizeof(en), "UKEY \"%s\" (serial %s, %s) is plugged in; module: %s",
		t->label, t->serial, t->manufacturer, u->p11.library);
	return say(d, err, zh, en);
}

/* One certificate of the key, for people: subject, issuer, serial, end of validity. */
static int say_cert(struct detail *d, struct zh_err *err, const struct zh_ukey_state *u,
	const struct zh_p11_cert *c)
{
	char until[ZH_UTC_LEN], zh[900], en[900];
	int ca = zh_ukey_issuer_matches(u->def, c->issuer);

	zh_utc_format(c->not_after, until);
	(void)snprintf(zh, sizeof(zh), "证书 %s（颁发者 %s%s，序列号 %s，有效期至 %s）", c->subject,
		c->issuer, ca ? "，预期的 CA" : "", c->serial, until);
	(void)snprintf(en, sizeof(en), "certificate %s (issuer %s%s, serial %s, valid until %s)",
		c->subject, c->issuer, ca ? ", the expected CA" : "", c->serial, until);
	return say(d, err, zh, en);
}

/* The Windows view beside the module's: smart-card certificates in CurrentUser MY. */
static int say_wincerts(struct detail *d, struct zh_err *err, const struct zh_ukey_state *u)
{
	char zh[600], en[600];
	size_t i, n = 0, k = 0;
	int rc = 0;

	if (!u->have_wincerts)
		return 0;
	for (i = 0; i < u->nwincerts; i++)
		n += u->wincerts[i].smartcard;
	(void)snprintf(zh, sizeof(zh), "Windows 证书存储（当前用户\\个人）中有智能卡证书 %zu 张",
		n);
	(void)snprintf(en, sizeof(en),
		" The Windows store (CurrentUser\\MY) holds %zu smart-card certificate%s", n,
		n == 1 ? "" : "s");
	rc = say(d, err, zh, en);
	for (i = 0; i < u->nwincerts && rc == 0; i++) {
		if (!u->wincerts[i].smartcard)
			continue;
		(void)snprintf(zh, sizeof(zh), "%s%s（%s）", k == 0 ? "：" : "；",
			u->wincerts[i].subject, u->wincerts[i].provider);
		(void)snprintf(en, sizeof(en), "%s%s (%s)", k++ == 0 ? ": " : "; ",
			u->wincerts[i].subject, u->wincerts[i].provider);
		rc = say(d, err, zh, en);
	}
	return rc == 0 ? two(d, err, "。", ".") : rc;
}

static int verdict_ukey_cert(const struct zh_check_report *rep, enum zh_status *st,
	struct detail *d, struct zh_err *err)
{
	const struct zh_ukey_state *u = &rep->ukey;
	const struct zh_p11_cert *best = NULL;
	const struct zh_p11_token *t;
	char zh[600], en[600], why[160];
	int64_t days;
	int rc;

	if (rep->cat->ukey.nmodules == 0) {
		*st = ZH_ST_OK;
		return two(d, err, "本配置不使用 UKEY", "the profile uses no UKEY");
	}
	*st = problem(rep, "ukey_certificate");
	t = zh_ukey_token(u);
	switch (zh_ukey_certs(u, &best)) {
	case ZH_UKEY_CERTS_NA:
		*st = ZH_ST_SKIP;
		rc = two(d, err, "未检测到 UKEY，无法读取证书。",
			"no UKEY whose certificate to read.");
		break;
	case ZH_UKEY_CERTS_UNREADABLE:
		(void)ckr_text(t, why, sizeof(why));
		(void)snprintf(zh, sizeof(zh),
			"UKEY“%s”（序列号 %s）的证书无法读取（%s）：请拔出重插；仍不行请运行 "
			"zhushou repair --force 重新安装 UKEY 控件。",
			t->label, t->serial, why);
		(void)snprintf(en, sizeof(en),
			"the certificates on UKEY \"%s\" (serial %s) cannot be read (%s): plug it "
			"in "
			"again; if that does not help, run zhushou repair --force to install the "
			"UKEY control again.",
			t->label, t->serial, why);
		rc = say(d, err, zh, en);
		break;
	case ZH_UKEY_CERTS_NONE:
		(void)snprintf(zh, sizeof(zh),
			"UKEY“%s”（序列号 %s）中没有证书：请联系客服或客户经理重新灌装证书或更换 "
			"UKEY。",
			t->label, t->serial);
		(void)snprintf(en, sizeof(en),
			"UKEY \"%s\" (serial %s) holds no certificate: ask support or your account "
			"manager to load the certificate again or to replace the UKEY.",
			t->label, t->serial);
		rc = say(d, err, zh, en);
		break;
	case ZH_UKEY_CERTS_EXPIRED:
		rc = say_cert(d, err, u, best);
		if (rc == 0)
			rc = two(d, err, "已过期或尚未生效：请联系客服更新证书。",
				" has expired or is not yet valid: ask support to renew the "
				"certificate.");
		break;
	case ZH_UKEY_CERTS_EXPIRING:
		*st = ZH_ST_WARN;
		days = zh_days_left(best->not_after, u->now);
		rc = say_cert(d, err, u, best);
		(void)snprintf(zh, sizeof(zh), "将在 %lld 天内过期：请尽快联系客服更新证书。",
			(long long)days);
		(void)snprintf(en, sizeof(en),
			" expires in %lld day%s: ask support to renew it soon.", (long long)days,
			days == 1 ? "" : "s");
		if (rc == 0)
			rc = say(d, err, zh, en);
		break;
	case ZH_UKEY_CERTS_OK:
	default:
		*st = ZH_ST_OK;
		rc = say_cert(d, err, u, best);
		if (rc == 0)
			rc = two(d, err, "有效。", " is valid.");
		break;
	}
	return rc == 0 ? say_wincerts(d, err, u) : rc;
}

typedef int (*verdict_fn)(const struct zh_check_report *, enum zh_status *, struct detail *,
	struct zh_err *);

enum fact {
	FACT_ARP,
	FACT_INET,
	FACT_CERTS,
	FACT_ENV,
	FACT_HOSTS,
	FACT_COMPS,
	FACT_ADMIN,
	FACT_AV,
	FACT_SVCS,
	FACT_UKEY,
	FACT_MIRROR,
};

/* Online mode (mirror.h): the mirror of --source or Group Policy, when there is one. */
static int probe_mirror(struct zh_check_report *rep, struct zh_err *err)
{
	const char *url = rep->opts.mirror;

	if (url == NULL && rep->policy.source != NULL && zh_policy_is_url(rep->policy.source))
		url = rep->policy.source;
	if (!rep->opts.try_mirror || url == NULL || !zh_policy_is_url(url) ||
		!rep->policy.allow_online)
		return 0;
	return zh_mirror_check(url, rep->opts.proxy, rep->opts.net_timeout_secs,
		rep->policy.publisher_pem, rep->opts.now != 0 ? rep->opts.now : (int64_t)time(NULL),
		&rep->mirror, err);
}

static int verdict_mirror(const struct zh_check_report *rep, enum zh_status *st, struct detail *d,
	struct zh_err *err)
{
	const struct zh_mirror_state *m = &rep->mirror;
	int rc;

	if (m->url == NULL) {
		*st = ZH_ST_SKIP;
		if (!rep->opts.try_mirror)
			return two(d, err, "本次未检测镜像站", "not tried in this run");
		return rep->policy.allow_online
			? two(d, err, "未设置镜像站：只用离线包",
				  "no mirror is set: offline packs only")
			: two(d, err, "组策略已关闭在线更新：只用离线包",
				  "Group Policy turned online sources off: offline packs only");
	}
	if (m->code == 0) {
		*st = ZH_ST_OK;
		rc = zh_buf_printf(&d->zh, err, "%s 可以访问，索引已验证（序号 %llu；%s）", m->url,
			(unsigned long long)m->serial, m->proxy);
		if (rc == 0)
			rc = zh_buf_printf(&d->en, err,
				"%s answers and its index verifies (serial %llu; %s)", m->url,
				(unsigned long long)m->serial, m->proxy);
		return rc;
	}
	*st = problem(rep, "mirror");
	rc = zh_buf_printf(&d->zh, err, "%s 无法使用（%s）：%s（%s）", m->url,
		zh_err_str(m->code, "zh"), m->why, m->proxy);
	if (rc == 0)
		rc = zh_buf_printf(&d->en, err, "%s cannot be used (%s): %s (%s)", m->url,
			zh_err_str(m->code, "en"), m->why, m->proxy);
	return rc;
}

static const struct {
	const char *probe;
	enum fact fact;
	verdict_fn verdict;
} probes[] = {
	{"legacy", FACT_ARP, verdict_legacy},
	{"trusted_sites", FACT_INET, verdict_sites},
	{"proxy_bypass", FACT_INET, verdict_proxy},
	{"secure_protocols", FACT_INET, verdict_protocols},
	{"certificates", FACT_CERTS, verdict_certs},
	{"os", FACT_ENV, verdict_os},
	{"ie", FACT_ENV, verdict_ie},
	{"browsers", FACT_ENV, verdict_browsers},
	{"usb_policy", FACT_ENV, verdict_usb},
	{"reboot_pending", FACT_ENV, verdict_reboot},
	{"hosts", FACT_HOSTS, verdict_hosts},
	{"components", FACT_COMPS, verdict_comps},
	{"admin", FACT_ADMIN, verdict_admin},
	{"antivirus", FACT_AV, verdict_av},
	{"local_service", FACT_SVCS, verdict_svcs},
	{"ukey", FACT_UKEY, verdict_ukey},
	{"ukey_certificate", FACT_UKEY, verdict_ukey_cert},
	{"mirror", FACT_MIRROR, verdict_mirror},
};

static int fact_arp(struct zh_check_report *rep, struct zh_err *err)
{
	return zh_arp_find_legacy(rep->cat, &rep->arp, err);
}

static int fact_inet(struct zh_check_report *rep, struct zh_err *err)
{
	return zh_inet_probe(rep->cat, &rep->inet, err);
}

static int fact_hosts(struct zh_check_report *rep, struct zh_err *err)
{
	return zh_hosts_probe(rep->cat, &rep->hosts, err);
}

static int fact_env(struct zh_check_report *rep, struct zh_err *err)
{
	return zh_env_probe(&rep->env, err);
}

static int fact_admin(struct zh_check_report *rep, struct zh_err *err)
{
	return sys_env_is_admin(&rep->admin, err);
}

/*
 * Each fact: how to gather it, and where the report keeps whether it was (0: not yet, 1: yes,
 * -code: the probe failed with code).
 */
static int (*const fact_probe[])(struct zh_check_report *, struct zh_err *) = {
	[FACT_ARP] = fact_arp,
	[FACT_INET] = fact_inet,
	[FACT_CERTS] = probe_certs,
	[FACT_ENV] = fact_env,
	[FACT_HOSTS] = fact_hosts,
	[FACT_COMPS] = probe_comps,
	[FACT_ADMIN] = fact_admin,
	[FACT_AV] = probe_av,
	[FACT_SVCS] = probe_svcs,
	[FACT_UKEY] = probe_ukey,
	[FACT_MIRROR] = probe_mirror,
};

static int *fact_have(struct zh_check_report *rep, enum fact f)
{
	switch (f) {
	case FACT_ARP:
		return &rep->have_arp;
	case FACT_INET:
		return &rep->have_inet;
	case FACT_ENV:
		return &rep->have_env;
	case FACT_HOSTS:
		return &rep->have_hosts;
	case FACT_COMPS:
		return &rep->have_comps;
	case FACT_ADMIN:
		return &rep->have_admin;
	case FACT_AV:
		return &rep->have_av;
	case FACT_SVCS:
		return &rep->have_svcs;
	case FACT_UKEY:
		return &rep->have_ukey;
	case FACT_MIRROR:
		return &rep->have_mirror;
	case FACT_CERTS:
		break;
	}
	return &rep->have_certs;
}

/* Gather a fact once; a probe error is recorded in *perr and is not fatal. */
static int gather(struct zh_check_report *rep, enum fact f, struct zh_err *perr, int *ret_ok)
{
	int *have = fact_have(rep, f), rc;

	if (!*have) {
		rc = fact_probe[f](rep, perr);
		if (rc == ZH_ENOMEM)
			return rc;
		*have = rc == 0 ? 1 : -rc;
	}
	*ret_ok = *have == 1;
	return 0;
}

static int run_one(struct zh_check_report *rep, struct zh_check_result *r, struct zh_err *err)
{
	struct detail d;
	size_t i;
	int rc = 0, ok = 0;

	detail_init(&d);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(probes[i].probe, r->def->probe) == 0)
			break;
	if (i == sizeof(probes) / sizeof(probes[0])) {
		rc = zh_err_set(err, ZH_ECATALOG, "check '%s' names unknown probe '%s'", r->def->id,
			r->def->probe);
		goto out;
	}
	if ((rc = gather(rep, probes[i].fact, &r->err, &ok)) != 0) {
		zh_err_set(err, rc, "%s", r->err.msg);
		goto out;
	}
	if (!ok) {
		/* The first probe of a fact recorded why; later checks only know its code. */
		int code = -*fact_have(rep, probes[i].fact);

		r->status = code == ZH_ENOTSUP ? ZH_ST_SKIP : ZH_ST_ERROR;
		if (r->err.code == 0)
			zh_err_set(&r->err, code, "%s", zh_err_str(code, "en"));
		rc = zh_buf_printf(&d.zh, err, "%s：%s",
			r->status == ZH_ST_SKIP ? "不适用" : "检测失败", zh_err_str(code, "zh"));
		if (rc == 0)
			rc = zh_buf_printf(&d.en, err, "%s: %s",
				r->status == ZH_ST_SKIP ? "not applicable" : "check failed",
				r->err.msg);
	} else {
		rc = probes[i].verdict(rep, &r->status, &d, err);
	}
	if (rc == 0)
		rc = detail_take(&d, &r->detail, err);
out:
	detail_release(&d);
	return rc;
}

int zh_check_run(const struct zh_catalog *cat, struct zh_check_report *rep, struct zh_err *err)
{
	return zh_check_run_db(cat, NULL, rep, err);
}

int zh_check_run_db(const struct zh_catalog *cat, struct zh_db *db, struct zh_check_report *rep,
	struct zh_err *err)
{
	return zh_check_run_opts(cat, db, NULL, rep, err);
}

int zh_check_run_opts(const struct zh_catalog *cat, struct zh_db *db, const struct zh_check_opts *o,
	struct zh_check_report *rep, struct zh_err *err)
{
	size_t i;
	int rc = 0;

	memset(rep, 0, sizeof(*rep));
	if (o != NULL)
		rep->opts = *o;
	rep->cat = cat;
	rep->db = db;
	rep->results = zh_calloc(cat->nchecks, sizeof(*rep->results));
	if (rep->results == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot run checks");
	if ((rc = zh_policy_read(&rep->policy, err)) != 0) {
		zh_check_report_release(rep);
		return rc;
	}
	for (i = 0; i < cat->nchecks; i++) {
		struct zh_check_result *r = &rep->results[i];

		r->def = &cat->checks[i];
		zh_err_init(&r->err);
		rep->nresults++;
		if ((rc = run_one(rep, r, err)) != 0)
			break;
	}
	if (rc != 0)
		zh_check_report_release(rep);
	return rc;
}

void zh_check_report_release(struct zh_check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nresults; i++) {
		zh_free(rep->results[i].detail.zh);
		zh_free(rep->results[i].detail.en);
	}
	zh_free(rep->results);
	zh_mirror_state_release(&rep->mirror);
	if (rep->have_arp == 1)
		zh_arp_scan_release(&rep->arp);
	if (rep->have_inet == 1)
		zh_inet_release(&rep->inet);
	zh_free(rep->certs);
	if (rep->have_env == 1)
		zh_env_release(&rep->env);
	if (rep->have_hosts == 1)
		zh_hosts_release(&rep->hosts);
	comps_release(rep);
	zh_free(rep->av_present);
	for (size_t k = 0; rep->svcs != NULL && k < rep->cat->nservices; k++)
		zh_free(rep->svcs[k].why);
	zh_free(rep->svcs);
	zh_ukey_release(&rep->ukey);
	zh_policy_release(&rep->policy);
	memset(rep, 0, sizeof(*rep));
}

int zh_check_problems(const struct zh_check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nresults; i++)
		if (rep->results[i].status == ZH_ST_FAIL || rep->results[i].status == ZH_ST_ERROR)
			return 1;
	return 0;
}
