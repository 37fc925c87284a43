import { Signal } from '@lumino/signaling';
import { act, fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { FakeServer } from '../../__tests__/fakeServer';
import { NeuronI18n } from '../../i18n';
import {
  INeuronCompileCache,
  NeuronCompileCacheState,
  NeuronFreeDiskThreshold,
  NeuronLanguage
} from '../../tokens';
import { CacheSummaryView } from '../view';
import { FakeCompileCache } from './fakeCache';
import type * as CacheAPI from '../../api/cache';

const GIB = 1024 ** 3;

/**
 * A model whose fields the test sets; the view only reads them.
 */
class StubCache implements INeuronCompileCache {
  state: NeuronCompileCacheState = 'ready';
  status: CacheAPI.Status | null = null;
  error: string | null = null;
  isBusy = false;
  isVisible = true;
  isDisposed = false;
  freeDiskThreshold: NeuronFreeDiskThreshold = { bytes: 10 * GIB, percent: 10 };
  refreshCalls = 0;
  readonly changed = new Signal<this, void>(this);
  readonly revisionChanged = new Signal<this, string>(this);

  constructor(fields: Partial<StubCache> = {}) {
    Object.assign(this, fields);
  }

  setVisible(): void {
    // The stub is always "visible".
  }
  async refresh(): Promise<void> {
    this.refreshCalls += 1;
  }
  listEntries(): Promise<CacheAPI.EntryPage> {
    throw new Error('not used');
  }
  entryDetail(): Promise<CacheAPI.EntryDetail> {
    throw new Error('not used');
  }
  dryRun(): Promise<CacheAPI.CleanResult> {
    throw new Error('not used');
  }
  clean(): Promise<CacheAPI.CleanResult> {
    throw new Error('not used');
  }
  dispose(): void {
    this.isDisposed = true;
  }
}

/** A status of 40 entries (4 failed), as the fake cache reports it. */
function sampleStatus(
  change: (root: CacheAPI.RootSummary) => void = () => undefined
): CacheAPI.Status {
  const status = new FakeCompileCache(new FakeServer(), 40).status();
  change(status.roots[0]);
  return status;
}

function show(
  model: StubCache,
  language: NeuronLanguage,
  onOpenView?: () => void
) {
  const translator = new NeuronI18n({ setting: language });
  return render(
    <CacheSummaryView
      model={model}
      translator={translator}
      onOpenView={onOpenView}
    />
  );
}

describe('CacheSummaryView', () => {
  it.each([
    [
      'en',
      [
        'Entries',
        '40',
        'Failed 4',
        'Success 34',
        'Compiling 1',
        'Simulated compile cache',
        '80 GiB of 250 GiB'
      ]
    ],
    [
      'ja',
      [
        'エントリ数',
        '40',
        '失敗 4',
        '成功 34',
        'コンパイル中 1',
        'シミュレーションのコンパイルキャッシュ',
        '80 GiB / 250 GiB'
      ]
    ]
  ] as const)(
    'shows totals, counts by state and free disk (%s)',
    (language, texts) => {
      const model = new StubCache({ status: sampleStatus() });
      const { container } = show(model, language);
      for (const text of texts) {
        expect(container.textContent).toContain(text);
      }
      expect(container.querySelector('[data-low-disk="true"]')).toBeNull();
    }
  );

  it('warns when free disk space is below the threshold, and follows the setting', () => {
    const model = new StubCache({
      status: sampleStatus(root => {
        root.free_bytes = 5 * GIB;
      })
    });
    const { container } = show(model, 'en');
    expect(screen.getByText('Little free disk space')).toBeTruthy();
    expect(container.querySelector('[data-low-disk="true"]')).not.toBeNull();

    model.freeDiskThreshold = { bytes: 1 * GIB, percent: 1 };
    act(() => model.changed.emit());
    expect(screen.queryByText('Little free disk space')).toBeNull();
  });

  it.each([
    ['read_only', 'Read-only', '読み取り専用'],
    ['remote', 'S3, boto3 not installed', 'S3（boto3 が未インストール）'],
    ['missing', 'Not created yet', '未作成']
  ] as const)('gives a %s root its state and reason', (state, en, ja) => {
    const reason = `Reason given by the server for ${state}.`;
    const status = sampleStatus(root => {
      root.state = state;
      root.message = reason;
      root.remote = state === 'remote';
    });
    const model = new StubCache({ status });
    const english = show(model, 'en');
    expect(
      english.container.querySelector(`[data-root-state="${state}"]`)
    ).not.toBeNull();
    expect(screen.getByText(en)).toBeTruthy();
    expect(screen.getByText(reason)).toBeTruthy();
    english.unmount();
    show(model, 'ja');
    expect(screen.getByText(ja)).toBeTruthy();
  });

  it('marks S3 roots with an S3 badge in both languages', () => {
    const local = new StubCache({ status: sampleStatus() });
    const shown = show(local, 'en');
    expect(screen.queryByText('S3')).toBeNull();
    shown.unmount();
    const status = sampleStatus(root => {
      root.store = 's3';
      root.path = 's3://team-bucket/neuron-cache';
    });
    const model = new StubCache({ status });
    const english = show(model, 'en');
    const badge = screen.getByText('S3');
    expect(badge.closest('[title]')?.getAttribute('title')).toContain(
      'Amazon S3'
    );
    english.unmount();
    show(model, 'ja');
    expect(
      screen.getByText('S3').closest('[title]')?.getAttribute('title')
    ).toContain('Amazon S3 上で共有');
  });

  it('opens the cache view and rescans from its buttons', () => {
    const model = new StubCache({ status: sampleStatus() });
    const open = jest.fn();
    show(model, 'en', open);
    fireEvent.click(
      screen.getByRole('button', { name: 'Open compile cache view' })
    );
    expect(open).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Rescan' }));
    expect(model.refreshCalls).toBe(1);
  });

  it('explains a missing server extension and errors', () => {
    show(new StubCache({ state: 'server-missing' }), 'ja');
    expect(
      screen.getByText('jupyterlab-neuron のサーバー拡張機能を利用できません')
    ).toBeTruthy();
    show(
      new StubCache({ state: 'error', error: 'HTTP 502 Bad Gateway' }),
      'en'
    );
    expect(screen.getByText('Could not read the compile caches')).toBeTruthy();
    expect(screen.getByText('HTTP 502 Bad Gateway')).toBeTruthy();
  });
});
