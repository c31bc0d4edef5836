/**
 * Win32_ShadowCopy.Create return values, with what an admin can do about each.
 * Source: Microsoft Learn, "Create method of the Win32_ShadowCopy class" (previous-versions/
 * windows/desktop/vsswmi/create-method-in-class-win32-shadowcopy): 0 success, 1-13 as below.
 */
export const CREATE_RETURN_CODES: Record<number, { meaning: string; hint?: string }> = {
  1: { meaning: 'Access denied', hint: 'run robocurse elevated, as a member of Administrators or Backup Operators' },
  2: { meaning: 'Invalid argument' },
  3: { meaning: 'Specified volume not found', hint: 'the source must be on a local volume' },
  4: { meaning: 'Specified volume not supported', hint: 'VSS snapshots local NTFS and ReFS volumes; FAT/exFAT drives, network drives and some removable media are not supported' },
  5: { meaning: 'Unsupported shadow copy context' },
  6: { meaning: 'Insufficient storage', hint: 'enlarge the shadow storage (vssadmin resize shadowstorage) or free space on the volume' },
  7: { meaning: 'Volume is in use' },
  8: { meaning: 'Maximum number of shadow copies reached', hint: 'a volume holds at most 64 shadow copies: delete old ones (vssadmin list shadows)' },
  9: { meaning: 'Another shadow copy operation is already in progress', hint: 'another backup is making a shadow copy: run again later' },
  10: { meaning: 'Shadow copy provider vetoed the operation', hint: 'see the Application event log (source VSS)' },
  11: { meaning: 'Shadow copy provider not registered' },
  12: { meaning: 'Shadow copy provider failure', hint: 'see the Application event log (source VSS)' },
  13: { meaning: 'Unknown error', hint: 'see the Application event log (source VSS); check that the Volume Shadow Copy service can start' },
};

/** HRESULTs of CIM/WMI exceptions that mean "not an administrator". */
const ACCESS_DENIED = new Set(['0x80041003', '0x80070005']);

export function describeCreateFailure(returnValue: number): string {
  const c = CREATE_RETURN_CODES[returnValue];
  if (!c) return `Win32_ShadowCopy.Create returned ${returnValue}`;
  return `Win32_ShadowCopy.Create returned ${returnValue} (${c.meaning})${c.hint ? `: ${c.hint}` : ''}`;
}

export function isAccessDenied(hresult: string | undefined): boolean {
  return hresult !== undefined && ACCESS_DENIED.has(hresult.toUpperCase().replace('0X', '0x'));
}
