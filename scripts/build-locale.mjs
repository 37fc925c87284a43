#!/usr/bin/env node
/**
 * Build the Japanese catalog that the Python package ships for JupyterLab's
 * `jupyterlab.locale` entry point, from the per-capability fragments
 * src/i18n/ja/<capability>.json.
 *
 * Fragment entries are `"English msgid": "日本語"`, or for messages used with
 * `trans._n`: `"English msgid": {"msgid_plural": "English plural", "msgstr":
 * "日本語"}`. A message with a context (`trans._p`) is keyed
 * `"<context>\u0004<msgid>"`.
 *
 * Writes <out>/ja_JP/LC_MESSAGES/jupyterlab_neuron.json (JupyterLab's JSON
 * shape) and a .po file beside it. Fails when two fragments translate the
 * same msgid differently.
 *
 * Usage: node scripts/build-locale.mjs [--out <locale dir>] [--fragments <dir>]
 *        (defaults: jupyterlab_neuron/locale, src/i18n/ja)
 */

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOMAIN = 'jupyterlab_neuron';
// JupyterLab's front end matches catalogs by a hyphenated tag: with "ja_JP"
// the server serves the catalog but the page silently stays in English.
const LANGUAGE_TAG = 'ja-JP';
const LOCALE_FOLDER = 'ja_JP';
const PLURAL_FORMS = 'nplurals=1; plural=0;';
const CONTEXT_SEPARATOR = '\u0004';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Read every fragment, in file-name order.
 *
 * @returns {{name: string, path: string, entries: Record<string, unknown>}[]}
 */
function readFragments(fragmentsDir) {
  return readdirSync(fragmentsDir)
    .filter(name => name.endsWith('.json'))
    .sort()
    .map(name => {
      const path = join(fragmentsDir, name);
      let entries;
      try {
        entries = JSON.parse(readFileSync(path, 'utf-8'));
      } catch (error) {
        throw new Error(
          `${relative(root, path)} is not valid JSON: ${error.message}`
        );
      }
      if (!entries || typeof entries !== 'object' || Array.isArray(entries)) {
        throw new Error(`${relative(root, path)} must hold one JSON object`);
      }
      return { name, path: relative(root, path), entries };
    });
}

/**
 * Normalize one fragment entry to {msgstr, msgid_plural?}.
 */
function normalizeEntry(path, msgid, value) {
  if (typeof value === 'string' && value !== '') {
    return { msgstr: value, msgid_plural: null };
  }
  if (
    value &&
    typeof value === 'object' &&
    typeof value.msgstr === 'string' &&
    value.msgstr !== '' &&
    typeof value.msgid_plural === 'string' &&
    value.msgid_plural !== ''
  ) {
    return { msgstr: value.msgstr, msgid_plural: value.msgid_plural };
  }
  throw new Error(
    `${path}: "${msgid}" must map to a non-empty string or to {"msgid_plural", "msgstr"}`
  );
}

/**
 * Merge the fragments; the same msgid may appear twice only with the same
 * translation.
 */
function mergeFragments(fragments) {
  const merged = new Map();
  const problems = [];
  for (const fragment of fragments) {
    for (const [msgid, value] of Object.entries(fragment.entries)) {
      const entry = {
        ...normalizeEntry(fragment.path, msgid, value),
        origins: [fragment.path]
      };
      const previous = merged.get(msgid);
      if (!previous) {
        merged.set(msgid, entry);
      } else if (
        previous.msgstr !== entry.msgstr ||
        previous.msgid_plural !== entry.msgid_plural
      ) {
        problems.push(
          `"${msgid}" is translated differently in ${previous.origins.join(', ')} ` +
            `(${JSON.stringify(previous.msgstr)}) and ${fragment.path} (${JSON.stringify(entry.msgstr)})`
        );
      } else {
        previous.origins.push(fragment.path);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`Conflicting translations:\n  ${problems.join('\n  ')}`);
  }
  return new Map(
    [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  );
}

/**
 * The catalog in JupyterLab's JSON shape.
 */
function toJupyterLabJSON(merged, version) {
  const catalog = {
    '': {
      domain: DOMAIN,
      language: LANGUAGE_TAG,
      plural_forms: PLURAL_FORMS,
      version
    }
  };
  for (const [msgid, entry] of merged) {
    // JupyterLab's Gettext uses an entry for `_n` only when it holds more than
    // one form; Japanese has a single form, so it is given twice.
    catalog[msgid] = entry.msgid_plural
      ? [entry.msgstr, entry.msgstr]
      : [entry.msgstr];
  }
  return catalog;
}

function poString(text) {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n');
  return `"${escaped}"`;
}

/**
 * The same catalog as a gettext .po file.
 */
function toPO(merged, version) {
  const header = [
    `Project-Id-Version: jupyterlab-neuron ${version}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    `Language: ${LOCALE_FOLDER}`,
    `Plural-Forms: ${PLURAL_FORMS}`
  ];
  const lines = [
    '# Japanese messages of jupyterlab-neuron.',
    '# Generated by scripts/build-locale.mjs from src/i18n/ja/*.json: edit those.',
    'msgid ""',
    'msgstr ""',
    ...header.map(line => poString(`${line}\n`)),
    ''
  ];
  for (const [key, entry] of merged) {
    lines.push(`#: ${entry.origins.join(' ')}`);
    const separator = key.indexOf(CONTEXT_SEPARATOR);
    const msgid = separator >= 0 ? key.slice(separator + 1) : key;
    if (separator >= 0) {
      lines.push(`msgctxt ${poString(key.slice(0, separator))}`);
    }
    lines.push(`msgid ${poString(msgid)}`);
    if (entry.msgid_plural) {
      lines.push(`msgid_plural ${poString(entry.msgid_plural)}`);
      lines.push(`msgstr[0] ${poString(entry.msgstr)}`);
    } else {
      lines.push(`msgstr ${poString(entry.msgstr)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function parseArguments(argv) {
  const options = {
    out: join(root, 'jupyterlab_neuron', 'locale'),
    fragments: join(root, 'src', 'i18n', 'ja')
  };
  for (let index = 0; index < argv.length; index++) {
    const name = argv[index];
    const value = argv[index + 1];
    if ((name === '--out' || name === '--fragments') && value) {
      options[name.slice(2)] = resolve(value);
      index++;
    } else {
      throw new Error(
        `Unknown argument: ${name}\nUsage: build-locale.mjs [--out <dir>] [--fragments <dir>]`
      );
    }
  }
  return options;
}

function main() {
  const options = parseArguments(process.argv.slice(2));
  const { version } = JSON.parse(
    readFileSync(join(root, 'package.json'), 'utf-8')
  );
  const merged = mergeFragments(readFragments(options.fragments));
  const target = join(options.out, LOCALE_FOLDER, 'LC_MESSAGES');
  mkdirSync(target, { recursive: true });
  writeFileSync(
    join(target, `${DOMAIN}.json`),
    JSON.stringify(toJupyterLabJSON(merged, version), null, 2) + '\n',
    'utf-8'
  );
  writeFileSync(join(target, `${DOMAIN}.po`), toPO(merged, version), 'utf-8');
  console.log(
    `build-locale: ${merged.size} Japanese messages -> ${relative(process.cwd(), target) || '.'}`
  );
}

try {
  main();
} catch (error) {
  console.error(`build-locale: ${error.message}`);
  process.exit(1);
}
