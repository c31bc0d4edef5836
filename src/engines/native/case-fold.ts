/**
 * The key under which a case-insensitive destination files a name: each character lowered
 * where lowering keeps it one character (simple case folding, as NTFS, APFS, SMB, vfat and ext4
 * casefold all at least do). Characters whose lower case is longer (U+0130 İ) stay as they are,
 * and names are not Unicode-normalised: NTFS keeps NFC and NFD spellings apart, so at worst a
 * name that the file system would also match is treated as different, removed and copied again,
 * never two different names as one.
 */
export function foldCase(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === name.length) return lower;
  let out = '';
  for (const ch of name) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}
