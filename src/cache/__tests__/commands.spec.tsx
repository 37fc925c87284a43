import { Dialog } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import { render } from '@testing-library/react';
import React from 'react';

import { FakeServer } from '../../__tests__/fakeServer';
import { NeuronI18n } from '../../i18n';
import { CommandIDs, NeuronLanguage } from '../../tokens';
import { CleanCommandOutcome, addCacheCommands } from '../commands';
import { CacheModel } from '../model';
import { FakeCompileCache, ROOT_ID, ROOT_PATH } from './fakeCache';

/**
 * `showDialog` replaced by a script: records each dialog's title and text,
 * then presses its accept button (or Cancel when `accept` is false).
 */
function scriptedDialogs(accept = true) {
  const shown: { title: string; text: string }[] = [];
  const show = (async (options: Partial<Dialog.IOptions<unknown>>) => {
    const body = options.body;
    let text: string;
    if (typeof body === 'string') {
      text = body;
    } else {
      const { container, unmount } = render(body as React.ReactElement);
      text = container.textContent ?? '';
      unmount();
    }
    shown.push({ title: String(options.title), text });
    const buttons = (options.buttons ?? []) as Dialog.IButton[];
    const button =
      buttons.find(item => item.accept === accept) ?? buttons[0] ?? null;
    return { button, value: null, isChecked: null };
  }) as any;
  return { shown, show };
}

describe('CommandIDs.cleanCompileCache', () => {
  let server: FakeServer;
  let fake: FakeCompileCache;
  let model: CacheModel;

  function setUp(lang: NeuronLanguage = 'en', accept = true) {
    const i18n = new NeuronI18n({ setting: lang });
    model = new CacheModel({
      serverSettings: server.serverSettings,
      i18n,
      interval: 60_000
    });
    const commands = new CommandRegistry();
    const dialogs = scriptedDialogs(accept);
    const added = addCacheCommands({
      commands,
      cache: model,
      i18n,
      showDialog: dialogs.show
    });
    return { commands, dialogs, added };
  }

  beforeEach(() => {
    server = new FakeServer();
    fake = new FakeCompileCache(server, 40);
  });

  afterEach(() => {
    model?.dispose();
  });

  it('finds the root by its path, shows the dry run, then removes exactly that plan', async () => {
    const { commands, dialogs } = setUp();
    const failed = fake.entries.filter(entry => entry.state === 'failed');
    expect(model.status).toBeNull();

    const outcome = (await commands.execute(CommandIDs.cleanCompileCache, {
      action: 'delete-failed',
      root: ROOT_PATH
    })) as CleanCommandOutcome;

    expect(outcome.kind).toBe('done');
    expect(fake.cleanBodies).toEqual([
      { roots: [ROOT_ID], failed: true, dry_run: true },
      expect.objectContaining({
        roots: [ROOT_ID],
        failed: true,
        dry_run: false,
        plan_token: expect.any(String)
      })
    ]);
    // The dry run was shown before the real run, scoped to the root.
    expect(dialogs.shown).toHaveLength(1);
    expect(dialogs.shown[0].title).toBe('Delete all failed entries');
    expect(dialogs.shown[0].text).toContain(`Applies to: ${ROOT_PATH}`);
    expect(fake.entries.some(entry => entry.state === 'failed')).toBe(false);
    expect(fake.entries).toHaveLength(40 - failed.length);
    // The dialog is gone: the model polls no more for it.
    expect(model.isVisible).toBe(false);
  });

  it('removes nothing when the dry run is cancelled', async () => {
    const { commands, dialogs } = setUp('ja', false);
    const outcome = (await commands.execute(CommandIDs.cleanCompileCache, {
      action: 'delete-selected',
      entries: [fake.entries[7].id]
    })) as CleanCommandOutcome;
    expect(outcome.kind).toBe('cancelled');
    expect(dialogs.shown[0].title).toBe('選択したエントリを削除');
    expect(fake.cleanBodies).toEqual([
      { entries: [fake.entries[7].id], dry_run: true }
    ]);
    expect(fake.entries).toHaveLength(40);
  });

  it('says so and plans nothing for a root the server does not manage', async () => {
    const { commands, dialogs } = setUp('ja');
    const outcome = (await commands.execute(CommandIDs.cleanCompileCache, {
      action: 'clear-stale-locks',
      root: '/home/user/my-cache'
    })) as CleanCommandOutcome;
    expect(outcome).toEqual({
      kind: 'unknown-root',
      root: '/home/user/my-cache'
    });
    expect(fake.cleanBodies).toEqual([]);
    expect(dialogs.shown).toEqual([
      {
        title: '古いロックを解除',
        text: expect.stringContaining(
          'コンパイルキャッシュ /home/user/my-cache はこのサーバーの管理対象ではないため'
        )
      }
    ]);
    expect(model.isVisible).toBe(false);
  });

  it('is labelled by its action and refuses an unknown one', async () => {
    const { commands, added } = setUp();
    expect(
      commands.label(CommandIDs.cleanCompileCache, {
        action: 'clear-stale-locks'
      })
    ).toBe('Clear stale locks');
    expect(commands.label(CommandIDs.cleanCompileCache, {})).toBe(
      'Clean Compile Caches'
    );
    await expect(
      commands.execute(CommandIDs.cleanCompileCache, { action: 'rm -rf' })
    ).rejects.toThrow('unknown action');
    expect(fake.cleanBodies).toEqual([]);
    added.dispose();
    expect(commands.hasCommand(CommandIDs.cleanCompileCache)).toBe(false);
  });
});
