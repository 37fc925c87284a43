import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { languageSettings, openPanelSection, setMonitorHook } from './helpers';

/**
 * The tutorial mode on the simulated trn1.2xlarge of the test server: a
 * BERT-ja notebook in CPU smoke mode, its guide, a step run to done, the
 * "NeuronCores not available" diagnosis with the kernel holding the cores
 * (a real kernel child attached to the simulated neuron-monitor through the
 * hook files of monitor_hooks.py), and progress restored after a reload.
 */

const GUIDE_ID = 'jupyterlab-neuron:tutorial-guide';
const SLOW = { timeout: 60_000 };
const CORES_ERROR =
  'Neuron runtime cannot be initialized; cannot determine the number of available NeuronCores';

/**
 * Render the BERT-ja template as a notebook in smoke mode (the server's own
 * rendering), make the training step's cell fail with the Neuron runtime's
 * error, and save it under `notebookPath`.
 */
async function createTutorialNotebook(
  page: IJupyterLabPageFixture,
  notebookPath: string,
  lang: 'ja' | 'en'
): Promise<void> {
  const rendered = await page.request.post(
    '/jupyterlab-neuron/templates/bert-ja/render',
    { data: { lang, params: { smoke: true }, format: 'notebook' } }
  );
  expect(rendered.ok()).toBe(true);
  const { notebook } = await rendered.json();
  const failing = notebook.cells.find(
    (cell: any) =>
      cell.metadata.jupyterlab_neuron.step === 'train-single' &&
      cell.cell_type === 'code'
  );
  failing.source = `raise RuntimeError(${JSON.stringify(CORES_ERROR)})`;
  notebook.metadata.kernelspec = {
    name: 'python3',
    display_name: 'Python 3 (ipykernel)',
    language: 'python'
  };
  const saved = await page.request.put(`/api/contents/${notebookPath}`, {
    data: { type: 'notebook', format: 'json', content: notebook }
  });
  expect(saved.status()).toBe(201);
}

function guide(page: IJupyterLabPageFixture) {
  return page.locator('.jp-Neuron-Guide');
}

function stepItem(page: IJupyterLabPageFixture, step: string) {
  return guide(page).locator(`.jp-Neuron-Guide-step[data-step="${step}"]`);
}

function currentStep(page: IJupyterLabPageFixture) {
  return guide(page).locator('.jp-Neuron-Guide-current');
}

/** Wait until the current notebook has no unsaved changes. */
async function waitSaved(page: IJupyterLabPageFixture): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          () =>
            (window as any).jupyterapp.shell.currentWidget.context.model.dirty
        ),
      SLOW
    )
    .toBe(false);
}

