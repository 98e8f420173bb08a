/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, for running the
 * Windows build of Evidentia's tests under Wine 8.0 (scripts/wine-test.sh).
 *
 * Go 1.24 and newer get random bytes on Windows from ProcessPrng in
 * bcryptprimitives.dll; Wine 8.0 does not export it, so a Go program dies at
 * start-up. This DLL exports ProcessPrng over advapi32's SystemFunction036
 * (RtlGenRandom), which Wine has. It is built at test time and copied into a
 * throwaway Wine prefix only: never ship it, never commit the built DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
	(void)inst;
	(void)reason;
	(void)reserved;
	return TRUE;
}
