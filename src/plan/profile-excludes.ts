import type { ExcludeRules } from '../api';
import type { ProfileConfig } from '../config/types';
import { ABSOLUTE_PATTERN, relativeToRoot } from '../scan/exclude-matcher';

/**
 * The profile's exclusions as the scanner needs them. Absolute excludeDirs are written against
 * the live source, but the scan may run on a snapshot path: they are rebased to the source
 * root here. An absolute exclude outside the source can match nothing and is dropped (robocopy
 * ignores it too). Windows profiles match case-insensitively.
 */
export function profileExcludes(profile: ProfileConfig): ExcludeRules {
  const ci = profile.windowsPaths;
  const excludeDirs: string[] = [];
  for (const d of profile.excludeDirs) {
    if (!ABSOLUTE_PATTERN.test(d)) excludeDirs.push(d);
    else {
      const rel = relativeToRoot(d, profile.source, ci);
      if (rel) excludeDirs.push(rel);
    }
  }
  return {
    excludeFiles: [...profile.excludeFiles], excludeDirs, caseInsensitive: ci,
    // Selection filters travel with the excludes: the scan and every engine apply them alike.
    ...(profile.includeFiles?.length ? { includeFiles: [...profile.includeFiles] } : {}),
    ...(profile.sizeAge ? { sizeAge: { ...profile.sizeAge } } : {}),
  };
}