test.describe('Tutorial mode in Japanese', () => {
  test.use({ mockSettings: languageSettings('ja') });

  test.afterEach(() => {
    setMonitorHook('pids', null);
  });

  test('guides a BERT-ja notebook, diagnoses a NeuronCore error and restores progress', async ({
    page,
    tmpPath
  }) => {
    // Another notebook's kernel holds the NeuronCores: a child process of
    // it plays the Neuron runtime of the simulated neuron-monitor. (A session
    // without a notebook widget: nothing to restore after the reload.)
    const holder = `${tmpPath}/holder.ipynb`;
    const started = await page.evaluate(
      async ({ path, code }) => {
        const app = (window as any).jupyterapp;
        const session = await app.serviceManager.sessions.startNew({
          path,
          name: path,
          type: 'notebook',
          kernel: { name: 'python3' }
        });
        const future = session.kernel.requestExecute({ code });
        let output = '';
        future.onIOPub = (message: any) => {
          if (message.header.msg_type === 'stream') {
            output += message.content.text;
          }
        };
        await future.done;
        return { kernelId: session.kernel.id as string, output };
      },
      {
        path: holder,
        code: [
          'import subprocess, sys',
          'child = subprocess.Popen([sys.executable, "-c", "import os, time\\nparent = os.getppid()\\nwhile os.getppid() == parent:\\n    time.sleep(0.2)"])',
          'print("runtime pid", child.pid)'
        ].join('\n')
      }
    );
    const pid = /runtime pid (\d+)/.exec(started.output)?.[1];
    expect(pid).toBeTruthy();
    setMonitorHook('pids', pid!);
    const holderKernel = started.kernelId;

    // The notebook from the template: opening it offers the tutorial mode.
    const name = 'bert-ja-tutorial.ipynb';
    await createTutorialNotebook(page, `${tmpPath}/${name}`, 'ja');
    await page.notebook.openByPath(`${tmpPath}/${name}`);
    await page.getByRole('button', { name: '始める' }).click();
    await expect(guide(page)).toBeVisible();
    await expect(guide(page).locator('.jp-Neuron-Guide-title')).toHaveText(
      '日本語 BERT によるテキスト分類: ファインチューニングから推論まで'
    );
    await expect(stepItem(page, 'precompile')).toContainText('事前コンパイル');
    await expect(currentStep(page)).toHaveAttribute('data-step', 'setup');

    // Run the first step: it ends done, its cells highlighted.
    await currentStep(page)
      .getByRole('button', { name: 'このステップを実行' })
      .click();
    await expect(stepItem(page, 'setup')).toHaveAttribute(
      'data-status',
      'done',
      SLOW
    );
    await expect(currentStep(page)).toContainText(
      '完了: このステップのセルはすべてエラーなしで実行されました。'
    );
    await expect(page.locator('.jp-Cell.jp-Neuron-TutorialCell')).toHaveCount(
      3
    );
    await page.mouse.move(0, 0);
    expect(
      await guide(page).locator('.jp-Neuron-Guide-steps').screenshot()
    ).toMatchSnapshot('tutorial-steps-ja.png');

    // 次へ: the next step's cells are highlighted instead.
    await currentStep(page).getByRole('button', { name: '次へ' }).click();
    await expect(currentStep(page)).toHaveAttribute('data-step', 'prepare');
    await expect(page.locator('.jp-Cell.jp-Neuron-TutorialCell')).toHaveCount(
      4
    );

    // The training step fails: the diagnosis names the kernel holding the cores.
    await stepItem(page, 'train-single').getByRole('button').click();
    await expect(currentStep(page)).toContainText(
      'CPU スモークモードでは学習を CPU で行うため、NeuronCore は使われません。'
    );
    await currentStep(page)
      .getByRole('button', { name: 'このステップを実行' })
      .click();
    await expect(stepItem(page, 'train-single')).toHaveAttribute(
      'data-status',
      'failed',
      SLOW
    );
    const diagnosis = currentStep(page).locator(
      '.jp-Neuron-Diagnosis[data-entry="neuroncores-unavailable"]'
    );
    await expect(diagnosis).toContainText('NeuronCore を確保できません', SLOW);
    await expect(diagnosis).toContainText('Neuron で起きる理由');
    const row = diagnosis.locator(
      `.jp-Neuron-Diagnosis-holder[data-pid="${pid}"]`
    );
    await expect(row).toContainText(`ノートブック: ${holder}`, SLOW);
    await row
      .getByRole('button', {
        name: 'NeuronCore を使用中のカーネルをシャットダウン'
      })
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(
      'このカーネルをシャットダウンしますか？'
    );
    await dialog.getByRole('button', { name: 'シャットダウン' }).click();
    await expect
      .poll(async () => {
        const kernels = await (await page.request.get('/api/kernels')).json();
        return kernels.map((kernel: any) => kernel.id);
      }, SLOW)
      .not.toContain(holderKernel);
    // The process no longer belongs to a kernel of this server.
    await expect(row).toContainText(
      'この Jupyter サーバーのカーネルではありません',
      SLOW
    );

    // Progress is in the notebook: a reload brings it back.
    await waitSaved(page);
    // (Galata's own readiness check waits for a launcher, which the restored
    // layout does not have.)
    await page.reload({ waitForIsReady: false });
    // The notebook is restored by the layout; make sure it is the current one.
    await page
      .locator('.lm-DockPanel-tabBar .lm-TabBar-tab')
      .filter({ hasText: name })
      .click();
    if (!(await guide(page).isVisible())) {
      await page.sidebar.openTab(GUIDE_ID);
    }
    await expect(stepItem(page, 'setup')).toHaveAttribute(
      'data-status',
      'done',
      SLOW
    );
    await expect(stepItem(page, 'train-single')).toHaveAttribute(
      'data-status',
      'failed'
    );
    await expect(currentStep(page)).toHaveAttribute(
      'data-step',
      'train-single'
    );
    // The diagnosis is made again from the saved error output.
    await expect(
      currentStep(page).locator(
        '.jp-Neuron-Diagnosis[data-entry="neuroncores-unavailable"]'
      )
    ).toBeVisible(SLOW);
  });
});

