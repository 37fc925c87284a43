import type { ISessionContext } from '@jupyterlab/apputils';
import { Signal } from '@lumino/signaling';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import React from 'react';

import { NeuronI18n } from '../../i18n';
import type { NeuronLanguage } from '../../tokens';
import {
  EvidenceView,
  checkForStep,
  coreReading,
  evaluateEvidence
} from '../checks';
import { GuideView } from '../GuideView';
import { ITutorialCell, ITutorialStep, TutorialProgress } from '../progress';
import type { IStepDiagnosis } from '../diagnosis';
import { ILiveCores, ITutorialGuideModel, needsRun } from '../session';
import { catalogues, neuroncoresUnavailable } from './diagnoses';
import { snapshotOf } from './fakes';
import { codeCell as code } from './notebooks';

function explanation(id: string, step: string, heading: string): ITutorialCell {
  return { ...code(id, step), type: 'markdown', source: `## ${heading}` };
}

const STEPS = {
  ja: [
    {
      id: 'prepare',
      number: 1,
      title: '事前準備',
      explanation: '**準備**します。'
    },
    {
      id: 'precompile',
      number: 5,
      title: '事前コンパイル',
      neuronOnly: true,
      durationMinutes: { 'inf2.xlarge': 6 }
    },
    {
      id: 'train-single',
      number: 6,
      title: '1 ワーカーでの学習',
      neuronOnly: true
    },
    { id: 'trace', number: 9, title: '推論用のトレースと CPU との比較' }
  ],
  en: [
    {
      id: 'prepare',
      number: 1,
      title: 'Preparation',
      explanation: 'Get **ready**.'
    },
    {
      id: 'precompile',
      number: 5,
      title: 'Pre-compilation',
      neuronOnly: true,
      durationMinutes: { 'inf2.xlarge': 6 }
    },
    {
      id: 'train-single',
      number: 6,
      title: 'Training with one worker',
      neuronOnly: true
    },
    {
      id: 'trace',
      number: 9,
      title: 'Tracing for inference and comparing with CPU'
    }
  ]
};

/**
 * A guide model over a real progress model, with the parts that need a
 * notebook (running cells, the monitor) scripted by the test.
 */
class StubGuide implements ITutorialGuideModel {
  notebookName = 'bert-ja.ipynb';
  templateTitle: string | null = '日本語 BERT';
  templateId = 'bert-ja';
  smoke = false;
  simulated = false;
  instanceType: string | null = 'inf2.xlarge';
  canRun = true;
  live: ILiveCores | null = null;
  diagnoses = new Map<string, IStepDiagnosis>();
  readonly progress: TutorialProgress;
  readonly changed = new Signal<this, void>(this);
  readonly sessionContext = {
    session: null,
    kernelChanged: new Signal({})
  } as unknown as ISessionContext;
  readonly ran: string[] = [];
  runOnNext = false;
  advancingFrom: string | null = null;
  finishedStep: ITutorialStep | null = null;
  nextCalls = 0;

  constructor(lang: NeuronLanguage, cells?: ITutorialCell[]) {
    this.progress = new TutorialProgress({
      cells: cells ?? [
        explanation('prepare-1', 'prepare', '1. Prep'),
        code('prepare-2', 'prepare'),
        explanation('precompile-1', 'precompile', '5. Pre'),
        code('precompile-2', 'precompile'),
        explanation('train-single-1', 'train-single', '6. Train'),
        code('train-single-2', 'train-single')
      ],
      stepInfo: STEPS[lang]
    });
    this.progress.changed.connect(() => this.changed.emit());
  }

  evidence(step: ITutorialStep): EvidenceView[] {
    const check = checkForStep(step.id, { workers: 2, work_dir: 'w' }, '');
    return check && !step.missing
      ? [
          evaluateEvidence(check, this.progress.evidence(step.id), {
            status: step.status,
            neuronOnly: step.neuronOnly,
            smoke: this.smoke,
            hasMonitor: true
          })
        ]
      : [];
  }

  liveCores(step: ITutorialStep): ILiveCores | null {
    return step.status === 'running' ? this.live : null;
  }

