import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { Signal } from '@lumino/signaling';
import React from 'react';

import { NeuronI18n } from '../../i18n';
import {
  INeuronEnvironment,
  NeuronEnvironmentState,
  NeuronLanguage
} from '../../tokens';
import { FRONTEND_VERSION } from '../../version';
import { EnvironmentView } from '../EnvironmentView';
import {
  noDevice,
  realTrn2,
  simulatedTrn1,
  toolError,
  toolsNotFound
} from './reports';
import type * as EnvironmentAPI from '../../api/environment';

/**
 * A model whose fields the test sets; the view only reads them.
 */
class StubEnvironment implements INeuronEnvironment {
  state: NeuronEnvironmentState = 'ready';
  report: EnvironmentAPI.Environment | null = null;
  serverVersion: EnvironmentAPI.Version | null = null;
  error: string | null = null;
  isBusy = false;
  isVisible = true;
  isDisposed = false;
  refreshCalls = 0;
  readonly stateChanged = new Signal<this, NeuronEnvironmentState>(this);
  readonly reportChanged = new Signal<this, EnvironmentAPI.Environment>(this);
  readonly changed = new Signal<this, void>(this);

  constructor(fields: Partial<StubEnvironment> = {}) {
    Object.assign(this, fields);
  }

  setVisible(visible: boolean): void {
    this.isVisible = visible;
  }

  async refresh(): Promise<void> {
    this.refreshCalls += 1;
  }

  dispose(): void {
    this.isDisposed = true;
  }
}

function show(model: StubEnvironment, language: NeuronLanguage) {
  const translator = new NeuronI18n({ setting: language });
  return render(<EnvironmentView model={model} translator={translator} />);
}

/** The text of the row of a table whose first cell is `first`. */
function rowText(table: HTMLElement, first: string): string {
  const row = within(table)
    .getAllByRole('row')
    .find(r => r.querySelector('td')?.textContent === first);
  if (!row) {
    throw new Error(`No row starting with ${first}`);
  }
  return Array.from(row.querySelectorAll('td'))
    .map(cell => cell.textContent)
    .join(' | ');
}

function tableWithHeader(header: string): HTMLElement {
  return screen.getByRole('columnheader', { name: header }).closest('table')!;
}

