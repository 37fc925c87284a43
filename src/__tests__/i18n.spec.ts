import {
  ITranslator,
  TranslationBundle,
  nullTranslator
} from '@jupyterlab/translation';

import {
  NeuronI18n,
  createJapaneseBundle,
  resolveLanguage,
  toLanguageSetting
} from '../i18n';
import { NeuronLanguage, TRANSLATION_DOMAIN } from '../tokens';

describe('resolveLanguage', () => {
  it.each([
    // setting, JupyterLab, browser, expected
    ['ja', 'en', ['en-US'], 'ja'],
    ['en', 'ja-JP', ['ja'], 'en'],
    ['auto', 'ja-JP', ['en-US'], 'ja'],
    ['auto', 'ja_JP', [], 'ja'],
    ['auto', 'en', ['ja'], 'ja'],
    ['auto', 'en', ['ja-JP', 'en-US'], 'ja'],
    ['auto', 'en', ['en-US', 'ja-JP'], 'en'],
    ['auto', 'fr-FR', ['ja'], 'ja'],
    ['auto', 'en', ['fr-FR'], 'en'],
    ['auto', null, [], 'en'],
    ['auto', undefined, undefined, 'en'],
    // "jv" (Javanese) is not Japanese.
    ['auto', 'jv', ['jv-ID'], 'en']
  ] as const)(
    'setting %s, lab %s, browser %j -> %s',
    (setting, lab, browser, expected) => {
      expect(resolveLanguage(setting, lab, browser)).toBe(expected);
    }
  );
});

describe('toLanguageSetting', () => {
  it('keeps valid values and maps anything else to auto', () => {
    expect(toLanguageSetting('ja')).toBe('ja');
    expect(toLanguageSetting('en')).toBe('en');
    expect(toLanguageSetting('auto')).toBe('auto');
    expect(toLanguageSetting('de')).toBe('auto');
    expect(toLanguageSetting(undefined)).toBe('auto');
  });
});

describe('createJapaneseBundle', () => {
  const bundle = createJapaneseBundle({
    'Simulated: %1': ['シミュレーション: %1'],
    '%1 device': ['%1 台', '%1 台'],
    'menu\u0004Open': ['開く']
  });

  it('translates with interpolation', () => {
    expect(bundle.__('Simulated: %1', 'trn1.2xlarge')).toBe(
      'シミュレーション: trn1.2xlarge'
    );
  });

  it('translates plurals with a single Japanese form', () => {
    expect(bundle._n('%1 device', '%1 devices', 1)).toBe('1 台');
    expect(bundle._n('%1 device', '%1 devices', 16)).toBe('16 台');
  });

  it('translates messages with a context', () => {
    expect(bundle._p('menu', 'Open')).toBe('開く');
  });

  it('falls back to English for unknown messages', () => {
    expect(bundle.__('Not in the catalog %1', 'x')).toBe(
      'Not in the catalog x'
    );
    expect(bundle._n('%1 cat', '%1 cats', 2)).toBe('2 cats');
  });
});

/**
 * A stand-in for JupyterLab's translator in a given language.
 */
function fakeAppTranslator(
  languageCode: string,
  bundle: TranslationBundle = nullTranslator.load(TRANSLATION_DOMAIN)
): ITranslator {
  return { languageCode, load: () => bundle };
}

describe('NeuronI18n', () => {
  it('gives Japanese with no language pack (JupyterLab in English)', () => {
    const i18n = new NeuronI18n({
      appTranslator: fakeAppTranslator('en'),
      navigatorLanguages: ['ja-JP']
    });
    expect(i18n.language).toBe('ja');
    expect(i18n.languageCode).toBe('ja-JP');
    const trans = i18n.load(TRANSLATION_DOMAIN);
    expect(trans.__('Simulated: %1', 'trn1.2xlarge')).toBe(
      'シミュレーション: trn1.2xlarge'
    );
    expect(trans._n('%1 device', '%1 devices', 16)).toBe('16 台');
    expect(i18n.trans.__('Refresh')).toBe('更新');
  });

  it('gives English with interpolation', () => {
    const i18n = new NeuronI18n({ setting: 'en', navigatorLanguages: ['ja'] });
    expect(i18n.language).toBe('en');
    expect(i18n.languageCode).toBe('en');
    const trans = i18n.load('jupyterlab_neuron');
    expect(trans.__('Simulated: %1', 'trn1.2xlarge')).toBe(
      'Simulated: trn1.2xlarge'
    );
    expect(trans._n('%1 device', '%1 devices', 1)).toBe('1 device');
    expect(trans._n('%1 device', '%1 devices', 16)).toBe('16 devices');
  });

  it('accepts the hyphenated domain name', () => {
    const i18n = new NeuronI18n({ setting: 'ja' });
    expect(i18n.load('jupyterlab-neuron').__('Refresh')).toBe('更新');
  });

  it('emits changed when the effective language changes', () => {
    const i18n = new NeuronI18n({ navigatorLanguages: ['en-US'] });
    const seen: NeuronLanguage[] = [];
    i18n.changed.connect((_, language) => seen.push(language));
    expect(i18n.language).toBe('en');

    i18n.setting = 'ja';
    expect(i18n.trans.__('Refresh')).toBe('更新');
    i18n.setting = 'ja'; // no change, no signal
    i18n.setting = 'auto';
    expect(i18n.trans.__('Refresh')).toBe('Refresh');
    expect(seen).toEqual(['ja', 'en']);
    expect(i18n.setting).toBe('auto');
  });

  it("prefers JupyterLab's bundle when it runs in Japanese with our catalog", () => {
    const appBundle = createJapaneseBundle({ Refresh: ['リフレッシュ'] });
    const i18n = new NeuronI18n({
      appTranslator: fakeAppTranslator('ja-JP', appBundle),
      messages: { Refresh: ['更新'], Devices: ['デバイス'] }
    });
    expect(i18n.language).toBe('ja');
    expect(i18n.trans.__('Refresh')).toBe('リフレッシュ');
  });

  it("ignores JupyterLab's bundle when it has no translations for us", () => {
    // JupyterLab in Japanese through a language pack that does not include
    // our catalog: its bundle returns English for our messages.
    const i18n = new NeuronI18n({
      appTranslator: fakeAppTranslator('ja-JP'),
      navigatorLanguages: ['en-US']
    });
    expect(i18n.language).toBe('ja');
    expect(i18n.trans.__('Refresh')).toBe('更新');
  });

  it('delegates other domains to JupyterLab, or English when set to English', () => {
    const jupyterlabBundle = createJapaneseBundle({ Cancel: ['キャンセル'] });
    const app = fakeAppTranslator('ja-JP', jupyterlabBundle);
    const ja = new NeuronI18n({ appTranslator: app, setting: 'ja' });
    expect(ja.load('jupyterlab').__('Cancel')).toBe('キャンセル');
    const en = new NeuronI18n({ appTranslator: app, setting: 'en' });
    expect(en.load('jupyterlab').__('Cancel')).toBe('Cancel');
  });
});
