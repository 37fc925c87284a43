import type * as nbformat from '@jupyterlab/nbformat';
import { PromiseDelegate } from '@lumino/coreutils';

import { NeuronI18n } from '../../i18n';
import { ServerExtensionMissingError } from '../../request';
import type { NeuronLanguage } from '../../tokens';
import { StepDiagnoses } from '../diagnosis';
import { catalogues, neuroncoresUnavailable, unknown } from './diagnoses';
import type * as DiagnoseAPI from '../../api/diagnose';

/**
 * A diagnose client answering from the recorded diagnoses; each `diagnose`
 * call waits until the test answers it (`answer(i)`), or fails it.
 */
function scriptedClient() {
  const pending: {
    text: string;
    lang: NeuronLanguage;
    delegate: PromiseDelegate<DiagnoseAPI.Diagnosis>;
  }[] = [];
  const client = {
    diagnose: jest.fn((text: string, lang: NeuronLanguage) => {
      const delegate = new PromiseDelegate<DiagnoseAPI.Diagnosis>();
      pending.push({ text, lang, delegate });
      return delegate.promise;
    }),
    catalogue: jest.fn(async (lang: NeuronLanguage) => ({
      ...catalogues[lang]
    }))
  };
  /** Answer call `index` with the recording of its text, in its language. */
  const answer = (index: number) => {
    const call = pending[index];
    const recorded =
      call.text === neuroncoresUnavailable.text
        ? neuroncoresUnavailable
        : unknown;
    call.delegate.resolve(recorded[call.lang]);
  };
  return { client, pending, answer };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
}

describe('StepDiagnoses', () => {
  it('asks in the panel language and keeps the catalogue labels and fallback', async () => {
    const { client, answer } = scriptedClient();
    const i18n = new NeuronI18n({ setting: 'ja' });
    const diagnoses = new StepDiagnoses({ client, i18n });
    const changed = jest.fn();
    diagnoses.changed.connect(changed);

    const asked = diagnoses.request(
      'train-single',
      'cell-1',
      neuroncoresUnavailable.text
    );
    expect(asked.state).toBe('loading');
    expect(diagnoses.get('train-single')).toEqual(asked);
    expect(client.diagnose).toHaveBeenCalledWith(
      neuroncoresUnavailable.text,
      'ja'
    );
    answer(0);
    await flush();
    const ready = diagnoses.get('train-single')!;
    expect(ready.state).toBe('ready');
    expect(ready.result).toEqual(neuroncoresUnavailable.ja);
    // A known error: no fallback text.
    expect(ready.fallback).toBeNull();
    expect(ready.labels).toEqual(catalogues.ja.actions);
    expect(changed).toHaveBeenCalledTimes(2);

    diagnoses.request('trace', 'cell-9', unknown.text);
    answer(1);
    await flush();
    expect(diagnoses.get('trace')!.fallback).toEqual(catalogues.ja.fallback);
    expect(diagnoses.get('prepare')).toBeNull();
  });

  it('ignores an answer that came after the step failed again', async () => {
    const { client, answer } = scriptedClient();
    const diagnoses = new StepDiagnoses({
      client,
      i18n: new NeuronI18n({ setting: 'en' })
    });
    diagnoses.request('train-single', 'cell-1', neuroncoresUnavailable.text);
    diagnoses.request('train-single', 'cell-2', unknown.text);
    answer(1);
    await flush();
    answer(0);
    await flush();
    const shown = diagnoses.get('train-single')!;
    expect(shown.cellId).toBe('cell-2');
    expect(shown.result).toEqual(unknown.en);
  });

  it('asks every diagnosis again in a new language', async () => {
    const { client, answer } = scriptedClient();
    const i18n = new NeuronI18n({ setting: 'en' });
    const diagnoses = new StepDiagnoses({ client, i18n });
    diagnoses.request('train-single', 'cell-1', neuroncoresUnavailable.text);
    answer(0);
    await flush();

    i18n.setting = 'ja';
    diagnoses.refresh();
    expect(client.diagnose).toHaveBeenLastCalledWith(
      neuroncoresUnavailable.text,
      'ja'
    );
    expect(diagnoses.get('train-single')!.state).toBe('loading');
    answer(1);
    await flush();
    expect(diagnoses.get('train-single')!.result).toEqual(
      neuroncoresUnavailable.ja
    );
  });

  it('says why a diagnosis failed, in the panel language', async () => {
    const { client, pending } = scriptedClient();
    const diagnoses = new StepDiagnoses({
      client,
      i18n: new NeuronI18n({ setting: 'ja' })
    });
    diagnoses.request('train-single', 'cell-1', 'RuntimeError: x');
    pending[0].delegate.reject(
      new ServerExtensionMissingError(new Response('', { status: 404 }))
    );
    await flush();
    const failed = diagnoses.get('train-single')!;
    expect(failed.state).toBe('error');
    expect(failed.error).toContain(
      'jupyterlab-neuron のサーバー拡張機能から応答がありません。'
    );
  });

  it('diagnoses saved outputs once, and only when they hold an error', async () => {
    const { client } = scriptedClient();
    const diagnoses = new StepDiagnoses({
      client,
      i18n: new NeuronI18n({ setting: 'en' })
    });
    const clean: nbformat.IOutput[] = [
      { output_type: 'stream', name: 'stdout', text: 'ok\n' }
    ];
    expect(diagnoses.forOutputs('trace', 'cell-1', clean)).toBeNull();
    expect(client.diagnose).not.toHaveBeenCalled();

    const failed: nbformat.IOutput[] = [
      { output_type: 'stream', name: 'stderr', text: 'NRT: no cores\n' },
      {
        output_type: 'error',
        ename: 'RuntimeError',
        evalue: 'x',
        traceback: ['Traceback', 'RuntimeError: x']
      }
    ];
    const first = diagnoses.forOutputs('trace', 'cell-1', failed);
    expect(first?.text).toBe('NRT: no cores\nTraceback\nRuntimeError: x');
    expect(diagnoses.forOutputs('trace', 'cell-1', failed)).toBe(first);
    expect(client.diagnose).toHaveBeenCalledTimes(1);
    // Another cell of the step failed since: asked again.
    diagnoses.forOutputs('trace', 'cell-2', failed);
    expect(client.diagnose).toHaveBeenCalledTimes(2);
  });

  it('keeps nothing that arrives once disposed', async () => {
    const { client, answer } = scriptedClient();
    const diagnoses = new StepDiagnoses({
      client,
      i18n: new NeuronI18n({ setting: 'en' })
    });
    const changed = jest.fn();
    diagnoses.changed.connect(changed);
    diagnoses.request('train-single', 'cell-1', neuroncoresUnavailable.text);
    diagnoses.dispose();
    answer(0);
    await flush();
    expect(changed).toHaveBeenCalledTimes(1);
    expect(diagnoses.get('train-single')).toBeNull();
  });
});
