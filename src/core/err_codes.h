/* SPDX-License-Identifier: MIT */
/*
 * The one list of zhushou error codes. Each row generates an enum value in err.h and the
 * default English and Chinese texts behind zh_err_str(). Add new codes here and nowhere else;
 * never renumber a code, since they appear in logs and --json output.
 */
ZH_ERR(ZH_OK, 0, "success", "成功")
ZH_ERR(ZH_ENOMEM, -1, "out of memory", "内存不足")
ZH_ERR(ZH_EINVAL, -2, "invalid argument", "参数无效")
ZH_ERR(ZH_ENOENT, -3, "not found", "未找到")
ZH_ERR(ZH_EIO, -4, "input/output error", "读写错误")
ZH_ERR(ZH_EACCES, -5, "access denied", "拒绝访问")
ZH_ERR(ZH_EBUSY, -6, "in use by another process", "正被其他程序占用")
ZH_ERR(ZH_ENOTSUP, -7, "not supported on this platform", "此平台不支持")
ZH_ERR(ZH_ETOOBIG, -8, "over the size limit", "超出大小限制")
ZH_ERR(ZH_EPARSE, -9, "malformed data", "数据格式错误")
ZH_ERR(ZH_ECATALOG, -10, "invalid catalog", "目录数据无效")
ZH_ERR(ZH_EUSAGE, -11, "invalid command line", "命令行参数错误")
ZH_ERR(ZH_ENOSPC, -12, "disk full", "磁盘空间不足")
ZH_ERR(ZH_EEXIST, -13, "already exists", "已存在")
ZH_ERR(ZH_EFAULT, -14, "injected fault", "注入的故障")
ZH_ERR(ZH_EBADTYPE, -15, "unexpected data type", "数据类型不符")
ZH_ERR(ZH_EENTRY, -16, "entry refused", "条目被拒绝")
ZH_ERR(ZH_EDBCORRUPT, -40, "the manifest database is damaged", "清单数据库已损坏")
ZH_ERR(ZH_EDB, -41, "manifest database error", "清单数据库错误")
ZH_ERR(ZH_ECHANGED, -42, "changed since zhushou made it", "自 zhushou 修改后已被改动")
ZH_ERR(ZH_ETIMEOUT, -44, "timed out", "超时")
ZH_ERR(ZH_EUNINSTALL, -45, "the uninstaller failed", "卸载程序失败")
ZH_ERR(ZH_ESIG, -17, "signature is not valid", "签名无效")
ZH_ERR(ZH_EUNTRUSTED, -18, "signer is not trusted", "签名者不受信任")
ZH_ERR(ZH_ECERTTIME, -19, "certificate not valid at the signing time", "证书在签名时不在有效期内")
ZH_ERR(ZH_ECERTUSE, -20, "certificate is not for code signing", "证书不可用于代码签名")
ZH_ERR(ZH_EHASH, -21, "content does not match its SHA-256", "内容与 SHA-256 校验值不符")
ZH_ERR(ZH_ESIZE, -22, "size differs from the listed size", "大小与清单所列不符")
ZH_ERR(ZH_EREPLAY, -23, "older than an index already accepted (replay or downgrade)",
	"比已接受的索引旧（重放或降级）")
ZH_ERR(ZH_ESERIAL, -24, "same serial as an accepted index, different content",
	"序号与已接受的索引相同但内容不同")
ZH_ERR(ZH_EEXPIRED, -25, "the index has expired", "索引已过期")
ZH_ERR(ZH_EUNSAFE, -26, "unsafe path in the archive", "归档中的路径不安全")
ZH_ERR(ZH_ENAME, -27, "name is not valid UTF-8", "名称不是有效的 UTF-8 编码")
ZH_ERR(ZH_ELINK, -28, "links are not allowed in bundles", "组件包中不允许链接")
ZH_ERR(ZH_EDUP, -29, "duplicate or colliding entry", "条目重复或名称冲突")
ZH_ERR(ZH_EUNLISTED, -30, "entry not listed in the signed manifest", "条目未列在已签名的清单中")
ZH_ERR(ZH_EMISSING, -31, "listed entry is missing", "清单所列的条目缺失")
ZH_ERR(ZH_ERATIO, -32, "compression ratio over the limit (archive bomb)",
	"压缩比超出限制（压缩炸弹）")
ZH_ERR(ZH_EARCHIVE, -33, "damaged or unsupported archive", "归档已损坏或格式不支持")
ZH_ERR(ZH_EMANIFEST, -34, "invalid bundle.json or index.json", "bundle.json 或 index.json 无效")
ZH_ERR(ZH_EMISMATCH, -35, "bundle does not match the index", "组件包与索引不符")
ZH_ERR(ZH_ECONNECT, -46, "nothing answers at that address", "该地址无响应")
ZH_ERR(ZH_ETLS, -47, "secure connection failed (TLS handshake or certificate)",
	"安全连接失败（TLS 握手或证书）")
