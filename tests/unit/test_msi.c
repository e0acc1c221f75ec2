/* SPDX-License-Identifier: MIT */
/* Windows Installer's packed GUIDs, as they appear under HKLM\Software\Classes\Installer. */
#include "../harness/zh_test.h"
#include "../../src/core/msi.h"

static void t_pack(void)
{
	char out[ZH_MSI_PACKED_LEN + 1];

	/* Seen in a Wine prefix after installing the CFCA fixture MSI. */
	T_EQ_INT(zh_msi_pack_guid("{3C1F0A52-7E15-4C2B-9D6A-0F15CFCA0015}", out, NULL), 0);
	T_EQ_STR(out, "25A0F1C351E7B2C4D9A6F051FCAC0051");
	T_EQ_INT(zh_msi_pack_guid("{3c1f0a52-7e15-4c2b-9d6a-0f15cfca0015}", out, NULL), 0);
	T_EQ_STR(out, "25A0F1C351E7B2C4D9A6F051FCAC0051");
}

static void t_bad(void)
{
	const char *bad[] = {"", "3C1F0A52-7E15-4C2B-9D6A-0F15CFCA0015",
		"{3C1F0A52-7E15-4C2B-9D6A-0F15CFCA001}", "{3C1F0A52+7E15-4C2B-9D6A-0F15CFCA0015}",
		"{3C1F0A52-7E15-4C2B-9D6A-0F15CFCA001G}"};
	char out[ZH_MSI_PACKED_LEN + 1];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_EQ_INT(zh_msi_pack_guid(bad[i], out, NULL), ZH_EINVAL);
}

ZH_TESTS(ZH_TEST_ENTRY(t_pack), ZH_TEST_ENTRY(t_bad))
