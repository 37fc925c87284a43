import type * as nbformat from '@jupyterlab/nbformat';

import { FakeServer, jsonResponse } from '../../__tests__/fakeServer';
import {
  DiagnoseClient,
  MAX_DIAGNOSIS_CHARS,
  errorOutputOf,
  errorTextOfOutputs,
  stripAnsi
} from '../client';

describe('DiagnoseClient', () => {
  let server: FakeServer;
  let client: DiagnoseClient;

  beforeEach(() => {
    server = new FakeServer();
    client = new DiagnoseClient({ serverSettings: server.serverSettings });
  });

  it('posts the error text with the panel language', async () => {
    const bodies: unknown[] = [];
    server.routes.set('diagnose', async request => {
      bodies.push(await request.json());
      return jsonResponse(200, { match: null });
    });
    await expect(client.diagnose('boom', 'ja')).resolves.toEqual({
      match: null
    });
    expect(bodies).toEqual([{ text: 'boom', lang: 'ja' }]);
    const [request] = server.requestsTo('diagnose');
    expect(request.method).toBe('POST');
    expect(request.headers.get('Accept-Language')).toBe('ja');
  });

  it('keeps the end of a very long error, where the decisive lines are', async () => {
    let sent = '';
    server.routes.set('diagnose', async request => {
      sent = ((await request.json()) as { text: string }).text;
      return jsonResponse(200, { match: null });
    });
    const text = 'x'.repeat(MAX_DIAGNOSIS_CHARS) + 'the end';
    await client.diagnose(text, 'en');
    expect(sent).toHaveLength(MAX_DIAGNOSIS_CHARS);
    expect(sent.endsWith('the end')).toBe(true);
  });

  it('fetches the catalogue once per language, and again after a failure', async () => {
    let fail = true;
    server.routes.set('diagnose/catalogue', request => {
      if (fail) {
        return jsonResponse(500, { message: 'broken' });
      }
      const lang = new URL(request.url).searchParams.get('lang');
      return jsonResponse(200, { lang, actions: {}, entries: [] });
    });
    await expect(client.catalogue('ja')).rejects.toThrow('broken');
    fail = false;
    await expect(client.catalogue('ja')).resolves.toMatchObject({ lang: 'ja' });
    await client.catalogue('ja');
    await expect(client.catalogue('en')).resolves.toMatchObject({ lang: 'en' });
    expect(
      server.requestsTo('diagnose/catalogue').map(r => r.query.get('lang'))
    ).toEqual(['ja', 'ja', 'en']);
  });
});

describe('errorTextOfOutputs', () => {
  const outputs: nbformat.IOutput[] = [
    { output_type: 'stream', name: 'stdout', text: ['step 1\n', 'step 2\n'] },
    {
      output_type: 'display_data',
      data: { 'text/plain': 'ignored' },
      metadata: {}
    },
    {
      output_type: 'stream',
      name: 'stderr',
      text: 'ERROR NRT:nrt_allocate_neuron_cores NeuronCore(s) not available\n'
    },
    {
      output_type: 'error',
      ename: 'RuntimeError',
      evalue: 'Neuron runtime cannot be initialized',
      traceback: [
        '\u001b[0;31mRuntimeError\u001b[0m Traceback',
        '\u001b[0;31mRuntimeError\u001b[0m: Neuron runtime cannot be initialized'
      ]
    }
  ];

  it('joins the streams and the traceback, in output order', () => {
    expect(errorTextOfOutputs(outputs)).toBe(
      [
        'step 1',
        'step 2',
        'ERROR NRT:nrt_allocate_neuron_cores NeuronCore(s) not available',
        '\u001b[0;31mRuntimeError\u001b[0m Traceback',
        '\u001b[0;31mRuntimeError\u001b[0m: Neuron runtime cannot be initialized'
      ].join('\n')
    );
  });

  it('uses ename and evalue when there is no traceback', () => {
    expect(
      errorTextOfOutputs([
        {
          output_type: 'error',
          ename: 'OSError',
          evalue: 'offline',
          traceback: []
        }
      ])
    ).toBe('OSError: offline');
  });

  it('finds the error output and strips colours for display', () => {
    expect(errorOutputOf(outputs)?.ename).toBe('RuntimeError');
    expect(errorOutputOf(outputs.slice(0, 2))).toBeNull();
    expect(stripAnsi('\u001b[0;31mRuntimeError\u001b[0m: x\r')).toBe(
      'RuntimeError: x'
    );
  });
});
