/**
 * Issue 15, the shape of the code: no file under shared/ or functions/ longer than 300 lines, no production line
 * wider than 120 characters, handlers that make no SDK client, a pure domain, and a README code map that names
 * paths that exist. Reads the tree as it is on disk; each failure names the file (and line).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MAX_LINES = 300;
const MAX_WIDTH = 120;

/**
 * Known offenders while their owners split them; the coordinator empties these lists when every part has landed.
 * A listed file that meets the rule again fails "the pending lists name only files...", so the lists only shrink.
 */
const pendingSplit: { length: string[]; width: string[] } = {
  /** files over MAX_LINES */
  length: [],
  /** files with a line over MAX_WIDTH */
  width: [],
};

/** The .ts files under `dir` (repo-relative, forward slashes), build output and dependencies left out. */
function tsFiles(dir: string): string[] {
  const skip = new Set(['node_modules', 'cdk.out', 'out']);
  const walk = (at: string): string[] =>
    readdirSync(join(root, at), { withFileTypes: true }).flatMap((entry) => {
      const path = `${at}/${entry.name}`;
      if (entry.isDirectory()) return skip.has(entry.name) ? [] : walk(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  return existsSync(join(root, dir)) ? walk(dir) : [];
}

const read = (path: string) => readFileSync(join(root, path), 'utf8');
const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
/** Characters as an editor counts them (code points: a Cyrillic letter is one). */
const width = (line: string) => [...line].length;

const lengthOffenders = () =>
  ['shared', 'functions'].flatMap(tsFiles).flatMap((file) => {
    const lines = lineCount(read(file));
    return lines > MAX_LINES ? [{ file, text: `${file}: ${lines} lines (at most ${MAX_LINES})` }] : [];
  });

const widthOffenders = () =>
  ['shared', 'functions', 'infra', 'bin', 'bench'].flatMap(tsFiles).flatMap((file) =>
    read(file)
      .split('\n')
      .flatMap((line, i) =>
        width(line) > MAX_WIDTH ? [{ file, text: `${file}:${i + 1}: ${width(line)} characters (at most ${MAX_WIDTH})` }] : [],
      ),
  );

describe('code shape (issue 15)', () => {
  it(`every .ts file under shared/ and functions/ has at most ${MAX_LINES} lines`, () => {
    const offenders = lengthOffenders().filter((o) => !pendingSplit.length.includes(o.file));
    expect(offenders.map((o) => o.text)).toEqual([]);
  });

  it(`no line of production code (shared, functions, infra, bin, bench) is wider than ${MAX_WIDTH} characters`, () => {
    const offenders = widthOffenders().filter((o) => !pendingSplit.width.includes(o.file));
    expect(offenders.map((o) => o.text)).toEqual([]);
  });

  it('the pending lists name only files that still break their rule (so they only shrink)', () => {
    const long = new Set(lengthOffenders().map((o) => o.file));
    const wide = new Set(widthOffenders().map((o) => o.file));
    const stale = [
      ...pendingSplit.length.filter((f) => !long.has(f)).map((f) => `${f}: now within ${MAX_LINES} lines, unlist it`),
      ...pendingSplit.width.filter((f) => !wide.has(f)).map((f) => `${f}: no line over ${MAX_WIDTH} now, unlist it`),
    ];
    expect(stale).toEqual([]);
  });

  it('handlers make no SDK client themselves (functions/wiring.ts does, once per container)', () => {
    const handlers = tsFiles('functions').filter((f) => f.endsWith('/handler.ts'));
    expect(handlers.length).toBeGreaterThanOrEqual(5);
    const offenders = handlers.flatMap((file) =>
      read(file)
        .split('\n')
        .flatMap((line, i) => (/\bnew\s+\w*Client\s*\(/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it('the domain imports nothing from AWS, mail/, use-cases/ or adapters/', () => {
    const forbidden = /from\s+'(?:@aws-sdk\/|aws-|\.\.\/(?:mail|use-cases|adapters)\/)/;
    const offenders = tsFiles('shared/domain').flatMap((file) =>
      read(file)
        .split('\n')
        .flatMap((line, i) => (forbidden.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it("every path in the README's code map exists", () => {
    const readme = read('README.md');
    const start = readme.indexOf('\nCode map:');
    expect(start, 'README.md has a "Code map:" list').toBeGreaterThan(0);
    const end = readme.indexOf('\n\n', start + 1);
    const map = readme.slice(start, end < 0 ? undefined : end);
    const missing: string[] = [];
    let checked = 0;
    // A bare name (`ports.ts`, `memory/`) lives in the directory named last before it (`shared/use-cases/`).
    let dir = '';
    for (const [, token] of map.matchAll(/`([^`\s]+)`/g)) {
      const path = /^(?:shared|functions|infra|bin)\//.test(token!)
        ? token!
        : /^[\w.-]+(?:\.ts|\/)$/.test(token!) && dir
          ? `${dir}${token}`
          : null;
      if (!path) continue;
      checked++;
      if (!pathExists(path)) missing.push(token === path ? path : `${token} (read as ${path})`);
      if (path.endsWith('/') && /^(?:shared|functions|infra|bin)\//.test(token!)) dir = path;
    }
    expect(missing).toEqual([]);
    expect(checked, 'paths read from the code map').toBeGreaterThan(20);
  });
});

/** A repo path, where `*` stands for one path segment (`functions/*\/handler.ts`: some function's handler). */
function pathExists(path: string): boolean {
  const segments = path.replace(/\/$/, '').split('/');
  const matches = (at: string, rest: string[]): boolean => {
    if (rest.length === 0) return existsSync(join(root, at));
    const [head, ...tail] = rest;
    if (head !== '*') return matches(at ? `${at}/${head}` : head!, tail);
    const full = join(root, at);
    if (!existsSync(full) || !statSync(full).isDirectory()) return false;
    return readdirSync(full).some((name) => matches(at ? `${at}/${name}` : name, tail));
  };
  return matches('', segments);
}
