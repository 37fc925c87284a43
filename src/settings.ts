import { ISettingRegistry } from '@jupyterlab/settingregistry';

/**
 * Loads a plugin's settings and calls `apply` with them now and after every
 * change. Plugins do not await it (no server call blocks `activate`); when the
 * settings cannot be loaded the defaults stay and the failure is logged.
 *
 * @returns resolves once the settings were applied the first time, or could
 *   not be loaded (never rejects): what waits for the user's choices, such
 *   as an offer that may have been turned off, waits for it
 */
export function followSettings(
  registry: ISettingRegistry | null,
  pluginId: string,
  apply: (settings: ISettingRegistry.ISettings) => void
): Promise<void> {
  if (!registry) {
    return Promise.resolve();
  }
  return registry
    .load(pluginId)
    .then(settings => {
      apply(settings);
      settings.changed.connect(() => apply(settings));
    })
    .catch(reason => {
      console.error(
        `jupyterlab-neuron: could not load the settings of ${pluginId}`,
        reason
      );
    });
}
