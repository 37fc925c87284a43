/**
 * The panel's language: its `language` setting and a translator that shows
 * Japanese even when JupyterLab has no Japanese language pack installed.
 */

import {
  Gettext,
  ITranslator,
  TranslationBundle,
  nullTranslator
} from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { CatalogMessages, JAPANESE_FRAGMENTS, mergeFragments } from './catalog';
import {
  INeuronI18n,
  NeuronLanguage,
  NeuronLanguageSetting,
  TRANSLATION_DOMAIN
} from '../tokens';

/**
 * The BCP 47 tag of each language, as JupyterLab's translators report it.
 */
export const LANGUAGE_CODES: Readonly<Record<NeuronLanguage, string>> = {
  ja: 'ja-JP',
  en: 'en'
};

/**
 * Turn a setting value of unknown shape into a language setting (`auto` for
 * anything unexpected).
 */
export function toLanguageSetting(value: unknown): NeuronLanguageSetting {
  return value === 'ja' || value === 'en' ? value : 'auto';
}

/**
 * The effective language of the panel.
 *
 * An explicit setting wins. With `auto`, JupyterLab's language is used when it
 * is Japanese; otherwise the browser's first preferred language decides
 * (`ja*` -> Japanese), and English is the fallback. JupyterLab's own language
 * is English whenever no language pack is installed, so it cannot be the only
 * signal.
 *
 * @param setting - the `language` setting
 * @param labLanguageCode - JupyterLab's language (`ITranslator.languageCode`), if known
 * @param navigatorLanguages - the browser's preferred languages, most preferred first
 */
export function resolveLanguage(
  setting: NeuronLanguageSetting,
  labLanguageCode: string | null | undefined,
  navigatorLanguages: readonly string[] | null | undefined
): NeuronLanguage {
  if (setting === 'ja' || setting === 'en') {
    return setting;
  }
  if (isJapanese(labLanguageCode)) {
    return 'ja';
  }
  const browser = navigatorLanguages?.find(code => !!code);
  return isJapanese(browser) ? 'ja' : 'en';
}

function isJapanese(code: string | null | undefined): boolean {
  return !!code && /^ja(?:[-_]|$)/i.test(code.trim());
}

/**
 * Build the Japanese gettext bundle of our domain from catalog messages.
 */
export function createJapaneseBundle(
  messages: CatalogMessages
): TranslationBundle {
  const gettext = new Gettext({
    domain: TRANSLATION_DOMAIN,
    locale: LANGUAGE_CODES.ja
  });
  gettext.loadJSON(
    {
      '': {
        domain: TRANSLATION_DOMAIN,
        language: LANGUAGE_CODES.ja,
        pluralForms: 'nplurals=1; plural=0;'
      },
      ...messages
    },
    TRANSLATION_DOMAIN
  );
  return gettext;
}

/**
 * The language service of jupyterlab-neuron.
 *
 * `load('jupyterlab_neuron')` returns a bundle in the effective language:
 * JupyterLab's own bundle when JupyterLab runs in Japanese and actually has
 * our translations (served from our catalog through the language-pack path),
 * else the bundled Japanese catalog, or an identity bundle for English. Other
 * domains are delegated to JupyterLab's translator (English when the panel is
 * set to English).
 */
export class NeuronI18n implements INeuronI18n {
  constructor(options: NeuronI18n.IOptions = {}) {
    this._appTranslator = options.appTranslator ?? null;
    this._navigatorLanguages = options.navigatorLanguages ?? [];
    this._messages = options.messages ?? mergeFragments(JAPANESE_FRAGMENTS);
    this._setting = options.setting ?? 'auto';
    this._language = this._resolve();
  }

  /**
   * The language setting as configured. Setting it re-resolves the language.
   */
  get setting(): NeuronLanguageSetting {
    return this._setting;
  }
  set setting(value: NeuronLanguageSetting) {
    this._setting = toLanguageSetting(value);
    const language = this._resolve();
    if (language !== this._language) {
      this._language = language;
      this._changed.emit(language);
    }
  }

  /**
   * The effective language.
   */
  get language(): NeuronLanguage {
    return this._language;
  }

  /**
   * The BCP 47 tag of the effective language (`ja-JP` or `en`).
   */
  get languageCode(): string {
    return LANGUAGE_CODES[this._language];
  }

  /**
   * The bundle of our domain in the effective language.
   */
  get trans(): TranslationBundle {
    return this.load(TRANSLATION_DOMAIN);
  }

  /**
   * Emitted with the new effective language when it changes.
   */
  get changed(): ISignal<this, NeuronLanguage> {
    return this._changed;
  }

  /**
   * The translation bundle of a domain in the effective language.
   */
  load(domain: string): TranslationBundle {
    if (this._language === 'en') {
      return nullTranslator.load(domain);
    }
    const appBundle = this._appTranslator?.load(domain) ?? null;
    if (normalizeDomain(domain) !== TRANSLATION_DOMAIN) {
      return appBundle ?? nullTranslator.load(domain);
    }
    if (appBundle && this._appHasOurCatalog(appBundle)) {
      return appBundle;
    }
    if (!this._japaneseBundle) {
      this._japaneseBundle = createJapaneseBundle(this._messages);
    }
    return this._japaneseBundle;
  }

  private _resolve(): NeuronLanguage {
    return resolveLanguage(
      this._setting,
      this._appTranslator?.languageCode,
      this._navigatorLanguages
    );
  }

  /**
   * Whether JupyterLab runs in Japanese and its bundle for our domain actually
   * translates our messages. That happens only with a language pack installed
   * (JupyterLab then serves our catalog from the Python package); otherwise
   * its bundle returns English and the bundled catalog is used instead.
   */
  private _appHasOurCatalog(appBundle: TranslationBundle): boolean {
    if (this._appBundleUsable === null) {
      const probe = Object.entries(this._messages).find(
        // Without placeholders: bundles fill them in even when not translating.
        ([msgid, forms]) =>
          forms.length === 1 && forms[0] !== msgid && !msgid.includes('%')
      );
      this._appBundleUsable =
        isJapanese(this._appTranslator?.languageCode) &&
        !!probe &&
        appBundle.__(probe[0]) !== probe[0];
    }
    return this._appBundleUsable;
  }

  private _appTranslator: ITranslator | null;
  private _navigatorLanguages: readonly string[];
  private _messages: CatalogMessages;
  private _setting: NeuronLanguageSetting;
  private _language: NeuronLanguage;
  private _japaneseBundle: TranslationBundle | null = null;
  private _appBundleUsable: boolean | null = null;
  private _changed = new Signal<this, NeuronLanguage>(this);
}

/**
 * The namespace for `NeuronI18n` statics.
 */
export namespace NeuronI18n {
  /**
   * Construction options.
   */
  export interface IOptions {
    /** JupyterLab's translator, when available. */
    appTranslator?: ITranslator | null;
    /** The browser's preferred languages (`navigator.languages`). */
    navigatorLanguages?: readonly string[];
    /** The initial `language` setting (default `auto`). */
    setting?: NeuronLanguageSetting;
    /** The Japanese messages (default: the bundled catalog). */
    messages?: CatalogMessages;
  }
}

/** Gettext domains use underscores (`jupyterlab-neuron` == `jupyterlab_neuron`). */
function normalizeDomain(domain: string): string {
  return domain.replace(/-/g, '_');
}
