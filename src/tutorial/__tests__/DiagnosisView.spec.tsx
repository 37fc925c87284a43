import type { ISessionContext } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { addCacheCommands } from '../../cache/commands';
import { NeuronI18n } from '../../i18n';
import { CommandIDs, INeuronCompileCache, NeuronLanguage } from '../../tokens';
import { DiagnosisActions } from '../actions';
import { DiagnosisView } from '../DiagnosisView';
import type { IStepDiagnosis } from '../diagnosis';
import {
  IRecordedDiagnosis,
  catalogues,
  compileCacheLocked,
  compileCacheNotWritable,
  failedNeffCached,
  neuroncoresUnavailable,
  packagesMissing,
  recordedEntries,
  unknown
} from './diagnoses';
import { FakeMonitor, kernelOf, monitorProcess, snapshotOf } from './fakes';
import type * as DiagnoseAPI from '../../api/diagnose';

/** A confirmation dialog that the test answers. */
function dialogAnswering(accept: boolean) {
  return jest.fn(async () => ({
    button: { accept } as any,
    isChecked: null,
    value: null
  })) as any;
}

function diagnosisOf(
  recorded: IRecordedDiagnosis,
  lang: NeuronLanguage
): IStepDiagnosis {
  const result = recorded[lang];
  return {
    stepId: 'train-single',
    cellId: 'train-single-2',
    text: recorded.text,
    state: 'ready',
    result,
    fallback: result.match ? null : catalogues[lang].fallback,
    labels: catalogues[lang].actions,
    error: null
  };
}

/** The kernels of the server, as `app.serviceManager.kernels` shows them. */
function fakeKernels(ids: string[]) {
  return {
    running: () => ids.map(id => ({ id, name: 'python3' }))[Symbol.iterator](),
    runningChanged: new Signal<unknown, unknown>({}),
    shutdown: jest.fn(async () => undefined)
  };
}

function fakeKernelspecs() {
  return {
    specs: {
      default: 'python3',
      kernelspecs: {
        python3: { name: 'python3', display_name: 'Python 3 (ipykernel)' },
        neuron: { name: 'neuron', display_name: 'Python (torch-neuronx)' }
      }
    },
    specsChanged: new Signal<unknown, unknown>({})
  };
}

function fakeSession(kernelId: string, kernelName = 'python3') {
  return {
    session: { kernel: { id: kernelId, name: kernelName } },
    kernelChanged: new Signal<unknown, unknown>({}),
    changeKernel: jest.fn(async () => null),
    restartKernel: jest.fn(async () => undefined)
  } as unknown as ISessionContext & {
    changeKernel: jest.Mock;
    restartKernel: jest.Mock;
  };
}

function setUp(options: {
  lang: NeuronLanguage;
  monitor?: FakeMonitor | null;
  cache?: INeuronCompileCache | null;
  accept?: boolean;
  kernels?: string[];
  commands?: CommandRegistry;
}) {
  const i18n = new NeuronI18n({ setting: options.lang });
  const kernels = fakeKernels(options.kernels ?? ['kernel-own', 'kernel-2']);
  const showDialog = dialogAnswering(options.accept ?? true);
  const commands = options.commands ?? new CommandRegistry();
  if (options.cache) {
    // As the compile-cache plugin does: its model and its clean command.
    addCacheCommands({ commands, cache: options.cache, i18n, showDialog });
  }
  const actions = new DiagnosisActions({
    i18n,
    monitor:
      options.monitor === undefined ? new FakeMonitor() : options.monitor,
    cache: options.cache ?? null,
    commands,
    kernels: kernels as any,
    kernelspecs: fakeKernelspecs() as any,
    showDialog
  });
  return { i18n, kernels, showDialog, actions };
}

/**
 * Set up the actions, then show the diagnosis of a recorded error for a
 * notebook session (its own kernel `kernel-own` unless given).
 */
