import { ISettingRegistry } from '@jupyterlab/settingregistry';

/**
 * Loads a plugin's settings and calls `apply` with them now and after every
 * change. Plugins do not await it (no server call blocks `activate`); when the
 * settings cannot be loaded the defaults stay and the failure is logged.
 */
export function followSettings(
  registry: ISettingRegistry | null,
  pluginId: string,
  apply: (settings: ISettingRegistry.ISettings) => void
): void {
  if (!registry) {
    return;
  }
  void registry
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