test.describe('Tutorial mode in English', () => {
  test.use({ mockSettings: languageSettings('en') });

  test('offers the tutorial and runs a step to done', async ({
    page,
    tmpPath
  }) => {
    const name = 'bert-ja-en.ipynb';
    await createTutorialNotebook(page, `${tmpPath}/${name}`, 'en');
    await page.notebook.openByPath(`${tmpPath}/${name}`);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(currentStep(page)).toHaveAttribute('data-step', 'setup');
    await expect(stepItem(page, 'train-multi')).toContainText(
      'Training on all NeuronCores'
    );
    await currentStep(page)
      .getByRole('button', { name: 'Run this step' })
      .click();
    await expect(stepItem(page, 'setup')).toHaveAttribute(
      'data-status',
      'done',
      SLOW
    );
    await expect(stepItem(page, 'setup')).toContainText('Done');
    await page.mouse.move(0, 0);
    expect(
      await guide(page).locator('.jp-Neuron-Guide-steps').screenshot()
    ).toMatchSnapshot('tutorial-steps-en.png');
    await currentStep(page).getByRole('button', { name: 'Next' }).click();
    await expect(currentStep(page)).toHaveAttribute('data-step', 'prepare');

    // "Run and continue" on the failing training step: it stays there and
    // explains the Neuron error, in English.
    await stepItem(page, 'train-single').getByRole('button').click();
    await currentStep(page)
      .getByRole('button', { name: 'Run and continue' })
      .click();
    await expect(stepItem(page, 'train-single')).toHaveAttribute(
      'data-status',
      'failed',
      SLOW
    );
    await expect(currentStep(page)).toHaveAttribute(
      'data-step',
      'train-single'
    );
    const diagnosis = currentStep(page).locator(
      '.jp-Neuron-Diagnosis[data-entry="neuroncores-unavailable"]'
    );
    await expect(diagnosis).toContainText(
      'NeuronCores are not available',
      SLOW
    );
    await expect(diagnosis).toContainText('Why it happens on Neuron');
    await expect(diagnosis).toContainText('What to do');
    await expect(
      diagnosis.getByRole('button', {
        name: 'Show what holds the NeuronCores'
      })
    ).toBeVisible();
    // The failed step is not reported as finished, and nothing moved on.
    await expect(
      currentStep(page).locator('.jp-Neuron-Guide-finished')
    ).toHaveCount(0);
  });
});

/**
 * A newcomer's whole path: from the Neuron panel to a finished template run
 * in CPU smoke mode, pressing only the guide's "Run and continue" for every
 * step: BERT-ja in Japanese, ViT in English. The notebooks run for real, in
 * the separate kernel environment of scripts/make-kernel-env.sh (a tiny
 * random BERT with a MeCab vocabulary, tiny generated leaf images, offline),
 * which `make test` creates and passes as NEURON_SMOKE_KERNEL.
 */
const WALKTHROUGHS = [
  {
    lang: 'ja' as const,
    template: 'bert-ja',
    card: /日本語 BERT/,
    training: 'train-single',
    steps: [
      'setup',
      'prepare',
      'dataset',
      'tokenize',
      'training-script',
      'precompile',
      'train-single',
      'cpu-check',
      'train-multi',
      'trace',
      'benchmark',
      'summary'
    ],
    words: {
      smoke: 'CPU スモークモード',
      newNotebook: '新しいノートブック',
      created: 'を作成して開きました。',
      start: '始める',
      runAndContinue: '実行して次へ',
      runAndFinish: '実行して完了',
      traced: 'トレース済みモデル',
      count: (n: number) => `${n} ステップ中 ${n} ステップ完了`,
      allDone: 'すべてのステップが完了しました',
      allRan: (n: number) =>
        `このノートブックの ${n} ステップがすべてエラーなしで実行されました。`
    }
  },
  {
    lang: 'en' as const,
    template: 'vit-beans',
    card: /ViT image classification/,
    training: 'train',
    steps: [
      'setup',
      'prepare',
      'dataset',
      'image-processor',
      'training-script',
      'precompile',
      'train',
      'trace',
      'benchmark',
      'summary'
    ],
    words: {
      smoke: 'CPU smoke mode',
      newNotebook: 'New notebook',
      created: 'Created and opened',
      start: 'Start',
      runAndContinue: 'Run and continue',
      runAndFinish: 'Run and finish',
      traced: 'traced model',
      count: (n: number) => `${n} of ${n} steps done`,
      allDone: 'Every step is done',
      allRan: (n: number) =>
        `All ${n} steps of this notebook ran without error.`
    }
  }
];

