/**
 * The client of the error diagnosis API (`POST diagnose`,
 * `GET diagnose/catalogue`; docs/diagnose-api.md).
 */

import type * as nbformat from '@jupyterlab/nbformat';
import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../request';
import type { NeuronLanguage } from '../tokens';
import type * as DiagnoseAPI from '../api/diagnose';

/**
 * Longest error text sent, in characters. The server takes up to 1,000,000
 * UTF-8 bytes; the decisive lines are at the end of an output, so the start
 * of a longer text is dropped.
 */
export const MAX_DIAGNOSIS_CHARS = 300_000;

/**
 * Asks the server what a Neuron error means. The catalogue (the fallback
 * text and the action labels) is fetched once per language.
 */
export class DiagnoseClient {
  constructor(options: DiagnoseClient.IOptions) {
    this._serverSettings = options.serverSettings;
  }

  /**
   * Match an error text against the catalogue of known Neuron failures.
   *
   * @param text - the failed cell's output (see {@link errorTextOfOutputs})
   * @param lang - the language of the answer (the panel's)
   */
  diagnose(text: string, lang: NeuronLanguage): Promise<DiagnoseAPI.Diagnosis> {
    return requestAPI<DiagnoseAPI.Diagnosis>(
      'diagnose',
      {
        method: 'POST',
        body: JSON.stringify({ text: clip(text), lang })
      },
      this._serverSettings,
      lang
    );
  }

  /**
   * The catalogue in one language (cached; a failure is not).
   */
  catalogue(lang: NeuronLanguage): Promise<DiagnoseAPI.DiagnoseCatalogue> {
    let cached = this._catalogues.get(lang);
    if (!cached) {
      cached = requestAPI<DiagnoseAPI.DiagnoseCatalogue>(
        `diagnose/catalogue?lang=${lang}`,
        { method: 'GET' },
        this._serverSettings,
        lang
      );
      this._catalogues.set(lang, cached);
      cached.catch(() => {
        this._catalogues.delete(lang);
      });
    }
    return cached;
  }

  private _serverSettings: ServerConnection.ISettings;
  private _catalogues = new Map<
    NeuronLanguage,
    Promise<DiagnoseAPI.DiagnoseCatalogue>
  >();
}

/**
 * The namespace for `DiagnoseClient` statics.
 */
export namespace DiagnoseClient {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** The application's server settings. */
    serverSettings: ServerConnection.ISettings;
  }
}

/**
 * The error text of a failed cell, as the diagnosis API wants it: the
 * stream outputs (stderr carries the Neuron runtime's log lines), then the
 * traceback of the error output. ANSI colours are left to the server.
 */
export function errorTextOfOutputs(
  outputs: ReadonlyArray<nbformat.IOutput>
): string {
  const parts: string[] = [];
  for (const output of outputs) {
    if (output.output_type === 'stream') {
      parts.push(joinText((output as nbformat.IStream).text));
    } else if (output.output_type === 'error') {
      const error = output as nbformat.IError;
      const traceback = Array.isArray(error.traceback)
        ? error.traceback.join('\n')
        : '';
      parts.push(traceback || `${error.ename}: ${error.evalue}`);
    }
  }
  return parts
    .map(part => part.replace(/\n+$/, ''))
    .filter(part => part !== '')
    .join('\n');
}

/**
 * The error output of a cell's outputs, if any.
 */
export function errorOutputOf(
  outputs: ReadonlyArray<nbformat.IOutput>
): nbformat.IError | null {
  for (let i = outputs.length - 1; i >= 0; i--) {
    if (outputs[i].output_type === 'error') {
      return outputs[i] as nbformat.IError;
    }
  }
  return null;
}

/**
 * Remove ANSI colour codes (for showing a raw error as text).
 */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r/g, '');
}

function joinText(text: nbformat.MultilineString): string {
  return Array.isArray(text) ? text.join('') : text;
}

function clip(text: string): string {
  return text.length > MAX_DIAGNOSIS_CHARS
    ? text.slice(text.length - MAX_DIAGNOSIS_CHARS)
    : text;
}
