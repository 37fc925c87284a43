/**
 * Errors of the cache requests, told in the user's language.
 */

import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';

import { ServerExtensionMissingError } from '../request';

/**
 * A sentence for a failed request, in the language of `trans`.
 *
 * Our handlers already answer in the language the request asked for (the
 * `Accept-Language` header), so their `message` is shown as it is; what did
 * not come from them (no server, no extension) is described here.
 */
export function describeError(
  reason: unknown,
  trans: TranslationBundle
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
