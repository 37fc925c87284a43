/**
 * Words and formats of the compile-cache views: state names, badge looks,
 * times.
 */

import type { TranslationBundle } from '@jupyterlab/translation';

import type { BadgeKind } from '../components';
import type * as CacheAPI from '../api/cache';

/**
 * Entry states in the order the views list them.
 */
export const ENTRY_STATES: readonly CacheAPI.EntryState[] = [
  'success',
  'failed',
  'compiling',
  'stale_lock',
  'empty',
  'link'
];

/**
 * The (translated) name of an entry state.
 */
export function stateLabel(
  state: CacheAPI.EntryState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'success':
      return trans.__('Success');
    case 'failed':
      return trans.__('Failed');
    case 'compiling':
      return trans.__('Compiling');
    case 'stale_lock':
      return trans.__('Stale lock');
    case 'empty':
      return trans.__('Empty');
    case 'link':
      return trans.__('Link');
  }
}

/**
 * A (translated) sentence explaining an entry state.
 */
export function stateDescription(
  state: CacheAPI.EntryState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'success':
      return trans.__(
        'Compiled: the NEFF is reused instead of compiling again.'
      );
    case 'failed':
      return trans.__(
        'The compile failed and its log is cached: it blocks compiling this graph again until it is removed.'
      );
    case 'compiling':
      return trans.__('A compile is running in this entry.');
    case 'stale_lock':
      return trans.__(
        'A lock file was left by an interrupted compile. The next compile of this graph may wait for it.'
      );
    case 'empty':
      return trans.__('Only the graph was saved; it was never compiled.');
    case 'link':
      return trans.__(
        'A link where an entry folder belongs: not an entry, and never followed. Removing it removes only the link.'
      );
  }
}

/**
 * How the badge of an entry state looks.
 */
export function stateBadgeKind(state: CacheAPI.EntryState): BadgeKind {
  switch (state) {
    case 'success':
      return 'ok';
    case 'failed':
      return 'error';
    case 'stale_lock':
      return 'warning';
    case 'compiling':
    case 'empty':
    case 'link':
      return 'info';
  }
}

/**
 * The (translated) name of a root's state.
 */
export function rootStateLabel(
  state: CacheAPI.RootState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'ok':
      return trans.__('Available');
    case 'missing':
      return trans.__('Not created yet');
    case 'not_directory':
      return trans.__('Not a folder');
    case 'unreadable':
      return trans.__('Unreadable');
    case 'read_only':
      return trans.__('Read-only');
    case 'remote':
      return trans.__('S3, boto3 not installed');
  }
}

/**
 * How the badge of a root's state looks.
 */
export function rootStateBadgeKind(state: CacheAPI.RootState): BadgeKind {
  switch (state) {
    case 'ok':
      return 'ok';
    case 'missing':
    case 'remote':
      return 'info';
    case 'read_only':
      return 'warning';
    case 'not_directory':
    case 'unreadable':
      return 'error';
  }
}

/**
 * Why an entry cannot be removed now (translated).
 */
export function protectionLabel(
  protection: CacheAPI.Protection,
  trans: TranslationBundle
): string {
  return protection === 'in_use'
    ? trans.__('In use by a running Neuron process: it cannot be removed.')
    : trans.__('A compile is running: it cannot be removed.');
}

/**
 * A time (seconds since the epoch) relative to now: "3 days ago".
 */
export function formatAge(
  seconds: number | null | undefined,
  locale: string,
  now: number = Date.now()
): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '—';
  }
  const elapsed = (seconds * 1000 - now) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86400],
    ['month', 30 * 86400],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60]
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(elapsed) >= size) {
      return format.format(Math.round(elapsed / size), unit);
    }
  }
  return format.format(Math.round(elapsed), 'second');
}

/**
 * A time (seconds since the epoch) as a date and time of the locale.
 */
export function formatDateTime(
  seconds: number | null | undefined,
  locale: string
): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '—';
  }
  return new Date(seconds * 1000).toLocaleString(locale, {
    dateStyle: 'medium',
    timeStyle: 'short'
  });
}

/**
 * A duration in seconds, roughly: "3 h", "2 d".
 */
export function formatDuration(seconds: number, locale: string): string {
  const units: [Intl.NumberFormatOptions['unit'], number][] = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1]
  ];
  for (const [unit, size] of units) {
    if (seconds >= size || unit === 'second') {
      return new Intl.NumberFormat(locale, {
        style: 'unit',
        unit,
        unitDisplay: 'narrow',
        maximumFractionDigits: 0
      }).format(Math.floor(seconds / size));
    }
  }
  return String(seconds);
}

/**
 * The last folder name of a path (the whole path when it has none).
 */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const name = trimmed.split(/[\\/]/).pop();
  return name || path;
}