function showDiagnosis(
  recorded: IRecordedDiagnosis,
  options: Parameters<typeof setUp>[0] & {
    session?: ReturnType<typeof fakeSession>;
  }
) {
  const set = setUp(options);
  const session = options.session ?? fakeSession('kernel-own');
  render(
    <DiagnosisView
      diagnosis={diagnosisOf(recorded, options.lang)}
      actions={set.actions}
      sessionContext={session}
      translator={set.i18n}
    />
  );
  return { ...set, session };
}

/**
 * A compile cache holding one failed entry at `entryPath` (in `root`), whose
 * dry run plans to remove exactly that entry.
 */
function fakeCacheWith(
  entryPath: string,
  root = '/var/tmp/neuron-compile-cache'
) {
  const entry = {
    id: 'v1:MODULE_2919486226386385393+d41d8cd9',
    path: entryPath,
    module: 'MODULE_2919486226386385393+d41d8cd9'
  };
  const plan = {
    dry_run: true,
    plan_token: 'token-1',
    items: [
      {
        kind: 'entry',
        id: entry.id,
        root_id: 'r',
        root,
        version: 'neuronxcc-2.12.68.0+4480452af',
        module: entry.module,
        path: 'x',
        bytes: 2048,
        state: 'failed',
        reasons: ['selected'],
        symlink: false
      }
    ],
    removed: [entry.id],
    bytes_freed: 2048,
    skipped: [],
    missing: [],
    failed: [],
    warnings: []
  };
  return {
    entry,
    status: { roots: [{ id: 'r', path: root }] },
    setVisible: jest.fn(),
    refresh: jest.fn(async () => undefined),
    listEntries: jest.fn(async () => ({ items: [entry], total: 1 })),
    dryRun: jest.fn(async () => plan),
    clean: jest.fn(async () => ({ ...plan, dry_run: false }))
  };
}

