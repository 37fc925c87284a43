/**
 * The tutorial's per-user choices, kept in its settings
 * (schema/tutorial.json): whether to offer the tutorial mode and for which
 * notebooks it was offered, whether Next runs a step first, whether a
 * finished step saves the notebook.
 */

import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';

import { followSettings } from '../settings';
import { IOfferPreferences, MAX_REMEMBERED_OFFERS } from './offer';
import type { NotebookTutorial } from './session';

/**
 * The tutorial settings as the tutorial uses them. Until they are loaded
 * (and without a setting registry) every choice has its default, and the
 * notebooks offered are remembered for the session only.
 */
export class TutorialPreferences implements IOfferPreferences {
  /**
   * @param registry - the setting registry, when installed
   * @param pluginId - the plugin whose settings these are
   */
  constructor(registry: ISettingRegistry | null, pluginId: string) {
    this.ready = followSettings(registry, pluginId, settings => {
      this._settings = settings;
      this._changed.emit();
    });
  }

  /**
   * Resolves once the settings are loaded, or could not be (never rejects).
   * The offer waits for it: "Don't show again" must be known first.
   */
  readonly ready: Promise<void>;

  /**
   * Emitted when the settings are loaded and after every change.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * False once the user chose "Don't show again".
   */
  get enabled(): boolean {
    return this._flag('offerTutorial');
  }

  /**
   * The notebooks (server paths) the offer was made for, oldest first.
   */
  get offered(): ReadonlyArray<string> {
    const stored = this._settings?.get('offeredNotebooks').composite;
    return Array.isArray(stored) ? (stored as string[]) : this._offered;
  }

  /**
   * Store "Don't show again".
   */
  async disable(): Promise<void> {
    await this._settings?.set('offerTutorial', false);
  }

  /**
   * Remember that the offer was made for a notebook (the most recent last;
   * the settings keep the last {@link MAX_REMEMBERED_OFFERS}).
   */
  async remember(path: string): Promise<void> {
    const next = [...this.offered.filter(p => p !== path), path];
    this._offered = next;
    await this._settings?.set(
      'offeredNotebooks',
      next.slice(-MAX_REMEMBERED_OFFERS)
    );
  }

  /**
   * The "Next runs the step first" choice, as the guide reads and changes it
   * (a failed save is logged; the guide keeps going).
   */
  readonly runOnNext: NotebookTutorial.IRunOnNext = {
    get: () => this._flag('runOnNext'),
    set: value => {
      this._settings?.set('runOnNext', value).catch(reason => {
        console.error('jupyterlab-neuron: could not save a setting', reason);
      });
    }
  };

  /**
   * Save a notebook so its progress survives a reload, unless the user
   * turned that off.
   */
  async saveProgress(panel: NotebookPanel): Promise<void> {
    if (this._flag('saveProgress')) {
      await panel.context.save();
    }
  }

  /** A boolean setting that is on unless set to false. */
  private _flag(key: string): boolean {
    return this._settings?.get(key).composite !== false;
  }

  private _settings: ISettingRegistry.ISettings | null = null;
  private _offered: string[] = [];
  private _changed = new Signal<this, void>(this);
}
