import { Dialog } from '@jupyterlab/apputils';
import { waitForDialog } from '@jupyterlab/testing';
import { render } from '@testing-library/react';
import React from 'react';

import { FakeServer } from '../../__tests__/fakeServer';
import { waitUntil } from '../../__tests__/waiting';
import { NeuronI18n } from '../../i18n';

import {
  actionIntro,
  actionScope,
  cleanRequestFor,
  planFigures,
  runCacheAction
} from '../actions';
import { CacheModel } from '../model';
import { FakeCompileCache, ROOT_PATH } from './fakeCache';
import type * as CacheAPI from '../../api/cache';

/**
 * `showDialog` replaced by a script: records the text of each dialog and
 * presses the accept button (or the one `choose` picks).
 */
function scriptedDialogs(
  choose: (buttons: Dialog.IButton[]) => number = buttons =>
    buttons.findIndex(button => button.accept)
) {
  const shown: { text: string; buttons: string[] }[] = [];
  const show = (async (options: Partial<Dialog.IOptions<unknown>>) => {
    const { container, unmount } = render(options.body as React.ReactElement);
    const buttons = (options.buttons ?? []) as Dialog.IButton[];
    shown.push({
      text: container.textContent ?? '',
      buttons: buttons.map(button => button.label)
    });
    unmount();
    return { button: buttons[choose(buttons)], value: null, isChecked: null };
  }) as any;
  return { shown, show };
}

describe('cleanRequestFor', () => {
  const root = { id: 'r1', path: '/cache' } as CacheAPI.RootSummary;

  it('builds the request of every action', () => {
    expect(cleanRequestFor('delete-selected', { entries: ['a', 'b'] })).toEqual(
      {
        entries: ['a', 'b']
      }
    );
    expect(cleanRequestFor('delete-failed', { root: null })).toEqual({
      roots: [],
      failed: true
    });
    expect(cleanRequestFor('clear-stale-locks', { root })).toEqual({
      roots: ['r1'],
      stale_locks: true
    });
    expect(cleanRequestFor('remove-old-versions', {})).toEqual({
      roots: [],
      old_versions: true
    });
    expect(
      cleanRequestFor('prune', { root, maxBytes: 1.5 * 1024 ** 3 })
    ).toEqual({ roots: ['r1'], max_bytes: 1610612736 });
    expect(cleanRequestFor('wipe', { root })).toEqual({
      roots: ['r1'],
      wipe: true
    });
  });

  it('refuses an action without what it needs', () => {
    expect(() => cleanRequestFor('delete-selected', { entries: [] })).toThrow();
    expect(() => cleanRequestFor('wipe', { root: null })).toThrow();
    expect(() => cleanRequestFor('prune', { maxBytes: -1 })).toThrow();
  });
});

describe('planFigures', () => {
  it('counts entries, lock files and version folders, in both languages', () => {
    const item = (
      kind: 'entry' | 'lock' | 'version',
      id: string,
      bytes: number
    ): CacheAPI.PlanItem => ({
      kind,
      id,
      root_id: 'r',
      root: '/cache',
      version: 'neuronxcc-2.14',
      module: kind === 'version' ? null : `MODULE_${id}`,
      path: `neuronxcc-2.14/MODULE_${id}${kind === 'lock' ? '/model.hlo_module.pb.lock' : ''}`,
      bytes,
      state:
        kind === 'entry' ? 'failed' : kind === 'lock' ? 'stale_lock' : null,
      reasons: ['old_version'],
      symlink: false
    });
    const plan = {
      items: [
        item('lock', 'l', 0),
        item('entry', 'a', 100),
        item('entry', 'b', 50),
        item('version', 'v', 0)
      ],
      bytes_freed: 150,
      skipped: [
        {
          kind: 'entry',
          id: 'c',
          path: 'neuronxcc-2.14/MODULE_c',
          reason: 'compiling',
          message: 'a compile is running (or starting) in this entry'
        }
      ],
      warnings: ['A Neuron compiler is running']
    } as unknown as CacheAPI.CleanResult;

    const en = planFigures(plan, new NeuronI18n({ setting: 'en' }).trans);
    expect(en.count).toBe(4);
    expect(en.bytes).toBe(150);
    expect(en.summary).toBe(
      '2 entries, 1 lock file, 1 emptied compiler-version folder'
    );
    expect(en.items.map(i => i.label)).toEqual([
      'model.hlo_module.pb.lock',
      'MODULE_a',
      'MODULE_b',
      'neuronxcc-2.14'
    ]);
    expect(en.items[1].detail).toBe('neuronxcc-2.14 · Failed');
    expect(en.notes).toEqual([
      'Kept: neuronxcc-2.14/MODULE_c (a compile is running (or starting) in this entry)',
      'A Neuron compiler is running'
    ]);

    const ja = planFigures(plan, new NeuronI18n({ setting: 'ja' }).trans);
    expect(ja.summary).toBe(
      'エントリ 2 件、ロックファイル 1 個、空になるコンパイラーのバージョンフォルダー 1 個'
    );
    expect(ja.items[1].detail).toBe('neuronxcc-2.14 · 失敗');
    expect(ja.items[0].detail).toBe('MODULE_l のロックファイル');
  });
});