for (const walk of WALKTHROUGHS) {
  const { words } = walk;

  test.describe(`${walk.template} walkthrough (${walk.lang})`, () => {
    test.use({ mockSettings: languageSettings(walk.lang) });
    test.skip(
      !process.env.NEURON_SMOKE_KERNEL,
      'needs the smoke kernel environment: NEURON_SMOKE_KERNEL=.venv-kernel (make kernel-env)'
    );

    test('goes from the Neuron panel to a finished smoke run with the guide leading every step', async ({
      page,
      tmpPath
    }) => {
      test.setTimeout(15 * 60_000);
      const STEP_TIMEOUT = { timeout: 5 * 60_000 };

      // The Neuron panel: the template, in smoke mode on this simulated instance.
      const section = await openPanelSection(page, 'templates');
      const card = section.locator(`[data-template-id="${walk.template}"]`);
      await card.getByRole('button', { name: walk.card }).click();
      await expect(card.getByText(words.smoke).first()).toBeVisible();
      await card.getByRole('button', { name: words.newNotebook }).click();
      await expect(card.getByRole('status')).toContainText(words.created);

      // The new notebook, in the file browser's folder, offers the tutorial
      // mode; it got the Neuron-named kernel.
      await page
        .getByRole('button', { name: words.start, exact: true })
        .click();
      await expect(guide(page)).toBeVisible();
      const notebookPath = await page.evaluate(
        () => (window as any).jupyterapp.shell.currentWidget.context.path
      );
      expect(notebookPath).toMatch(
        new RegExp(`^${tmpPath}/${walk.template}.*\\.ipynb$`)
      );
      await expect
        .poll(() =>
          page.evaluate(
            () =>
              (window as any).jupyterapp.shell.currentWidget.sessionContext
                .kernelPreference.name ??
              (window as any).jupyterapp.shell.currentWidget.sessionContext
                .session?.kernel?.name
          )
        )
        .toBe('neuron-smoke');
      await expect(guide(page).locator('.jp-Neuron-Guide-facts')).toContainText(
        words.smoke
      );

      const steps = await guide(page)
        .locator('.jp-Neuron-Guide-step')
        .evaluateAll(items =>
          items.map(item => (item as HTMLElement).dataset.step!)
        );
      expect(steps).toEqual(walk.steps);

      for (const [index, step] of steps.entries()) {
        const last = index === steps.length - 1;
        await expect(currentStep(page)).toHaveAttribute('data-step', step);
        await currentStep(page)
          .getByRole('button', {
            name: last ? words.runAndFinish : words.runAndContinue
          })
          .click();
        await expect(stepItem(page, step)).toHaveAttribute(
          'data-status',
          'done',
          STEP_TIMEOUT
        );
        if (last) {
          break;
        }
        // Moved on by itself, saying which step it left done.
        await expect(currentStep(page)).toHaveAttribute(
          'data-step',
          steps[index + 1]
        );
        const finished = currentStep(page).locator('.jp-Neuron-Guide-finished');
        await expect(finished).toHaveAttribute('data-step', step);
        if (step === walk.training) {
          // No NeuronCore is used on the CPU: skipped, not faked.
          await expect(
            finished.locator('.jp-Neuron-Guide-evidence[data-kind="cores"]')
          ).toHaveAttribute('data-state', 'skipped');
        }
        if (step === 'trace') {
          // The traced model really is on disk.
          const traced = finished.locator(
            '.jp-Neuron-Guide-evidence[data-kind="traced-model"]'
          );
          await expect(traced).toHaveAttribute('data-state', 'ok', SLOW);
          await expect(traced).toContainText(words.traced);
        }
      }

      await expect(guide(page).locator('.jp-Neuron-Guide-count')).toHaveText(
        words.count(steps.length)
      );
      await expect(guide(page)).toContainText(words.allDone);
      await expect(guide(page)).toContainText(words.allRan(steps.length));

      // Every code cell ran once, without an error; training printed its accuracy.
      const cells = await page.evaluate(() => {
        const model = (window as any).jupyterapp.shell.currentWidget.content
          .model;
        const found: { count: number | null; errors: number; text: string }[] =
          [];
        for (let i = 0; i < model.cells.length; i++) {
          const cell = model.cells.get(i);
          if (cell.type !== 'code') {
            continue;
          }
          const outputs = cell.outputs.toJSON();
          found.push({
            count: cell.executionCount,
            errors: outputs.filter((o: any) => o.output_type === 'error')
              .length,
            text: outputs
              .map((o: any) => (o.output_type === 'stream' ? o.text : ''))
              .join('')
          });
        }
        return found;
      });
      // (At least one code cell per step.)
      expect(cells.length).toBeGreaterThanOrEqual(steps.length);
      expect(
        cells.every(cell => cell.count !== null && cell.errors === 0)
      ).toBe(true);
      expect(
        cells.some(cell => /eval_accuracy = \d\.\d+/.test(cell.text))
      ).toBe(true);

      // The progress is saved in the notebook on disk (the guide saves it
      // shortly after each step ends).
      await expect
        .poll(async () => {
          const saved = await (
            await page.request.get(`/api/contents/${notebookPath}?content=1`)
          ).json();
          const tutorial = saved.content.metadata.jupyterlab_neuron.tutorial;
          return steps.map(step => `${step}: ${tutorial.steps[step]?.status}`);
        }, SLOW)
        .toEqual(steps.map(step => `${step}: done`));
    });
  });
}
