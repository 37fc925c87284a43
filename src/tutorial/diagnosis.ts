/**
 * The diagnoses of a notebook's failed steps: what the server's error
 * catalogue says of each failed cell, asked once, asked again in a new
 * language, and never overwritten by an answer that came too late.
 */

import type * as nbformat from '@jupyterlab/nbformat';
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { errorOutputOf, errorTextOfOutputs } from '../diagnose';
import { describeRequestError } from '../request';
import type { INeuronI18n, NeuronLanguage } from '../tokens';
import type * as DiagnoseAPI from '../api/diagnose';

/**
 * The diagnosis of a failed step.
 */
export interface IStepDiagnosis {
  stepId: string;
  cellId: string;
  /** The error text sent to the server (stream outputs and traceback). */
  text: string;
  state: 'loading' | 'ready' | 'error';
  result: DiagnoseAPI.Diagnosis | null;
  /** The catalogue's fallback, for an unknown error. */
  fallback: DiagnoseAPI.DiagnoseCatalogue['fallback'] | null;
  /** Action id -> button label, from the catalogue. */
  labels: Record<string, string>;
  /** Why the diagnosis failed, when `state` is `error`. */
  error: string | null;
}

/**
 * Asks the diagnoses of the failed steps of one notebook (one per step: a
 * new failure of the step replaces the last one).
 */
export class StepDiagnoses implements IDisposable {
  constructor(options: StepDiagnoses.IOptions) {
    this._client = options.client;
    this._i18n = options.i18n;
  }

  /**
   * Emitted when a diagnosis is asked for, arrives or fails.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The diagnosis of a step, if one was asked for.
   */
  get(stepId: string): IStepDiagnosis | null {
    return this._diagnoses.get(stepId) ?? null;
  }

  /**
   * The diagnosis of the failure of `cellId` in a step: the one asked for
   * already, else one asked now from the cell's outputs (after a reload the
   * saved outputs still hold the error). `null` when they hold no error.
   */
  forOutputs(
    stepId: string,
    cellId: string,
    outputs: ReadonlyArray<nbformat.IOutput>
  ): IStepDiagnosis | null {
    const existing = this._diagnoses.get(stepId);
    if (existing && existing.cellId === cellId) {
      return existing;
    }
    if (!errorOutputOf(outputs)) {
      return null;
    }
    return this.request(stepId, cellId, errorTextOfOutputs(outputs));
  }

  /**
   * Ask the server what the error of a failed cell means, in the panel's
   * language. Replaces the step's earlier diagnosis; an earlier request
   * still on its way is ignored when it answers.
   */
  request(stepId: string, cellId: string, text: string): IStepDiagnosis {
    const language = this._i18n.language;
    const token = {};
    this._tokens.set(stepId, token);
    const entry: IStepDiagnosis = {
      stepId,
      cellId,
      text,
      state: 'loading',
      result: null,
      fallback: null,
      labels: {},
      error: null
    };
    this._set(entry);
    const current = () =>
      !this._isDisposed && this._tokens.get(stepId) === token;
    this._ask(text, language).then(
      answer => {
        if (current()) {
          this._set({ ...entry, state: 'ready', ...answer });
        }
      },
      reason => {
        if (current()) {
          this._set({
            ...entry,
            state: 'error',
            error: describeRequestError(reason, this._i18n.trans)
          });
        }
      }
    );
    return entry;
  }

  /**
   * Ask again for every diagnosis (they are written in one language: call
   * this when the language changed).
   */
  refresh(): void {
    for (const diagnosis of Array.from(this._diagnoses.values())) {
      this.request(diagnosis.stepId, diagnosis.cellId, diagnosis.text);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._diagnoses.clear();
    this._tokens.clear();
    Signal.clearData(this);
  }

  private async _ask(
    text: string,
    language: NeuronLanguage
  ): Promise<Pick<IStepDiagnosis, 'result' | 'fallback' | 'labels'>> {
    const [result, catalogue] = await Promise.all([
      this._client.diagnose(text, language),
      this._client.catalogue(language)
    ]);
    return {
      result,
      fallback: result.match ? null : catalogue.fallback,
      labels: catalogue.actions
    };
  }

  private _set(diagnosis: IStepDiagnosis): void {
    this._diagnoses.set(diagnosis.stepId, diagnosis);
    this._changed.emit();
  }

  private _client: StepDiagnoses.IClient;
  private _i18n: INeuronI18n;
  private _diagnoses = new Map<string, IStepDiagnosis>();
  private _tokens = new Map<string, object>();
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * The namespace for `StepDiagnoses` statics.
 */
export namespace StepDiagnoses {
  /**
   * What the diagnoses are asked of (`DiagnoseClient`).
   */
  export interface IClient {
    diagnose(
      text: string,
      lang: NeuronLanguage
    ): Promise<DiagnoseAPI.Diagnosis>;
    catalogue(lang: NeuronLanguage): Promise<DiagnoseAPI.DiagnoseCatalogue>;
  }

  /**
   * Construction options.
   */
  export interface IOptions {
    /** The error catalogue's client. */
    client: IClient;
    /** The panel's language: the diagnoses are asked in it. */
    i18n: INeuronI18n;
  }
}