describe('DiagnosisView', () => {
  describe('NeuronCores not available', () => {
    it('explains in Japanese and lists the holders with a button to shut their kernel down', async () => {
      const monitor = new FakeMonitor();
      const { kernels, showDialog } = showDiagnosis(neuroncoresUnavailable, {
        lang: 'ja',
        monitor
      });
      expect(screen.getByText('NeuronCore を確保できません')).toBeTruthy();
      expect(screen.getByText('エラーの意味')).toBeTruthy();
      expect(screen.getByText('Neuron で起きる理由')).toBeTruthy();
      expect(screen.getByText('NeuronCore を使用中のプロセス')).toBeTruthy();
      // Nothing from the monitor yet.
      expect(
        screen.getByText('NeuronCore モニターのデータを待っています…')
      ).toBeTruthy();
      expect(monitor.viewers.size).toBe(1);

      act(() => {
        monitor.push(
          snapshotOf(
            [90, 80],
            [
              monitorProcess({
                pid: 5123,
                cores: [0],
                utilization: 90,
                kernel: kernelOf('kernel-2', 'holder.ipynb')
              }),
              monitorProcess({ pid: 4194400, cores: [1], utilization: 80 })
            ],
            true
          )
        );
      });
      const holders = screen
        .getAllByRole('listitem')
        .filter(item => item.classList.contains('jp-Neuron-Diagnosis-holder'));
      expect(holders).toHaveLength(2);
      expect(holders[0].textContent).toContain('ノートブック: holder.ipynb');
      expect(holders[1].textContent).toContain('シミュレーションのプロセス');
      expect(holders[1].textContent).toContain(
        'この Jupyter サーバーのカーネルではありません'
      );
      // Only the real kernel of this server gets the button.
      expect(within(holders[1]).queryByRole('button')).toBeNull();
      const button = within(holders[0]).getByRole('button', {
        name: 'NeuronCore を使用中のカーネルをシャットダウン'
      });
      await act(async () => {
        fireEvent.click(button);
      });
      expect(showDialog).toHaveBeenCalledTimes(1);
      expect(kernels.shutdown).toHaveBeenCalledWith('kernel-2');
    });

    it('does not shut down a kernel when the user cancels', async () => {
      const monitor = new FakeMonitor();
      monitor.snapshot = snapshotOf(
        [90, 0],
        [
          monitorProcess({
            pid: 5123,
            cores: [0],
            kernel: kernelOf('kernel-2', 'holder.ipynb')
          })
        ]
      );
      const { kernels } = showDiagnosis(neuroncoresUnavailable, {
        lang: 'en',
        monitor,
        accept: false
      });
      await act(async () => {
        fireEvent.click(
          screen.getByRole('button', {
            name: 'Shut down the kernel holding the NeuronCores'
          })
        );
      });
      expect(kernels.shutdown).not.toHaveBeenCalled();
    });

    it('says the processes cannot be listed without a monitor, and keeps the steps', () => {
      showDiagnosis(neuroncoresUnavailable, { lang: 'en', monitor: null });
      expect(
        screen.getByText(/the processes cannot be listed/).textContent
      ).toContain('neuron-top');
      expect(screen.queryAllByRole('button')).toHaveLength(0);
      expect(screen.getByText(/Once the NeuronCores are free/)).toBeTruthy();
    });
  });

  describe('cached failed NEFF', () => {
    it('deletes exactly the failed entry after its dry run is confirmed', async () => {
      const details = failedNeffCached.en.match
        ? (failedNeffCached.en as { details: Record<string, string> }).details
        : {};
      const cache = fakeCacheWith(details.cache_entry);
      const { showDialog } = showDiagnosis(failedNeffCached, {
        lang: 'en',
        cache: cache as unknown as INeuronCompileCache
      });
      expect(screen.getByText('A failed compilation is cached')).toBeTruthy();
      await act(async () => {
        fireEvent.click(
          screen.getByRole('button', { name: 'Delete the failed cache entry' })
        );
      });
      expect(cache.listEntries).toHaveBeenCalledWith({
        text: 'MODULE_2919486226386385393+d41d8cd9',
        states: ['failed'],
        limit: 100
      });
      expect(cache.dryRun).toHaveBeenCalledWith({
        entries: ['v1:MODULE_2919486226386385393+d41d8cd9']
      });
      // The dry run is shown before anything is removed.
      expect(showDialog).toHaveBeenCalledTimes(1);
      expect(cache.clean).toHaveBeenCalledWith(
        { entries: ['v1:MODULE_2919486226386385393+d41d8cd9'] },
        'token-1'
      );
    });

    it('removes nothing when the entry is not in a managed cache', async () => {
      const cache = fakeCacheWith('/somewhere/else');
      const { showDialog } = showDiagnosis(failedNeffCached, {
        lang: 'ja',
        cache: cache as unknown as INeuronCompileCache
      });
      await act(async () => {
        fireEvent.click(
          screen.getByRole('button', {
            name: '失敗したキャッシュエントリを削除'
          })
        );
      });
      expect(showDialog).toHaveBeenCalledTimes(1);
      expect(cache.dryRun).not.toHaveBeenCalled();
      expect(cache.clean).not.toHaveBeenCalled();
    });

    it('says the entry cannot be deleted here when the compile cache is disabled', async () => {
      showDiagnosis(failedNeffCached, { lang: 'ja', cache: null });
      const button = screen.getByRole('button', {
        name: '失敗したキャッシュエントリを削除'
      }) as HTMLButtonElement;
      expect(button.disabled).toBe(true);
      const reason =
        'この JupyterLab では jupyterlab-neuron のコンパイルキャッシュ機能が無効になっているため、ここでは実行できません。上の手順をターミナルで行ってください。';
      expect(button.title).toBe(reason);
      expect(screen.getByText(reason)).toBeTruthy();
      expect(screen.getByText('対処方法')).toBeTruthy();
      // The matched line is shown.
      expect(
        document.querySelector('.jp-Neuron-Diagnosis-excerpt code')!.textContent
      ).toContain('Got a cached failed neff');
    });
  });

  describe('Neuron packages missing', () => {
    it('lists the kernels and switches the notebook to the one chosen', async () => {
      const { session } = showDiagnosis(packagesMissing, {
        lang: 'ja',
        session: fakeSession('kernel-own', 'python3')
      });
      expect(screen.getByText('別のカーネルを選択')).toBeTruthy();
      const items = screen
        .getAllByRole('listitem')
        .filter(item => item.hasAttribute('data-kernel-name'));
      expect(items.map(item => item.textContent)).toEqual([
        'Python (torch-neuronx)このカーネルを使う',
        'Python 3 (ipykernel)使用中'
      ]);
      await act(async () => {
        fireEvent.click(
          within(items[0]).getByRole('button', { name: 'このカーネルを使う' })
        );
      });
      expect(session.changeKernel).toHaveBeenCalledWith({ name: 'neuron' });
      // Inline code of the steps is shown as code.
      const code = Array.from(document.querySelectorAll('code')).map(
        node => node.textContent
      );
      expect(code).toContain(
        'python3 -m ipykernel install --user --name aws_neuron_venv_pytorch --display-name "Python Neuronx"'
      );
    });
  });

  describe('an unknown error', () => {
    it.each([
      [
        'en' as NeuronLanguage,
        'This error is not one of the known Neuron errors',
        'Full error'
      ],
      [
        'ja' as NeuronLanguage,
        'このエラーは既知の Neuron のエラーに該当しません',
        'エラー全文'
      ]
    ])(
      'shows the fallback with its reference link (%s)',
      (lang, title, raw) => {
        showDiagnosis(unknown, { lang });
        expect(screen.getByText(title)).toBeTruthy();
        const link = screen.getByRole('link');
        expect(link.getAttribute('href')).toBe(
          catalogues[lang].fallback.reference.url
        );
        expect(link.getAttribute('rel')).toContain('noopener');
        expect(screen.getByText(raw)).toBeTruthy();
        expect(document.querySelector('pre')!.textContent).toContain(
          'ValueError'
        );
        expect(document.querySelector('pre')!.textContent).not.toContain(
          '\u001b['
        );
      }
    );
  });

  it('says when the diagnosis is on its way or failed', () => {
    const i18n = new NeuronI18n({ setting: 'en' });
    const base = diagnosisOf(unknown, 'en');
    const { rerender } = render(
      <DiagnosisView
        diagnosis={{ ...base, state: 'loading', result: null }}
        actions={null}
        sessionContext={null}
        translator={i18n}
      />
    );
    expect(screen.getByText('Diagnosing the error…')).toBeTruthy();
    rerender(
      <DiagnosisView
        diagnosis={{
          ...base,
          state: 'error',
          result: null,
          error: 'HTTP 500'
        }}
        actions={null}
        sessionContext={null}
        translator={i18n}
      />
    );
    expect(screen.getByText('The error could not be diagnosed')).toBeTruthy();
    expect(screen.getByText('HTTP 500')).toBeTruthy();
  });
});