describe('actionIntro', () => {
  it('says where and what, in both languages', () => {
    const en = new NeuronI18n({ setting: 'en' }).trans;
    const ja = new NeuronI18n({ setting: 'ja' }).trans;
    expect(actionIntro('delete-failed', {}, en, 'en')).toMatch(
      /^Failed compiles stay in the cache/
    );
    expect(actionScope('delete-failed', {}, en)).toBe(
      'Applies to: every compile cache root'
    );
    const root = { id: 'r', path: '/cache' } as CacheAPI.RootSummary;
    expect(actionScope('wipe', { root }, ja)).toBe('対象: /cache');
    expect(actionScope('delete-selected', { entries: ['a'] }, ja)).toBeNull();
    expect(
      actionIntro('prune', { maxBytes: 20 * 1024 ** 3 }, ja, 'ja-JP')
    ).toContain('各ルートが 20 GiB 以下になるまで');
  });
});

describe('runCacheAction', () => {
  let server: FakeServer;
  let fake: FakeCompileCache;
  let cache: CacheModel;

  beforeEach(() => {
    server = new FakeServer();
    fake = new FakeCompileCache(server, 60);
    cache = new CacheModel({ serverSettings: server.serverSettings });
  });

  afterEach(() => {
    cache.dispose();
    document.body.innerHTML = '';
  });

  it('shows the dry run first, then deletes exactly that plan', async () => {
    const translator = new NeuronI18n({ setting: 'en' });
    const { shown, show } = scriptedDialogs();
    const outcome = await runCacheAction('delete-failed', {
      cache,
      translator,
      target: { root: null },
      showDialog: show,
      notify: false
    });

    expect(fake.cleanBodies.map(body => body.dry_run)).toEqual([true, false]);
    expect(fake.cleanBodies[1].plan_token).toBe(
      (outcome as { plan: CacheAPI.CleanResult }).plan.plan_token
    );
    expect(shown).toHaveLength(1);
    expect(shown[0].text).toContain('To remove6');
    expect(shown[0].text).toContain('6 entries');
    expect(shown[0].buttons).toEqual(['Cancel', 'Delete 6 items']);
    expect(outcome.kind).toBe('done');
    expect(fake.entries.some(entry => entry.state === 'failed')).toBe(false);
    expect(fake.entries).toHaveLength(54);
  });

  it('removes nothing when cancelled', async () => {
    const { show } = scriptedDialogs(buttons =>
      buttons.findIndex(button => !button.accept)
    );
    const outcome = await runCacheAction('delete-failed', {
      cache,
      translator: new NeuronI18n({ setting: 'en' }),
      target: {},
      showDialog: show,
      notify: false
    });
    expect(outcome.kind).toBe('cancelled');
    expect(fake.cleanBodies).toHaveLength(1);
    expect(fake.entries).toHaveLength(60);
  });

  it('re-runs the dry run after a conflict and shows the server message (ja)', async () => {
    const translator = new NeuronI18n({ setting: 'ja' });
    cache.dispose();
    cache = new CacheModel({
      serverSettings: server.serverSettings,
      i18n: translator
    });
    // A new failed compile lands between the dry run and the real run.
    let raced = false;
    fake.beforeRealRun = () => {
      if (!raced) {
        raced = true;
        fake.entries = [
          ...fake.entries,
          { ...fake.entries[7], id: 'v2:MODULE_new' }
        ];
        fake.touch();
      }
    };
    const { shown, show } = scriptedDialogs();
    const outcome = await runCacheAction('delete-failed', {
      cache,
      translator,
      target: {},
      showDialog: show,
      notify: false
    });
    expect(fake.cleanBodies.map(body => body.dry_run)).toEqual([
      true,
      false,
      true,
      false
    ]);
    expect(shown).toHaveLength(2);
    expect(shown[0].buttons).toEqual(['キャンセル', '6 件を削除']);
    expect(shown[1].text).toContain(
      'ドライランの後に内容が変わったため、何も削除していません'
    );
    expect(shown[1].text).toContain(
      'ドライランの後にコンパイルキャッシュが変化したため'
    );
    expect(shown[1].buttons).toEqual(['キャンセル', '7 件を削除']);
    expect(outcome.kind).toBe('done');
    expect(fake.entries.some(entry => entry.state === 'failed')).toBe(false);
  });

  it('shows the figures in the real dialog before anything is removed', async () => {
    // The dialog renders its body itself, outside testing-library's act().
    const actEnvironment = (globalThis as any).IS_REACT_ACT_ENVIRONMENT;
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = false;
    const translator = new NeuronI18n({ setting: 'en' });
    const selected = [fake.entries[0].id, fake.entries[1].id];
    const done = runCacheAction('delete-selected', {
      cache,
      translator,
      target: { entries: selected },
      notify: false
    });
    await waitForDialog();
    const dialog = document.body.querySelector('.jp-Dialog')!;
    // Header and body are React widgets: they render on a later frame.
    await waitUntil(
      () =>
        !!dialog.textContent?.includes('To remove') &&
        !!dialog.textContent?.includes('Delete selected entries')
    );
    expect(dialog.textContent).toContain('To remove2');
    expect(dialog.textContent).toContain(fake.entries[0].module);
    expect(dialog.textContent).toContain('This is a dry run');
    // Still nothing removed while the dialog is open.
    expect(fake.cleanBodies.map(body => body.dry_run)).toEqual([true]);
    expect(fake.entries).toHaveLength(60);

    const confirm = dialog.querySelector<HTMLButtonElement>(
      '.jp-Dialog-button.jp-mod-accept'
    )!;
    expect(confirm.textContent).toBe('Delete 2 items');
    confirm.click();
    const outcome = await done;
    expect(outcome.kind).toBe('done');
    expect(fake.entries.map(entry => entry.id)).not.toContain(selected[0]);
    expect(fake.entries).toHaveLength(58);
    expect(ROOT_PATH).toBe(fake.entries[0].root);
    (globalThis as any).IS_REACT_ACT_ENVIRONMENT = actEnvironment;
  });
});