describe('EnvironmentView', () => {
  describe('a simulated trn1.2xlarge', () => {
    it.each([
      ['en', 'Simulated: trn1.2xlarge'],
      ['ja', 'シミュレーション: trn1.2xlarge']
    ] as const)(
      'carries a prominent simulated badge (%s)',
      (language, label) => {
        show(new StubEnvironment({ report: simulatedTrn1() }), language);
        const badge = screen.getByText(label);
        expect(badge.classList).toContain('jp-Neuron-StateBadge-simulated');
        expect(
          document.querySelector('.jp-Neuron-Report-simulated')
        ).not.toBeNull();
      }
    );

    it('shows instance, devices, processes, packages and cache in English', () => {
      show(new StubEnvironment({ report: simulatedTrn1() }), 'en');
      expect(screen.getByText('i-0123456789abcdef0')).toBeTruthy();
      expect(screen.getByText('1 device')).toBeTruthy();
      expect(screen.getByText('1 process')).toBeTruthy();

      const devices = tableWithHeader('NeuronCore IDs');
      expect(rowText(devices, '0')).toBe('0 | 0, 1 | 32 GiB | None | None');

      const processes = tableWithHeader('Command');
      expect(rowText(processes, '4242')).toBe(
        '4242 | python3 train.py | 0 | 2.21.41.0'
      );

      const packages = tableWithHeader('Package');
      expect(rowText(packages, 'neuronx-cc')).toBe(
        'neuronx-cc | 2.15.128.0+56dc5a86'
      );
      expect(rowText(packages, 'libneuronxla')).toBe(
        'libneuronxla | not installed'
      );
      expect(
        screen.getByText(/Versions installed for \/opt\/conda\/bin\/python/)
      ).toBeTruthy();

      expect(screen.getByText('/var/tmp/neuron-compile-cache')).toBeTruthy();
      expect(screen.getByText('Default (no setting)')).toBeTruthy();
      expect(screen.queryByText('Problems found')).toBeNull();
    });

    it('shows the same in Japanese', () => {
      show(new StubEnvironment({ report: simulatedTrn1() }), 'ja');
      expect(screen.getByText('インスタンスタイプ')).toBeTruthy();
      expect(screen.getByText('1 台')).toBeTruthy();
      const devices = tableWithHeader('NeuronCore ID');
      expect(rowText(devices, '0')).toBe('0 | 0, 1 | 32 GiB | なし | なし');
      const packages = tableWithHeader('パッケージ');
      expect(rowText(packages, 'libneuronxla')).toBe(
        'libneuronxla | 未インストール'
      );
      expect(screen.getByText('既定値（設定なし）')).toBeTruthy();
      expect(screen.getByText('コンパイルキャッシュ')).toBeTruthy();
      expect(screen.getByRole('button', { name: /更新/ })).toBeTruthy();
    });
  });

  describe('real trn2 hardware', () => {
    it('has no simulated badge and shows LNC, links, S3 cache and problems', () => {
      show(new StubEnvironment({ report: realTrn2() }), 'en');
      expect(screen.queryByText(/Simulated/)).toBeNull();
      expect(document.querySelector('.jp-Neuron-Report-simulated')).toBeNull();

      expect(screen.getByText('Logical NeuronCore config (LNC)')).toBeTruthy();
      const devices = tableWithHeader('NeuronCore IDs');
      expect(rowText(devices, '1')).toBe(
        '1 | 4, 5, 6, 7 (LNC 2) | 96 GiB | 1 | 0'
      );
      // One process on two devices is one row.
      const processes = tableWithHeader('Command');
      expect(rowText(processes, '777')).toBe('777 | torchrun | 0, 1 | Unknown');

      expect(screen.getByText('s3://my-bucket/neuron-cache')).toBeTruthy();
      expect(screen.getByText('Remote (S3)')).toBeTruthy();
      expect(
        screen.getByText('Environment variable NEURON_COMPILE_CACHE_URL')
      ).toBeTruthy();
      expect(screen.getByText('Problems found')).toBeTruthy();
      expect(screen.getByText('neuron-monitor is not executable')).toBeTruthy();
    });

    it('warns when the compile cache is disabled', () => {
      const report = realTrn2();
      report.compile_cache = { ...report.compile_cache, disabled: true };
      show(new StubEnvironment({ report }), 'ja');
      expect(
        screen.getByText('コンパイルキャッシュが無効になっています')
      ).toBeTruthy();
    });
  });

  describe('torchrun workers', () => {
    it.each([
      [
        {
          counts: [1, 2, 8, 32],
          basis: 'documented',
          recommended: 8,
          visible_cores: '8-15'
        },
        '8 on NeuronCores 8-15 (NEURON_RT_VISIBLE_CORES=8-15; valid: 1, 2, 8, 32)',
        '8（NeuronCore 8-15 を使用、NEURON_RT_VISIBLE_CORES=8-15。指定できる値: 1、2、8、32）'
      ],
      [
        {
          counts: [1, 2],
          basis: 'documented',
          recommended: 0,
          visible_cores: null
        },
        'None fits in the free NeuronCores (valid: 1, 2)',
        '空いている NeuronCore に収まる値がありません（指定できる値: 1、2）'
      ],
      [
        {
          counts: [],
          basis: 'inference-only',
          recommended: 0,
          visible_cores: null
        },
        'None: an inference instance',
        'なし（推論用のインスタンスです）'
      ]
    ] as [EnvironmentAPI.Environment.Workers, string, string][])(
      'are told in both languages (%#)',
      (workers, english, japanese) => {
        const report = { ...simulatedTrn1(), workers };
        const { unmount } = show(new StubEnvironment({ report }), 'en');
        expect(screen.getByText('torchrun workers')).toBeTruthy();
        const shown = document.querySelector('.jp-Neuron-Workers')!;
        expect(shown.textContent).toBe(english);
        expect(shown.getAttribute('data-workers')).toBe(
          String(workers.recommended)
        );
        unmount();
        show(new StubEnvironment({ report }), 'ja');
        expect(screen.getByText('torchrun のワーカー数')).toBeTruthy();
        expect(document.querySelector('.jp-Neuron-Workers')!.textContent).toBe(
          japanese
        );
      }
    );

    it('are not shown for an instance outside the catalogue', () => {
      show(new StubEnvironment({ report: realTrn2() }), 'en');
      expect(screen.queryByText('torchrun workers')).toBeNull();
    });
  });

  describe('SDK generation', () => {
    const sdk = (
      fields: Partial<EnvironmentAPI.Environment.Sdk>
    ): EnvironmentAPI.Environment.Sdk => ({
      generation: 'xla',
      torch_neuronx_version: '2.9.0.2.11.19912',
      line: '2.9',
      can_train: true,
      can_infer: true,
      missing: [],
      description: '',
      ...fields
    });

    it.each([
      [
        sdk({}),
        'XLA (torch-neuronx 2.9, training supported)',
        'XLA（torch-neuronx 2.9、学習に対応）'
      ],
      [
        sdk({
          torch_neuronx_version: '2.10.0.2.12.1',
          line: '2.10',
          can_train: false
        }),
        'XLA (torch-neuronx 2.10, inference only)',
        'XLA（torch-neuronx 2.10、推論のみ）'
      ],
      [
        sdk({
          generation: 'torchneuron',
          torch_neuronx_version: '2.10.0.2.13.0',
          line: '2.10'
        }),
        'TorchNeuron (torch-neuronx 2.10)',
        'TorchNeuron（torch-neuronx 2.10）'
      ],
      [
        sdk({
          generation: 'none',
          torch_neuronx_version: null,
          line: null,
          can_train: false,
          can_infer: false
        }),
        'None (torch-neuronx is not installed)',
        'なし（torch-neuronx がインストールされていません）'
      ],
      [
        sdk({ can_train: false, can_infer: false, missing: ['torch-xla'] }),
        'XLA (torch-neuronx 2.9, torch-xla missing)',
        'XLA（torch-neuronx 2.9、torch-xla がありません）'
      ],
      [
        null,
        'Unknown (the packages could not be listed)',
        '不明（パッケージ一覧を取得できませんでした）'
      ]
    ])('is told in both languages (%#)', (value, english, japanese) => {
      const report = { ...simulatedTrn1(), sdk: value };
      const { unmount } = show(new StubEnvironment({ report }), 'en');
      expect(screen.getByText('SDK generation')).toBeTruthy();
      const shown = document.querySelector('.jp-Neuron-SdkGeneration')!;
      expect(shown.textContent).toBe(english);
      expect(shown.getAttribute('data-generation')).toBe(
        value?.generation ?? 'unknown'
      );
      unmount();
      show(new StubEnvironment({ report }), 'ja');
      expect(screen.getByText('SDK の世代')).toBeTruthy();
      expect(
        document.querySelector('.jp-Neuron-SdkGeneration')!.textContent
      ).toBe(japanese);
    });

    it('shows the fixtures as the server reads their packages', () => {
      show(new StubEnvironment({ report: realTrn2() }), 'en');
      expect(screen.getByText('TorchNeuron (torch-neuronx 2.10)')).toBeTruthy();
    });
  });

  describe('tools not found', () => {
    it.each([
      ['en', 'Neuron tools were not found', /aws-neuronx-tools package/],
      ['ja', 'Neuron ツールが見つかりません', /aws-neuronx-tools パッケージ/]
    ] as const)(
      'lists the searched folders and what to install (%s)',
      (language, title, install) => {
        show(new StubEnvironment({ report: toolsNotFound() }), language);
        expect(screen.getByText(title)).toBeTruthy();
        for (const folder of [
          '/opt/aws/neuron/bin',
          '/usr/local/bin',
          '$PATH'
        ]) {
          expect(screen.getByText(folder)).toBeTruthy();
        }
        const advice = screen.getByText(install);
        expect(advice.textContent).toContain('/opt/aws/neuron/bin');
        expect(document.body.textContent).toContain(
          'sudo apt-get install aws-neuronx-tools'
        );
        // Nothing pretends there is hardware.
        expect(
          screen.queryByRole('columnheader', { name: /NeuronCore ID/ })
        ).toBeNull();
      }
    );
  });

  describe('no device', () => {
    it.each([
      ['en', 'No Neuron device was found', /aws-neuronx-dkms/],
      ['ja', 'Neuron デバイスが見つかりません', /Neuron ドライバー/]
    ] as const)(
      'says so and shows the tool output (%s)',
      (language, title, advice) => {
        show(new StubEnvironment({ report: noDevice() }), language);
        expect(screen.getByText(title)).toBeTruthy();
        expect(screen.getByText(advice)).toBeTruthy();
        expect(
          screen.getByText('nrt: no neuron device found (driver not loaded?)')
        ).toBeTruthy();
      }
    );
  });

  describe('tool error', () => {
    it.each([
      ['en', 'neuron-ls failed', 'Error code'],
      ['ja', 'neuron-ls の実行に失敗しました', 'エラーコード']
    ] as const)(
      'shows the code, message and detail (%s)',
      (language, title, codeLabel) => {
        show(new StubEnvironment({ report: toolError() }), language);
        const notice = screen.getByRole('alert');
        expect(within(notice).getByText(title)).toBeTruthy();
        expect(within(notice).getByText(codeLabel)).toBeTruthy();
        expect(within(notice).getByText('timeout')).toBeTruthy();
        expect(
          within(notice).getByText(
            'neuron-ls did not answer within 10 s and was stopped.'
          )
        ).toBeTruthy();
        expect(within(notice).getByText('killed after 10 s')).toBeTruthy();
      }
    );
  });

  describe('model states', () => {
    it.each([
      ['en', 'Checking the Neuron environment…'],
      ['ja', 'Neuron 環境を確認しています…']
    ] as const)('says it is loading (%s)', (language, text) => {
      show(new StubEnvironment({ state: 'loading' }), language);
      expect(screen.getByText(text)).toBeTruthy();
    });

    it.each([
      ['en', 'The jupyterlab-neuron server extension is not available'],
      ['ja', 'jupyterlab-neuron のサーバー拡張機能を利用できません']
    ] as const)(
      'says how to install a missing server extension (%s)',
      (language, title) => {
        show(new StubEnvironment({ state: 'server-missing' }), language);
        const notice = screen.getByRole('alert');
        expect(within(notice).getByText(title)).toBeTruthy();
        expect(
          within(notice).getByText('pip install jupyterlab-neuron')
        ).toBeTruthy();
        expect(notice.textContent).toMatch(
          /restart JupyterLab|JupyterLab を再起動/
        );
      }
    );

    it.each([
      [
        'en',
        'Server extension: version 0.0.9 (API 1). This page: version %V (API 1).'
      ],
      [
        'ja',
        'サーバー拡張機能はバージョン 0.0.9（API 1）、このページはバージョン %V（API 1）です。'
      ]
    ] as const)('names both versions on a mismatch (%s)', (language, text) => {
      show(
        new StubEnvironment({
          state: 'version-mismatch',
          serverVersion: { version: '0.0.9', api: 1 },
          report: simulatedTrn1()
        }),
        language
      );
      expect(
        screen.getByText(text.replace('%V', FRONTEND_VERSION))
      ).toBeTruthy();
      expect(
        screen.getByText('pip install --upgrade jupyterlab-neuron')
      ).toBeTruthy();
      // A report from an incompatible server is not shown.
      expect(screen.queryByText('i-0123456789abcdef0')).toBeNull();
    });

    it('shows the error message and still the last report', () => {
      show(
        new StubEnvironment({
          state: 'error',
          error: 'Failed to fetch',
          report: simulatedTrn1()
        }),
        'en'
      );
      const notice = screen.getByRole('alert');
      expect(within(notice).getByText('Failed to fetch')).toBeTruthy();
      expect(screen.getByText('i-0123456789abcdef0')).toBeTruthy();
    });
  });

  describe('behaviour', () => {
    it('asks the model to refresh, and not while it is busy', () => {
      const model = new StubEnvironment({ report: simulatedTrn1() });
      show(model, 'en');
      const button = screen.getByRole('button', { name: /Refresh/ });
      fireEvent.click(button);
      expect(model.refreshCalls).toBe(1);

      act(() => {
        model.isBusy = true;
        model.changed.emit();
      });
      expect((button as HTMLButtonElement).disabled).toBe(true);
    });

    it('re-renders when the model changes', () => {
      const model = new StubEnvironment({ state: 'loading' });
      show(model, 'en');
      expect(screen.getByText('Checking the Neuron environment…')).toBeTruthy();
      act(() => {
        model.state = 'ready';
        model.report = noDevice();
        model.changed.emit();
      });
      expect(screen.queryByText('Checking the Neuron environment…')).toBeNull();
      expect(screen.getByText('No Neuron device was found')).toBeTruthy();
    });

    it('stops listening to the model once unmounted', () => {
      const model = new StubEnvironment({ report: simulatedTrn1() });
      const disconnect = jest.spyOn(model.changed, 'disconnect');
      const { unmount } = show(model, 'en');
      expect(disconnect).not.toHaveBeenCalled();
      unmount();
      expect(disconnect).toHaveBeenCalledTimes(1);
    });
  });
});
