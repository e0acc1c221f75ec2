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
ZH_ERR(ZH_ERUNNING, -43, "another zhushou is running", "另一个 zhushou 正在运行")
