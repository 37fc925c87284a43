/**
 * REST payloads of the diagnosis routes (`diagnose`, `diagnose/catalogue`;
 * docs/diagnose-api.md).
 */

import type { NeuronLanguage } from './common';

/**
 * What a diagnosis action button does (labels in the catalogue's `actions`).
 */
export type DiagnoseActionId =
  | 'show-core-holders'
  | 'shut-down-kernel'
  | 'restart-kernel'
  | 'delete-failed-cache-entry'
  | 'clear-stale-locks'
  | 'show-compile-cache'
  | 'show-device-memory'
  | 'choose-kernel';

/**
 * A documentation link, titled in the requested language.
 */
export type DiagnoseReference = { url: string; title: string };

/**
 * A known failure, in the requested language.
 */
export type DiagnoseEntry = {
  id: string;
  title: string;
  /** What the error means. */
  explanation: string;
  /** Why it happens on Neuron. */
  cause: string;
  /** What to do, in order; inline code in backticks. */
  steps: string[];
  actions: DiagnoseActionId[];
  reference: DiagnoseReference;
};

/**
 * `POST diagnose` for a known failure.
 */
export type DiagnoseMatch = DiagnoseEntry & {
  /** The line of the error that matched (at most 300 characters). */
  excerpt: string;
};

/**
 * `POST diagnose`: a known failure with what was read from the text, or
 * `{"match": null}`.
 */
export type Diagnosis =
  | { match: DiagnoseMatch; details: Record<string, string | number> }
  | { match: null; details?: undefined };

/**
 * `GET diagnose/catalogue`: the whole catalogue in one language.
 */
export type DiagnoseCatalogue = {
  version: number;
  lang: NeuronLanguage;
  /** Action id -> button label. */
  actions: Record<string, string>;
  entries: DiagnoseEntry[];
  /** What to show for an unknown error. */
  fallback: {
    title: string;
    explanation: string;
    reference: DiagnoseReference;
  };
};