  diagnosis(step: ITutorialStep): IStepDiagnosis | null {
    return step.status === 'failed'
      ? (this.diagnoses.get(step.id) ?? null)
      : null;
  }

  select(stepId: string): void {
    this.progress.select(stepId);
  }

  setRunOnNext(value: boolean): void {
    this.runOnNext = value;
    this.changed.emit();
  }

  async next(): Promise<void> {
    this.nextCalls++;
    const current = this.progress.current;
    if (!(this.runOnNext && current && needsRun(current))) {
      // (The real model would run the step here; the tests script it.)
      this.progress.next();
    }
  }

  async runStep(stepId: string): Promise<void> {
    this.ran.push(stepId);
  }
}

function show(model: StubGuide, lang: NeuronLanguage) {
  const translator = new NeuronI18n({ setting: lang });
  return render(
    <GuideView
      model={model}
      translator={translator}
      rendermime={null}
      actions={null}
    />
  );
}

function stepItems(): HTMLElement[] {
  return within(
    screen.getByRole('list', { name: /Steps|ステップ/ })
  ).getAllByRole('listitem');
}

describe('GuideView', () => {
  it.each([
    [
      'ja' as NeuronLanguage,
      [
        '1.事前準備未実行',
        '5.事前コンパイル未実行',
        '6.1 ワーカーでの学習未実行',
        '9.推論用のトレースと CPU との比較セルがありません'
      ],
      '次へ',
      'このステップを実行',
      '目安の所要時間: inf2.xlarge で約 6 分',
      '3 ステップ中 0 ステップ完了'
    ],
    [
      'en' as NeuronLanguage,
      [
        '1.PreparationNot started',
        '5.Pre-compilationNot started',
        '6.Training with one workerNot started',
        '9.Tracing for inference and comparing with CPUCells missing'
      ],
      'Next',
      'Run this step',
      'Expected time: about 6 min on inf2.xlarge',
      '0 of 3 steps done'
    ]
  ])(
    'lists the steps and moves on (%s)',
    (lang, items, next, run, duration, count) => {
      const model = new StubGuide(lang);
      show(model, lang);
      expect(stepItems().map(item => item.textContent)).toEqual(items);
      expect(screen.getByText(count)).toBeTruthy();
      const current = screen.getByRole('article');
      expect(current.getAttribute('data-step')).toBe('prepare');
      // Markdown is not interpreted without the renderer: shown as text.
      expect(current.textContent).toContain(STEPS[lang][0].explanation);

      fireEvent.click(screen.getByRole('button', { name: run }));
      expect(model.ran).toEqual(['prepare']);
      fireEvent.click(screen.getByRole('button', { name: next }));
      expect(screen.getByRole('article').getAttribute('data-step')).toBe(
        'precompile'
      );
      expect(screen.getByRole('article').textContent).toContain(duration);
    }
  );

  it('shows the step status as cells run, and the live NeuronCores in Japanese', () => {
    const model = new StubGuide('ja');
    show(model, 'ja');
    act(() => {
      model.progress.select('train-single');
      model.progress.cellScheduled('train-single-2');
      model.live = coreReading(snapshotOf([85, 0]), null);
      model.changed.emit();
    });
    const current = screen.getByRole('article');
    expect(current.getAttribute('data-status')).toBe('running');
    expect(current.querySelector('.jp-Neuron-Guide-live')!.textContent).toBe(
      'NC0: 85% / NC1: 0%: 1 ワーカーでは NeuronCore 1 つだけが使われます'
    );
    expect(screen.getByRole('button', { name: '実行中…' })).toBeTruthy();

    act(() => {
      model.progress.setEvidence('train-single', 'cores', {
        peak: [85, 0],
        samples: 4,
        simulated: false,
        attributed: true
      });
      model.progress.cellExecuted('train-single-2', null);
    });
    expect(current.getAttribute('data-status')).toBe('done');
    expect(current.textContent).toContain(
      '完了: このステップのセルはすべてエラーなしで実行されました。'
    );
    const evidence = current.querySelector('.jp-Neuron-Guide-evidence')!;
    expect(evidence.getAttribute('data-state')).toBe('ok');
    expect(evidence.textContent).toBe(
      '確認済みこのノートブックで NeuronCore 1 個が使われました（最大値 NC0: 85% / NC1: 0%）。'
    );
  });

  it('says in smoke mode that Neuron evidence is skipped, not confirmed', () => {
    const model = new StubGuide('en');
    model.smoke = true;
    show(model, 'en');
    act(() => {
      model.select('precompile');
      model.progress.cellScheduled('precompile-2');
      model.progress.cellExecuted('precompile-2', null);
    });
    const current = screen.getByRole('article');
    expect(current.textContent).toContain(
      'CPU smoke mode: the Neuron part of this step is skipped'
    );
    const evidence = current.querySelector('.jp-Neuron-Guide-evidence')!;
    expect(evidence.getAttribute('data-state')).toBe('skipped');
    expect(evidence.textContent).toBe(
      'SkippedCPU smoke mode: pre-compilation is skipped, so the compile cache does not change.'
    );
  });

  it('says clearly when a step has no cells left', () => {
    const model = new StubGuide('ja');
    show(model, 'ja');
    fireEvent.click(within(stepItems()[3]).getByRole('button'));
    const current = screen.getByRole('article');
    expect(current.textContent).toContain(
      'このステップのセルがノートブックにありません'
    );
    expect(
      within(current)
        .getByRole('button', { name: 'このステップを実行' })
        .hasAttribute('disabled')
    ).toBe(true);
  });

  it('shows the diagnosis of a failed step', () => {
    const model = new StubGuide('en');
    model.diagnoses.set('train-single', {
      stepId: 'train-single',
      cellId: 'train-single-2',
      text: neuroncoresUnavailable.text,
      state: 'ready',
      result: neuroncoresUnavailable.en,
      fallback: null,
      labels: catalogues.en.actions,
      error: null
    });
    show(model, 'en');
    act(() => {
      model.select('train-single');
      model.progress.cellScheduled('train-single-2');
      model.progress.cellExecuted('train-single-2', {
        ename: 'RuntimeError',
        evalue: 'Neuron runtime cannot be initialized'
      });
    });
    const current = screen.getByRole('article');
    expect(current.getAttribute('data-status')).toBe('failed');
    expect(current.textContent).toContain(
      'A cell of this step failed: RuntimeError: Neuron runtime cannot be initialized'
    );
    const diagnosis = current.querySelector('.jp-Neuron-Diagnosis')!;
    expect(diagnosis.getAttribute('data-entry')).toBe(
      'neuroncores-unavailable'
    );
    expect(diagnosis.textContent).toContain('NeuronCores are not available');
    expect(
      screen.getByRole('button', { name: 'Run this step again' })
    ).toBeTruthy();
  });

  it('follows the headings of a notebook without template steps', () => {
    const cells: ITutorialCell[] = [
      { ...code('h', ''), step: null, type: 'markdown', source: '# Load' },
      { ...code('a', ''), step: null }
    ];
    const model = new StubGuide('en', cells);
    model.templateTitle = null;
    show(model, 'en');
    expect(
      screen.getByText(
        'This notebook has no template steps: the guide follows its headings.'
      )
    ).toBeTruthy();
    expect(screen.getByRole('heading', { level: 3 }).textContent).toBe(
      'bert-ja.ipynb'
    );
  });

  it.each([
    [
      'ja' as NeuronLanguage,
      '実行して次へ',
      '「次へ」でステップのセルも実行する',
      'このステップが成功すると、次のステップに進みます。',
      'ステップ 1「事前準備」はエラーなしで実行されました。'
    ],
    [
      'en' as NeuronLanguage,
      'Run and continue',
      'Next runs the step first',
      'When this step succeeds, the guide moves on.',
      'Step 1 "Preparation" ran without error.'
    ]
  ])(
    'offers to run the step on Next, and reports the step it left (%s)',
    (lang, runAndContinue, preference, advancing, finished) => {
      const model = new StubGuide(lang);
      model.runOnNext = true;
      show(model, lang);
      const checkbox = screen.getByRole('checkbox', {
        name: preference
      }) as HTMLInputElement;
      expect(checkbox.checked).toBe(true);
      const next = screen.getByRole('button', { name: runAndContinue });
      expect(next.className).toContain('jp-mod-accept');
      fireEvent.click(next);
      expect(model.nextCalls).toBe(1);

      // While Next runs the step: both buttons wait, and the guide says why.
      act(() => {
        model.progress.cellScheduled('prepare-2');
        model.advancingFrom = 'prepare';
        model.changed.emit();
      });
      expect(screen.getByRole('status').textContent).toBe(advancing);
      for (const button of within(screen.getByRole('article')).getAllByRole(
        'button'
      )) {
        expect(button.hasAttribute('disabled')).toBe(true);
      }

      // Done, moved on: the step left behind is reported above the new one.
      act(() => {
        model.progress.cellExecuted('prepare-2', null);
        model.advancingFrom = null;
        model.progress.next();
        model.finishedStep = model.progress.step('prepare');
        model.changed.emit();
      });
      const current = screen.getByRole('article');
      expect(current.getAttribute('data-step')).toBe('precompile');
      expect(
        current.querySelector('.jp-Neuron-Guide-finished')!.textContent
      ).toContain(finished);

      // Turned off: Next only moves on.
      fireEvent.click(checkbox);
      expect(model.runOnNext).toBe(false);
      expect(screen.queryByRole('button', { name: runAndContinue })).toBeNull();
      expect(
        screen.getByRole('button', { name: lang === 'ja' ? '次へ' : 'Next' })
      ).toBeTruthy();
    }
  );

  it.each([
    [
      'ja' as NeuronLanguage,
      '実行して完了',
      '完了にする',
      'すべてのステップが完了しました',
      'このノートブックの 4 ステップがすべてエラーなしで実行されました。',
      '今回は CPU スモークモードでの実行でした。'
    ],
    [
      'en' as NeuronLanguage,
      'Run and finish',
      'Finish',
      'Every step is done',
      'All 4 steps of this notebook ran without error.',
      'This was a CPU smoke run'
    ]
  ])(
    'finishes on the last step and says every step is done (%s)',
    (lang, runAndFinish, finish, title, allDone, smokeNote) => {
      const cells = [
        code('prepare-2', 'prepare'),
        code('train-single-2', 'train-single'),
        code('trace-2', 'trace'),
        explanation('summary-1', 'summary', '10. Summary')
      ];
      const model = new StubGuide(lang, cells);
      model.runOnNext = true;
      model.smoke = true;
      model.progress.setStepInfo(null);
      show(model, lang);
      act(() => {
        for (const id of ['prepare-2', 'train-single-2']) {
          model.progress.cellScheduled(id);
          model.progress.cellExecuted(id, null);
        }
        model.progress.select('trace');
      });
      // The last step with code: not the last one here, so Next continues.
      expect(screen.queryByRole('button', { name: runAndFinish })).toBeNull();
      act(() => {
        model.progress.cellScheduled('trace-2');
        model.progress.cellExecuted('trace-2', null);
        model.progress.select('summary');
      });
      expect(screen.queryByText(title)).toBeNull();
      fireEvent.click(screen.getByRole('button', { name: finish }));
      expect(screen.getByText(title)).toBeTruthy();
      expect(screen.getByText(allDone)).toBeTruthy();
      expect(
        screen.getByText(content => content.startsWith(smokeNote))
      ).toBeTruthy();
      // Nothing is left to press on the last step.
      expect(screen.queryByRole('button', { name: finish })).toBeNull();

      // A last step with cells that have not run: Next runs them to finish.
      const withCode = new StubGuide(lang, [
        code('prepare-2', 'prepare'),
        code('trace-2', 'trace')
      ]);
      withCode.runOnNext = true;
      withCode.progress.setStepInfo(null);
      withCode.progress.select('trace');
      show(withCode, lang);
      expect(
        screen.getAllByRole('button', { name: runAndFinish })
      ).toHaveLength(1);
    }
  );
});
