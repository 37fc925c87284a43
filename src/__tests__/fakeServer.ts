/**
 * A fake Jupyter server for front-end tests: answers requests made through
 * `ServerConnection` with scripted responses and records what was asked.
 */

import { ServerConnection } from '@jupyterlab/services';

/**
 * What a route answers: a response, or a function building one per request.
 */
export type FakeAnswer =
  Response | ((request: Request) => Response | Promise<Response>);

/**
 * One recorded request.
 */
export interface IRecordedRequest {
  /** The path under `<base>/jupyterlab-neuron/`, without the query. */
  path: string;
  /** The query parameters (without the cache buster). */
  query: URLSearchParams;
  url: string;
  method: string;
  headers: Headers;
  /** The request's abort signal (aborted when the caller gave up on it). */
  signal: AbortSignal;
}

export const BASE_URL = 'http://localhost:8888/lab-base/';

/**
 * A fake server whose routes are paths under `<base>/jupyterlab-neuron/`.
 */
export class FakeServer {
  readonly requests: IRecordedRequest[] = [];
  readonly routes = new Map<string, FakeAnswer>();
  readonly serverSettings: ServerConnection.ISettings;

  constructor() {
    this.serverSettings = ServerConnection.makeSettings({
      baseUrl: BASE_URL,
      fetch: (input: RequestInfo | URL) => this._fetch(input as Request)
    });
  }

  /**
   * Requests made to one path.
   */
  requestsTo(path: string): IRecordedRequest[] {
    return this.requests.filter(request => request.path === path);
  }

  private async _fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const prefix = new URL('jupyterlab-neuron/', BASE_URL).pathname;
    const path = url.pathname.startsWith(prefix)
      ? url.pathname.slice(prefix.length)
      : url.pathname;
    const query = new URLSearchParams();
    url.searchParams.forEach((value, key) => {
      // ServerConnection appends a bare timestamp as a cache buster.
      if (!/^\d+$/.test(key) || value !== '') {
        query.append(key, value);
      }
    });
    this.requests.push({
      path,
      query,
      url: request.url,
      method: request.method,
      headers: request.headers,
      signal: request.signal
    });
    const answer = this.routes.get(path);
    if (!answer) {
      return htmlResponse(
        404,
        '<html><body><h1>404 : Not Found</h1></body></html>'
      );
    }
    return typeof answer === 'function' ? answer(request) : answer.clone();
  }
}

/**
 * A JSON response.
 */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' }
  });
}

/**
 * An HTML response, like the server's own error pages.
 */
export function htmlResponse(status: number, html: string): Response {
  return new Response(html, {
    status,
    headers: { 'Content-Type': 'text/html' }
  });
}

/**
 * The error a promise rejects with (fails the test if it resolves).
 */
export async function captureError(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved.');
}
