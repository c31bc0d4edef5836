import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ConfigProblem } from './problems';

/** A parsed JSON document that remembers where each value came from. */
export interface JsonSource {
  value: unknown;
  /** "line:col" (1-based) of the value at `segments`, or of its nearest existing parent. */
  locate(segments: (string | number)[]): string | undefined;
}

function lineCol(text: string, offset: number): string {
  let line = 1; let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') { line++; col = 1; } else col++;
  }
  return `${line}:${col}`;
}

/** Dotted JSON path as shown to users: profiles.docs.excludeDirs[2]. */
export function dottedPath(segments: (string | number)[], prefix = ''): string {
  return segments.reduce<string>((acc, s) => {
    if (typeof s === 'number') return `${acc}[${s}]`;
    const key = /^[A-Za-z_$][\w$-]*$/.test(s) ? s : JSON.stringify(s);
    return acc ? `${acc}.${key}` : key;
  }, prefix);
}

function findDuplicateKeys(node: Node, segments: (string | number)[], out: ConfigProblem[]): void {
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const [keyNode, valueNode] = prop.children ?? [];
      const key = String(keyNode?.value);
      // JSON.parse keeps the last of two equal keys: a silently lost profile or option.
      if (seen.has(key)) out.push({ path: dottedPath([...segments, key]), message: `duplicate key '${key}' (a later one would silently replace the first)` });
      seen.add(key);
      if (valueNode) findDuplicateKeys(valueNode, [...segments, key], out);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((c, i) => findDuplicateKeys(c, [...segments, i], out));
  }
}

/**
 * Parses strict JSON (no comments, no trailing commas). Syntax errors and duplicate keys come back
 * as problems with line and column; `source` is undefined when the text is not JSON at all.
 */
export function parseJsonSource(text: string): { source?: JsonSource; problems: ConfigProblem[] } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || !root) {
    const problems = errors.length > 0
      ? errors.map((e) => ({ path: '', message: `invalid JSON at line ${lineCol(text, e.offset).replace(':', ', column ')}: ${printParseErrorCode(e.error)}` }))
      : [{ path: '', message: 'invalid JSON: the file is empty' }];
    return { problems };
  }
  const problems: ConfigProblem[] = [];
  findDuplicateKeys(root, [], problems);
  const locate = (segments: (string | number)[]): string | undefined => {
    for (let n = segments.length; n >= 0; n--) {
      const node = findNodeAtLocation(root, segments.slice(0, n));
      if (node) return lineCol(text, node.offset);
    }
    return undefined;
  };
  // Dup-key problems point at the duplicate itself, which findNodeAtLocation resolves to the last.
  return { source: { value: JSON.parse(text) as unknown, locate }, problems };
}
