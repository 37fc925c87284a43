import { ServerConnection } from '@jupyterlab/services';

import { NeuronI18n } from '../i18n';
import {
  ServerExtensionMissingError,
  describeRequestError,
  requestAPI
} from '../request';
import {
  FakeServer,
  captureError,
  htmlResponse,
  jsonResponse
} from './fakeServer';

describe('requestAPI', () => {
  let server: FakeServer;

  beforeEach(() => {
    server = new FakeServer();
  });

  it('joins the base URL and parses JSON', async () => {
    server.routes.set(
      'version',
      jsonResponse(200, { version: '0.1.0', api: 1 })
    );
    const answer = await requestAPI<{ version: string; api: number }>(
      'version',
      {},
      server.serverSettings
    );
    expect(answer).toEqual({ version: '0.1.0', api: 1 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].url).toMatch(
      /^http:\/\/localhost:8888\/lab-base\/jupyterlab-neuron\/version\?/
    );
  });

  it('keeps query parameters of the end point', async () => {
    server.routes.set('environment', jsonResponse(200, { state: 'ok' }));
    await requestAPI('environment?refresh=1', {}, server.serverSettings);
    expect(server.requests[0].path).toBe('environment');
    expect(server.requests[0].query.get('refresh')).toBe('1');
  });

  it.each([
    ['ja', 'ja'],
    ['en', 'en']
  ] as const)('sends Accept-Language %s', async (lang, header) => {
    server.routes.set('environment', jsonResponse(200, {}));
    await requestAPI('environment', {}, server.serverSettings, lang);
    expect(server.requests[0].headers.get('Accept-Language')).toBe(header);
  });

  it('sends no Accept-Language without a language', async () => {
    server.routes.set('environment', jsonResponse(200, {}));
    await requestAPI('environment', {}, server.serverSettings);
    expect(server.requests[0].headers.get('Accept-Language')).toBeNull();
  });

  it("throws a ResponseError carrying the server's message", async () => {
    server.routes.set(
      'environment',
      jsonResponse(409, { message: 'Entry is being compiled', reason: null })
    );
    const error = await captureError(
      requestAPI('environment', {}, server.serverSettings)
    );
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    expect(error).not.toBeInstanceOf(ServerExtensionMissingError);
    expect(error.message).toBe('Entry is being compiled');
    expect(error.response.status).toBe(409);
  });

  it('describes an error body that is not JSON', async () => {
    server.routes.set(
      'environment',
      htmlResponse(502, '<html><body><h1>Bad gateway</h1></body></html>')
    );
    const error = await captureError(
      requestAPI('environment', {}, server.serverSettings)
    );
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    expect(error.message).toContain('502');
    expect(error.message).toContain('Bad gateway');
    expect(error.message).not.toContain('<h1>');
  });

  it('treats a 404 that none of our handlers wrote as a missing extension', async () => {
    const error = await captureError(
      requestAPI('environment', {}, server.serverSettings)
    );
    expect(error).toBeInstanceOf(ServerExtensionMissingError);
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
  });

  it('treats any 404 of version as a missing extension', async () => {
    server.routes.set('version', jsonResponse(404, { message: 'Not Found' }));
    const error = await captureError(
      requestAPI('version', {}, server.serverSettings)
    );
    expect(error).toBeInstanceOf(ServerExtensionMissingError);
  });

  it('keeps a 404 written by our handlers as a plain ResponseError', async () => {
    server.routes.set(
      'cache/entries/x',
      jsonResponse(404, { message: 'No cache entry x' })
    );
    const error = await captureError(
      requestAPI('cache/entries/x', {}, server.serverSettings)
    );
    expect(error).not.toBeInstanceOf(ServerExtensionMissingError);
    expect(error.message).toBe('No cache entry x');
  });

  it('turns a failed fetch into a NetworkError', async () => {
    server.routes.set('version', () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await captureError(
      requestAPI('version', {}, server.serverSettings)
    );
    expect(error).toBeInstanceOf(ServerConnection.NetworkError);
    expect(error.message).toBe('Failed to fetch');
  });

  it('rejects a success answer that is not JSON', async () => {
    server.routes.set('version', htmlResponse(200, '<html></html>'));
    const error = await captureError(
      requestAPI('version', {}, server.serverSettings)
    );
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    expect(error.message).toContain('not JSON');
  });

  it('returns undefined for an empty success body', async () => {
    server.routes.set('cache/clear', new Response(null, { status: 204 }));
    await expect(
      requestAPI('cache/clear', { method: 'POST' }, server.serverSettings)
    ).resolves.toBeUndefined();
    expect(server.requests[0].method).toBe('POST');
  });
});

describe('describeRequestError', () => {
  let server: FakeServer;
  const ja = new NeuronI18n({ setting: 'ja' }).trans;

  beforeEach(() => {
    server = new FakeServer();
  });

  it('explains a missing server extension in the user language', async () => {
    const error = await captureError(
      requestAPI('version', {}, server.serverSettings)
    );
    expect(describeRequestError(error)).toContain(
      'The jupyterlab-neuron server extension did not answer.'
    );
    expect(describeRequestError(error, ja)).toContain(
      'サーバー拡張機能から応答がありません'
    );
  });

  it('explains an unreachable server, with the reason', async () => {
    server.routes.set('environment', () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await captureError(
      requestAPI('environment', {}, server.serverSettings)
    );
    expect(describeRequestError(error)).toBe(
      'The Jupyter server could not be reached (Failed to fetch). Check that it is still running.'
    );
    expect(describeRequestError(error, ja)).toContain(
      'Jupyter サーバーに接続できませんでした（Failed to fetch）'
    );
  });

  it("shows the server's own message as it is", async () => {
    server.routes.set(
      'cache/clean',
      jsonResponse(409, { message: 'キャッシュが変わりました。' })
    );
    const error = await captureError(
      requestAPI('cache/clean', { method: 'POST' }, server.serverSettings)
    );
    expect(describeRequestError(error, ja)).toBe('キャッシュが変わりました。');
    expect(describeRequestError('plain text')).toBe('plain text');
  });
});
