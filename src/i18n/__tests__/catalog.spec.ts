/**
 * Every user-facing string has a Japanese translation, every translation is
 * still used, and the catalog the build writes for the server matches the
 * one bundled in the front end.
 */

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import {
  CatalogFragment,
  JAPANESE_FRAGMENTS,
  mergeFragments
} from '../catalog';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');
const FRAGMENTS_DIR = path.join(SRC, 'i18n', 'ja');
const CONTEXT_SEPARATOR = '\u0004';

interface IMessage {
  msgid: string;
  plural: string | null;
  where: string;
}

interface IExtraction {
  messages: Map<string, IMessage>;
  problems: string[];
}

/** Source files with user-facing strings: src/**\/*.ts(x) outside tests. */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__tests__') {
        files.push(...sourceFiles(full));
      }
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      files.push(full);
    }
  }
  return files;
}

/** Read one JS string literal at `index` (after spaces); null if there is none. */
function readLiteral(
  text: string,
  index: number
): { value: string; end: number } | null {
  const match = /^\s*(['"])((?:\\.|(?!\1)[^\\\n])*)\1/.exec(text.slice(index));
  if (!match) {
    return null;
  }
  const raw = match[2];
  const value = raw.replace(
    /\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g,
    (_, escape: string) => {
      if (escape.startsWith('u{')) {
        return String.fromCodePoint(parseInt(escape.slice(2, -1), 16));
      }
      if (escape[0] === 'u' || escape[0] === 'x') {
        return String.fromCharCode(parseInt(escape.slice(1), 16));
      }
      return (
        ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[escape] ??
        escape
      );
    }
  );
  return { value, end: index + match[0].length };
}

/** Skip spaces and one comma; -1 when the next token is not a comma. */
function skipComma(text: string, index: number): number {
  const match = /^\s*,/.exec(text.slice(index));
  return match ? index + match[0].length : -1;
}

/**
 * Find every `trans.__`, `trans._n`, `trans._p` call and its literal msgid.
 */
function extractMessages(text: string, where: string, into: IExtraction): void {
  const call = /(\b[\w$]+)?\s*\.\s*(__|_n|_p|_np)\s*\(/g;
  let match: RegExpExecArray | null;
  while ((match = call.exec(text)) !== null) {
    const line = text.slice(0, match.index).split('\n').length;
    const location = `${where}:${line}`;
    if (match[1] !== 'trans') {
      into.problems.push(
        `${location}: translate with a bundle named "trans" (found "${match[1] ?? '?'}.${match[2]}(")`
      );
      continue;
    }
    const kind = match[2];
    let index = match.index + match[0].length;
    let context: string | null = null;
    if (kind === '_p' || kind === '_np') {
      const literal = readLiteral(text, index);
      if (!literal) {
        into.problems.push(
          `${location}: the context of trans.${kind} must be a literal string`
        );
        continue;
      }
      context = literal.value;
      index = skipComma(text, literal.end);
    }
    const msgid = index >= 0 ? readLiteral(text, index) : null;
    if (!msgid) {
      into.problems.push(
        `${location}: trans.${kind} needs a literal string msgid`
      );
      continue;
    }
    let plural: string | null = null;
    if (kind === '_n' || kind === '_np') {
      const after = skipComma(text, msgid.end);
      const literal = after >= 0 ? readLiteral(text, after) : null;
      if (!literal) {
        into.problems.push(
          `${location}: trans.${kind} needs a literal plural msgid`
        );
        continue;
      }
      plural = literal.value;
    }
    const key =
      context === null
        ? msgid.value
        : `${context}${CONTEXT_SEPARATOR}${msgid.value}`;
    const previous = into.messages.get(key);
    if (previous && previous.plural !== plural) {
      into.problems.push(
        `${location}: "${msgid.value}" is used both with and without a plural (${previous.where})`
      );
      continue;
    }
    into.messages.set(key, {
      msgid: msgid.value,
      plural,
      where: previous?.where ?? location
    });
  }
}

// The translator itself probes bundles with msgids from the catalog.
const TRANSLATOR_FILES = [path.join(SRC, 'i18n', 'translator.ts')];

function extractAll(): IExtraction {
  const extraction: IExtraction = { messages: new Map(), problems: [] };
  for (const file of sourceFiles(SRC)) {
    if (TRANSLATOR_FILES.includes(file)) {
      continue;
    }
    const text = fs.readFileSync(file, 'utf-8');
    extractMessages(text, path.relative(ROOT, file), extraction);
  }
  return extraction;
}

function placeholders(text: string): string[] {
  return [...new Set(text.match(/%\d+/g) ?? [])].sort();
}

describe('message extraction', () => {
  it('finds literal messages and rejects computed ones', () => {
    const extraction: IExtraction = { messages: new Map(), problems: [] };
    extractMessages(
      [
        "trans.__('Hello %1', name);",
        'trans.__(\n  "It\'s here"\n);',
        "trans._n('%1 device', '%1 devices', n);",
        "trans._p('menu', 'Open');",
        'trans.__(message);',
        "other.__('Elsewhere');"
      ].join('\n'),
      'sample.ts',
      extraction
    );
    expect([...extraction.messages.keys()]).toEqual([
      'Hello %1',
      "It's here",
      '%1 device',
      `menu${CONTEXT_SEPARATOR}Open`
    ]);
    expect(extraction.messages.get('%1 device')?.plural).toBe('%1 devices');
    expect(extraction.problems).toHaveLength(2);
    expect(extraction.problems[0]).toContain('sample.ts:7');
    expect(extraction.problems[1]).toContain('"other.__("');
  });
});

describe('Japanese catalog', () => {
  const extraction = extractAll();
  const fragments = JAPANESE_FRAGMENTS;
  const entries = new Map<
    string,
    { fragment: string; entry: CatalogFragment[string] }
  >();
  for (const [name, fragment] of Object.entries(fragments)) {
    for (const [msgid, entry] of Object.entries(fragment)) {
      entries.set(msgid, { fragment: name, entry });
    }
  }

  it('sees the messages of the source', () => {
    expect(extraction.messages.size).toBeGreaterThan(20);
    expect(extraction.messages.has('Refresh')).toBe(true);
  });

  it('only has literal messages translated through `trans`', () => {
    expect(extraction.problems).toEqual([]);
  });

  it('bundles every fragment file', () => {
    const files = fs
      .readdirSync(FRAGMENTS_DIR)
      .filter(name => name.endsWith('.json'))
      .map(name => name.replace(/\.json$/, ''))
      .sort();
    expect(Object.keys(fragments).sort()).toEqual(files);
  });

  it('translates every message of the source', () => {
    const missing: string[] = [];
    for (const [key, message] of extraction.messages) {
      const found = entries.get(key);
      if (!found) {
        missing.push(`${message.where}: ${JSON.stringify(key)}`);
        continue;
      }
      const isPlural = typeof found.entry !== 'string';
      if (message.plural !== null && !isPlural) {
        missing.push(
          `${message.where}: ${JSON.stringify(key)} needs {"msgid_plural", "msgstr"}`
        );
      } else if (message.plural === null && isPlural) {
        missing.push(
          `${message.where}: ${JSON.stringify(key)} is not a plural message`
        );
      } else if (
        typeof found.entry !== 'string' &&
        found.entry.msgid_plural !== message.plural
      ) {
        missing.push(
          `${message.where}: ${JSON.stringify(key)} has plural ${JSON.stringify(message.plural)}`
        );
      }
    }
    expect(missing).toEqual([]);
  });

  it('has no translation that is no longer used', () => {
    const unused = [...entries.keys()]
      .filter(key => !extraction.messages.has(key))
      .map(key => `${entries.get(key)!.fragment}.json: ${JSON.stringify(key)}`);
    expect(unused).toEqual([]);
  });

  it('keeps the placeholders of every message', () => {
    const wrong: string[] = [];
    for (const [key, { fragment, entry }] of entries) {
      const text = typeof entry === 'string' ? entry : entry.msgstr;
      const msgid = key.split(CONTEXT_SEPARATOR).pop()!;
      if (text.trim() === '') {
        wrong.push(`${fragment}.json: ${JSON.stringify(key)} is empty`);
      } else if (placeholders(text).join() !== placeholders(msgid).join()) {
        wrong.push(
          `${fragment}.json: ${JSON.stringify(key)} -> ${JSON.stringify(text)}`
        );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses a msgid translated differently in two fragments', () => {
    expect(() =>
      mergeFragments({ a: { Refresh: '更新' }, b: { Refresh: 'リロード' } })
    ).toThrow(/Refresh.*a\.json.*b\.json/);
    expect(
      mergeFragments({ a: { Refresh: '更新' }, b: { Refresh: '更新' } })
    ).toEqual({
      Refresh: ['更新']
    });
  });
});

describe('scripts/build-locale.mjs', () => {
  let tmp: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'neuron-locale-'));
  });

  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function runScript(...args: string[]): void {
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'scripts', 'build-locale.mjs'), ...args],
      {
        cwd: ROOT,
        stdio: 'pipe'
      }
    );
  }

  it("writes the same catalog as the bundled one, in JupyterLab's format", () => {
    runScript('--out', tmp);
    const folder = path.join(tmp, 'ja_JP', 'LC_MESSAGES');
    const catalog = JSON.parse(
      fs.readFileSync(path.join(folder, 'jupyterlab_neuron.json'), 'utf-8')
    );
    const { version } = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')
    );
    const { '': header, ...messages } = catalog;
    expect(header).toEqual({
      domain: 'jupyterlab_neuron',
      language: 'ja-JP',
      plural_forms: 'nplurals=1; plural=0;',
      version
    });
    expect(messages).toEqual(mergeFragments(JAPANESE_FRAGMENTS));

    const po = fs.readFileSync(
      path.join(folder, 'jupyterlab_neuron.po'),
      'utf-8'
    );
    expect(po).toContain('"Plural-Forms: nplurals=1; plural=0;\\n"');
    expect(po).toContain('msgid "Refresh"\nmsgstr "更新"');
    expect(po).toContain(
      'msgid "%1 device"\nmsgid_plural "%1 devices"\nmsgstr[0] "%1 台"'
    );
  });

  it('fails on a msgid translated differently in two fragments', () => {
    const fragmentsDir = path.join(tmp, 'fragments');
    fs.mkdirSync(fragmentsDir);
    fs.writeFileSync(path.join(fragmentsDir, 'a.json'), '{"Refresh": "更新"}');
    fs.writeFileSync(
      path.join(fragmentsDir, 'b.json'),
      '{"Refresh": "再読み込み"}'
    );
    let stderr = '';
    try {
      runScript('--out', path.join(tmp, 'out'), '--fragments', fragmentsDir);
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain('Refresh');
    expect(stderr).toContain('a.json');
    expect(stderr).toContain('b.json');
    expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
  });
});
