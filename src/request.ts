/**
 * The one HTTP helper of the front end.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { TranslationBundle, nullTranslator } from '@jupyterlab/translation';

import { NeuronLanguage, TRANSLATION_DOMAIN } from './tokens';

/**
 * The path of the server extension's REST API under the server's base URL.
 */
export const API_NAMESPACE = 'jupyterlab-neuron';

/**
 * Thrown when a route of the server extension does not exist: the Python
 * package is not installed or not enabled in the server that runs
 * JupyterLab, or it is older than this front end.
 */
export class ServerExtensionMissingError
  extends ServerConnection.ResponseError
{
  constructor(response: Response, message?: string) {
    super(
      response,
      message ??
        `The jupyterlab-neuron server extension did not answer ${response.url} (HTTP ${response.status}).`
    );
    this.name = 'ServerExtensionMissingError';
  }
}

/**
 * Call the jupyterlab-neuron REST API and parse the JSON answer.
 *
 * @param endPoint - path under `<base_url>/jupyterlab-neuron/`, e.g. `environment?refresh=1`
 * @param init - fetch options (method, body...)
 * @param serverSettings - the application's server settings
 *   (`app.serviceManager.serverSettings`), so any `base_url` works
 * @param lang - the panel's effective language, sent as `Accept-Language` so
 *   server messages come back in it
 * @returns the parsed JSON body (`undefined` for an empty body)
 * @throws {ServerExtensionMissingError} when the route does not exist (a 404
 *   that none of our handlers wrote, or any 404 of `version`)
 * @throws {ServerConnection.ResponseError} with the server's `message` for any
 *   other non-2xx answer
 * @throws {ServerConnection.NetworkError} when the server cannot be reached
 */
export async function requestAPI<T>(
  endPoint: string = '',
  init: RequestInit = {},
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings(),
  lang?: NeuronLanguage
): Promise<T> {
  const url = URLExt.join(serverSettings.baseUrl, API_NAMESPACE, endPoint);
  const headers = new serverSettings.Headers(init.headers ?? undefined);
  if (lang) {
    headers.set('Accept-Language', lang);
  }
  if (!headers.has('Accept')) {
    headers.set('Accept', 'application/json');
  }

  // makeRequest turns fetch failures into ServerConnection.NetworkError.
  const response = await ServerConnection.makeRequest(
    url,
    { ...init, headers },
    serverSettings
  );

  const text = await response.text();
  const body = parseJSON(text);

  if (!response.ok) {
    const serverMessage = messageOf(body);
    const isOurAnswer = serverMessage !== null;
    if (
      response.status === 404 &&
      (!isOurAnswer || isVersionEndpoint(endPoint))
    ) {
      throw new ServerExtensionMissingError(response);
    }
    throw new ServerConnection.ResponseError(
      response,
      serverMessage ?? describeNonJSON(response, text)
    );
  }

  if (text.trim() === '') {
    return undefined as T;
  }
  if (body === NOT_JSON) {
    throw new ServerConnection.ResponseError(
      response,
      `The server answered ${response.url} with something that is not JSON.`
    );
  }
  return body as T;
}

/** A marker for a body that does not parse as JSON. */
const NOT_JSON = Symbol('not-json');

function parseJSON(text: string): unknown {
  if (text.trim() === '') {
    return NOT_JSON;
  }
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** The `message` of a `{"message": ...}` error body, else `null`. */
function messageOf(body: unknown): string | null {
  if (body && typeof body === 'object' && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (typeof message === 'string' && message !== '') {
      return message;
    }
  }
  return null;
}

/** A short message for an error answer without our JSON shape (proxy pages, HTML). */
function describeNonJSON(response: Response, text: string): string {
  const status = `${response.status} ${response.statusText}`.trim();
  // Proxies and the server's own error pages are HTML: keep only a hint of it.
  const snippet = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`;
}

function isVersionEndpoint(endPoint: string): boolean {
  return endPoint.replace(/^\/+/, '').split(/[?#]/)[0] === 'version';
}

/**
 * A sentence for a failed request, in the language of `trans`.
 *
 * Our handlers already answer in the language the request asked for (the
 * `Accept-Language` header), so their `message` is shown as it is; what did
 * not come from them (no server extension, no server at all) is described
 * here. Any other error gives its own message.
 *
 * @param trans - the bundle of the user's language (default: English)
 */
export function describeRequestError(
  reason: unknown,
  trans: TranslationBundle = nullTranslator.load(TRANSLATION_DOMAIN)
): string {
  if (reason instanceof ServerExtensionMissingError) {
    return trans.__(
      'The jupyterlab-neuron server extension did not answer. Install it in the Python environment that runs JupyterLab, then restart JupyterLab.'
    );
  }
  if (reason instanceof ServerConnection.NetworkError) {
    return trans.__(
      'The Jupyter server could not be reached (%1). Check that it is still running.',
      reason.message
    );
  }
  if (reason instanceof Error && reason.message) {
    return reason.message;
  }
  return String(reason);
}
