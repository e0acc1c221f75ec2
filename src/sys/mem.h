/* SPDX-License-Identifier: MIT */
/* Memory returned by sys_* calls is freed with sys_free; NULL is a no-op. */
#ifndef ZH_SYS_MEM_H
#define ZH_SYS_MEM_H

void sys_free(void *p);

#endif