describe('DiagnosisView: the compile cache through its command', () => {
  const details = (compileCacheLocked.en as { details: Record<string, string> })
    .details;

  async function clearStaleLocks(): Promise<void> {
    await act(async () => {
      fireEvent.click(
        screen.getByRole('button', {
          name: catalogues.en.actions['clear-stale-locks']
        })
      );
    });
  }

  it('clears the stale locks of the root the error names, after the dry run', async () => {
    const cache = fakeCacheWith('', details.cache_root);
    const { showDialog } = showDiagnosis(compileCacheLocked, {
      lang: 'en',
      cache: cache as unknown as INeuronCompileCache
    });
    await clearStaleLocks();
    expect(cache.dryRun).toHaveBeenCalledWith({
      roots: ['r'],
      stale_locks: true
    });
    expect(showDialog).toHaveBeenCalledTimes(1);
    expect(cache.clean).toHaveBeenCalledWith(
      { roots: ['r'], stale_locks: true },
      'token-1'
    );
  });

  it('cleans nothing in a cache this server does not manage, and says so', async () => {
    const cache = fakeCacheWith('', '/somewhere/else');
    const { showDialog } = showDiagnosis(compileCacheLocked, {
      lang: 'en',
      cache: cache as unknown as INeuronCompileCache
    });
    await clearStaleLocks();
    // The status was asked for again before giving up on the root.
    expect(cache.refresh).toHaveBeenCalledTimes(1);
    expect(cache.dryRun).not.toHaveBeenCalled();
    expect(cache.clean).not.toHaveBeenCalled();
    expect(showDialog).toHaveBeenCalledTimes(1);
    expect(showDialog.mock.calls[0][0].body).toContain(
      `The compile cache ${details.cache_root} is not one this server manages`
    );
  });

  it('keeps the buttons, disabled, when the compile cache plugin is off', () => {
    showDiagnosis(compileCacheLocked, { lang: 'en', cache: null });
    const button = screen.getByRole('button', {
      name: catalogues.en.actions['clear-stale-locks']
    }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(
      document.querySelectorAll('.jp-Neuron-Diagnosis-unavailable')
    ).toHaveLength(1);
    expect(button.title).toMatch(/compile cache part .* is disabled/);
  });

  it('says the cache view cannot be opened when the compile cache plugin is off', () => {
    showDiagnosis(compileCacheNotWritable, { lang: 'ja', cache: null });
    const button = screen.getByRole('button', {
      name: catalogues.ja.actions['show-compile-cache']
    }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.title).toContain(
      'コンパイルキャッシュ機能が無効になっているため、ここでは実行できません。'
    );
  });
});

/**
 * Every entry of the catalogue, as the server diagnoses its recorded sample:
 * the explanation shown is the entry's own, in the user's language, and each
 * of its actions is offered and does what it says.
 */
describe('DiagnosisView: every catalogue entry', () => {
  /** Markdown-style inline code is shown as code: compare the words. */
  const plain = (text: string) => text.replace(/`/g, '');

  /** Everything an action can need, so that every button is offered. */
  function everything(lang: NeuronLanguage, details: Record<string, unknown>) {
    const commands = new CommandRegistry();
    const opened: string[] = [];
    for (const id of [
      CommandIDs.openCompileCache,
      CommandIDs.openMonitorDashboard
    ]) {
      commands.addCommand(id, { execute: () => void opened.push(id) });
    }
    const cache = fakeCacheWith(
      String(details.cache_entry ?? ''),
      String(details.cache_root ?? '/cache')
    );
    const monitor = new FakeMonitor();
    const options = {
      lang,
      monitor,
      cache: cache as unknown as INeuronCompileCache,
      commands
    };
    return { options, monitor, cache, opened };
  }

  const ids = Object.keys(recordedEntries);

  it('covers the whole catalogue', () => {
    expect(ids).toEqual([
      'failed-neff-cached',
      'neuroncores-unavailable',
      'device-out-of-memory',
      'compile-cache-not-writable',
      'compile-cache-locked',
      'neuron-packages-missing',
      'neuron-tools-not-on-path',
      'one-worker-without-torchrun',
      'offline-download'
    ]);
  });

  for (const id of ids) {
    for (const lang of ['ja', 'en'] as NeuronLanguage[]) {
      it(`${id} (${lang}): its explanation, and each action doing its work`, async () => {
        const recorded = recordedEntries[id];
        const result = recorded[lang] as {
          match: DiagnoseAPI.DiagnoseMatch;
          details: Record<string, string | number>;
        };
        const match = result.match;
        expect(match.id).toBe(id);
        const { options, cache, opened, monitor } = everything(
          lang,
          result.details
        );
        const { kernels, showDialog, session } = showDiagnosis(
          recorded,
          options
        );
        const view = document.querySelector('.jp-Neuron-Diagnosis')!;
        expect(view.getAttribute('data-entry')).toBe(id);
        const shown = view.querySelector('.jp-Neuron-Diagnosis-match')!;
        expect(
          shown.querySelector('.jp-Neuron-Diagnosis-title')!.textContent
        ).toBe(match.title);
        expect(shown.textContent).toContain(plain(match.explanation));
        expect(shown.textContent).toContain(plain(match.cause));
        const steps = Array.from(
          shown.querySelectorAll('.jp-Neuron-Diagnosis-steps > li')
        ).map(item => item.textContent);
        expect(steps).toEqual(match.steps.map(plain));
        expect(
          shown.querySelector('.jp-Neuron-Diagnosis-excerpt code')!.textContent
        ).toBe(match.excerpt);
        expect(
          within(shown as HTMLElement)
            .getAllByRole('link')
            .map(link => link.getAttribute('href'))
        ).toContain(match.reference.url);

        // The buttons: exactly the entry's actions that act on their own.
        const buttons = Array.from(
          shown.querySelectorAll<HTMLButtonElement>(
            '.jp-Neuron-Diagnosis-action'
          )
        );
        expect(buttons.map(button => button.dataset.action)).toEqual(
          match.actions.filter(
            action =>
              action !== 'shut-down-kernel' && action !== 'choose-kernel'
          )
        );
        for (const button of buttons) {
          const action = button.dataset.action as DiagnoseAPI.DiagnoseActionId;
          expect(button.textContent).toBe(catalogues[lang].actions[action]);
          showDialog.mockClear();
          opened.splice(0);
          await act(async () => {
            fireEvent.click(button);
          });
          switch (action) {
            case 'restart-kernel':
              // Confirmed first: the variables are lost.
              expect(showDialog).toHaveBeenCalledTimes(1);
              expect(session.restartKernel).toHaveBeenCalledTimes(1);
              break;
            case 'delete-failed-cache-entry':
              expect(cache.dryRun).toHaveBeenCalledWith({
                entries: [cache.entry.id]
              });
              expect(cache.clean).toHaveBeenCalledWith(
                { entries: [cache.entry.id] },
                'token-1'
              );
              break;
            case 'clear-stale-locks':
              expect(cache.dryRun).toHaveBeenCalledWith(
                expect.objectContaining({ stale_locks: true })
              );
              expect(showDialog).toHaveBeenCalledTimes(1);
              expect(cache.clean).toHaveBeenCalledTimes(1);
              break;
            case 'show-compile-cache':
              expect(opened).toEqual([CommandIDs.openCompileCache]);
              break;
            case 'show-device-memory':
            case 'show-core-holders':
              expect(opened).toEqual([CommandIDs.openMonitorDashboard]);
              break;
            default:
              throw new Error(`no expectation for the action ${action}`);
          }
        }

        // The holders of the NeuronCores, each with its shut-down button.
        if (match.actions.includes('shut-down-kernel')) {
          act(() => {
            monitor.push(
              snapshotOf(
                [90, 0],
                [
                  monitorProcess({
                    pid: 5123,
                    cores: [0],
                    utilization: 90,
                    kernel: kernelOf('kernel-2', 'holder.ipynb')
                  })
                ],
                false
              )
            );
          });
          showDialog.mockClear();
          await act(async () => {
            fireEvent.click(
              screen.getByRole('button', {
                name: catalogues[lang].actions['shut-down-kernel']
              })
            );
          });
          expect(showDialog).toHaveBeenCalledTimes(1);
          expect(kernels.shutdown).toHaveBeenCalledWith('kernel-2');
        } else if (match.actions.includes('show-core-holders')) {
          expect(
            view.querySelector('.jp-Neuron-Diagnosis-holders')
          ).not.toBeNull();
        } else {
          expect(view.querySelector('.jp-Neuron-Diagnosis-holders')).toBeNull();
        }

        // Another kernel for the notebook.
        if (match.actions.includes('choose-kernel')) {
          const choice = view.querySelector('[data-kernel-name="neuron"]')!;
          await act(async () => {
            fireEvent.click(within(choice as HTMLElement).getByRole('button'));
          });
          expect(session.changeKernel).toHaveBeenCalledWith({ name: 'neuron' });
        } else {
          expect(view.querySelector('[data-kernel-name]')).toBeNull();
        }
      });
    }
  }
});

/** Keep the recorded types honest. */
export const recorded: DiagnoseAPI.Diagnosis[] = [neuroncoresUnavailable.ja];
