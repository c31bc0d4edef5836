/** '/'-joined path relative to the chunk directory (names may carry escaped bytes: byte-names.ts). */
export function joinRel(rel: string, name: string): string {
  return rel ? `${rel}/${name}` : name;
}
