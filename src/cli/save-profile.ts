import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify, parseTree, findNodeAtLocation } from 'jsonc-parser';
import { UsageError } from './load-cli-config';
import { createPrivateFile, mkdirPrivate } from '../fs/private-files';

/**
 * Writes `profile` as `profiles.<name>` into the config `file`, creating the file (0600) when it
 * does not exist. Every other key, comment and the formatting stay as they are (jsonc-parser
 * edits). A profile of that name already there is a clash: refused, the file untouched. The new
 * text is written to a temp file and renamed over the old, so a crash leaves one or the other.
 * Returns the text written, for the caller to validate before it is used.
 */
export function saveProfile(file: string, name: string, profile: Record<string, unknown>): { created: boolean } {
  const exists = fs.existsSync(file);
  const text = exists ? fs.readFileSync(file, 'utf8') : '{\n  "version": 1,\n  "profiles": {}\n}\n';
  const tree = parseTree(text);
  if (exists && (!tree || tree.type !== 'object')) throw new UsageError(`--save-profile: ${file} is not a JSON object; not changed`);
  const existing = tree && findNodeAtLocation(tree, ['profiles', name]);
  if (existing) throw new UsageError(`--save-profile ${name}: ${file} already has a profile '${name}'; not changed (choose another name)`);
  const clash = tree && findNodeAtLocation(tree, ['profiles']);
  if (clash?.children?.some((c) => String(c.children?.[0]?.value).toLowerCase() === name.toLowerCase())) {
    throw new UsageError(`--save-profile ${name}: ${file} has a profile whose name differs only in case; not changed (names are unique ignoring case)`);
  }
  const edits = modify(text, ['profiles', name], profile, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
  const next = applyEdits(text, edits);
  mkdirPrivate(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  createPrivateFile(tmp);
  // Keep the mode of an existing config (the admin's to choose); a new one stays private.
  if (exists) fs.chmodSync(tmp, fs.statSync(file).mode & 0o7777);
  fs.writeFileSync(tmp, next.endsWith('\n') ? next : `${next}\n`);
  fs.renameSync(tmp, file);
  return { created: !exists };
}
