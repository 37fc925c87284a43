import { render } from '@testing-library/react';
import React from 'react';

import { FakeServer } from '../../__tests__/fakeServer';
import { NeuronI18n } from '../../i18n';
import { NeuronLanguage } from '../../tokens';
import { CacheSummaryView } from '../view';
import { ENTRY_STATES, stateDescription, stateLabel } from '../labels';
import { FakeCompileCache } from './fakeCache';
import type * as CacheAPI from '../../api/cache';

/** A status whose root holds two links where entry folders belong. */
function statusWithLinks(): CacheAPI.Status {
  const status = new FakeCompileCache(new FakeServer(), 10).status();
  status.totals.counts.link = 2;
  status.roots[0].counts.link = 2;
  return status;
}

describe('links where entry folders belong', () => {
  it.each([
    ['en', 'Link 2', 'removes only the link'],
    ['ja', 'リンク 2', 'リンクだけを削除します']
  ] as const)(
    'are a state of their own, shown apart from the entries (%s)',
    (language: NeuronLanguage, label, description) => {
      const translator = new NeuronI18n({ setting: language });
      const status = statusWithLinks();
      const model = {
        state: 'ready',
        status,
        error: null,
        isBusy: false,
        isVisible: true,
        freeDiskThreshold: { bytes: 0, percent: 0 },
        changed: { connect: () => true, disconnect: () => true },
        revisionChanged: { connect: () => true, disconnect: () => true },
        setVisible: () => undefined,
        refresh: async () => undefined
      };
      const { container } = render(
        <CacheSummaryView model={model as any} translator={translator} />
      );
      const badge = container.querySelector('[data-state="link"]');
      expect(badge?.textContent).toContain(label);
      expect(badge?.innerHTML).toContain(description);
      // Not counted among the entries.
      expect(container.textContent).toContain(
        language === 'en' ? 'Entries10' : 'エントリ数10'
      );
    }
  );

  it('has a label and a description in both languages', () => {
    expect(ENTRY_STATES).toContain('link');
    const english = new NeuronI18n({ setting: 'en' }).trans;
    const japanese = new NeuronI18n({ setting: 'ja' }).trans;
    expect(stateLabel('link', english)).toBe('Link');
    expect(stateLabel('link', japanese)).toBe('リンク');
    expect(stateDescription('link', japanese)).not.toBe(
      stateDescription('link', english)
    );
  });
});
