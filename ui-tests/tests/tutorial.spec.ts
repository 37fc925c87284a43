import {
  expect,
  galata,
  IJupyterLabPageFixture,
  test
} from '@jupyterlab/galata';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The tutorial mode on the simulated trn1.2xlarge of the test server: a
 * BERT-ja notebook in CPU smoke mode, its guide, a step run to done, the
 * "NeuronCores not available" diagnosis with the kernel holding the cores
 * (a real kernel child attached to the simulated neuron-monitor through the
 * hook files of monitor_hooks.py), and progress restored after a reload.
 */

const HOOKS =
  process.env.NEURON_UI_MONITOR_HOOKS ||
  path.join(os.tmpdir(), 'jupyterlab-neuron-ui-monitor');
const I18N_PLUGIN = 'jupyterlab-neuron:plugin';
const GUIDE_ID = 'jupyterlab-neuron:tutorial-guide';
const SLOW = { timeout: 60_000 };
const CORES_ERROR =
  'Neuron runtime cannot be initialized; cannot determine the number of available NeuronCores';

function languageSettings(language: 'ja' | 'en') {
  return {
    ...galata.DEFAULT_SETTINGS,
    [I18N_PLUGIN]: { language }
  };
}

function setPidsHook(value: string | null): void {
  fs.mkdirSync(HOOKS, { recursive: true });
  const file = path.join(HOOKS, 'pids');
  if (value === null) {
    fs.rmSync(file, { force: true });
  } else {
    fs.writeFileSync(file, value);
  }
}

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
    setPidsHook(null);
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
    setPidsHook(pid!);
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
  });
});
