/**
 * Diagnoses recorded from the server's matcher (jupyterlab_neuron/diagnose):
 * for every catalogue entry, a sample of jupyterlab_neuron/tests/diagnose/samples/
 * diagnosed in both languages, an unrelated error, and the catalogue's action
 * labels and fallback (diagnoses.json). A server test fails when the recording
 * no longer matches the catalogue; regenerate it with
 * `.venv/bin/python -m jupyterlab_neuron.tests.diagnose.record_fixture`.
 */

import type { NeuronLanguage } from '../../tokens';
import recording from './diagnoses.json';
import type * as DiagnoseAPI from '../../api/diagnose';

export interface IRecordedDiagnosis {
  /** The sample file the text comes from. */
  sample: string;
  /** The error text the diagnosis was made for. */
  text: string;
  ja: DiagnoseAPI.Diagnosis;
  en: DiagnoseAPI.Diagnosis;
}

/** Every catalogue entry's recorded diagnosis, in catalogue order. */
export const recordedEntries = recording.entries as unknown as Record<
  string,
  IRecordedDiagnosis
>;

function entry(id: string): IRecordedDiagnosis {
  const recorded = recordedEntries[id];
  if (!recorded) {
    throw new Error(`no recorded diagnosis for catalogue entry ${id}`);
  }
  return recorded;
}

export const neuroncoresUnavailable = entry('neuroncores-unavailable');
export const failedNeffCached = entry('failed-neff-cached');
export const packagesMissing = entry('neuron-packages-missing');
export const compileCacheLocked = entry('compile-cache-locked');
export const compileCacheNotWritable = entry('compile-cache-not-writable');

/** An error that matches no entry. */
export const unknown = recording.unknown as unknown as IRecordedDiagnosis;

/** `GET diagnose/catalogue` without its entries. */
export const catalogues = recording.catalogues as unknown as Record<
  NeuronLanguage,
  DiagnoseAPI.DiagnoseCatalogue
>;
