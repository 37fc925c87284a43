/**
 * What the plugin tests activate plugins with: the plugins by id, a fake
 * application and a fake setting registry.
 */

import type { ServerConnection } from '@jupyterlab/services';
import { CommandRegistry } from '@lumino/commands';
import type { Token } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';

import plugins from '../index';

/**
 * One of the extension's plugins.
 */
export function pluginById(id: string) {
  const plugin = plugins.find(p => p.id === id);
  if (!plugin) {
    throw new Error(`No plugin ${id}`);
  }
  return plugin;
}

/**
 * Activate one of the extension's plugins as JupyterLab would: its required
 * services in order, then of its optional ones those given here by token,
 * `null` for the others (a service that is not installed).
 */
export function activatePlugin<T = any>(
  app: any,
  id: string,
  required: unknown[],
  optional: ReadonlyArray<[Token<any>, unknown]> = []
): T {
  const plugin = pluginById(id);
  const requires = plugin.requires ?? [];
  if (required.length !== requires.length) {
    throw new Error(`${id} requires ${requires.length} services`);
  }
  const given = new Map(optional);
  for (const token of given.keys()) {
    if (!(plugin.optional ?? []).includes(token)) {
      throw new Error(`${id} does not take ${token.name}`);
    }
  }
  const rest = (plugin.optional ?? []).map(token => given.get(token) ?? null);
  return plugin.activate(app, ...required, ...rest) as T;
}

/**
 * An application with real commands, a shell and a document registry that
 * record what they are given, and the service manager parts a test provides.
 */
export function fakeApp(
  serverSettings: ServerConnection.ISettings,
  services: Record<string, unknown> = {}
): any {
  return {
    commands: new CommandRegistry(),
    shell: { add: jest.fn(), activateById: jest.fn() },
    docRegistry: { addWidgetExtension: jest.fn() },
    serviceManager: { serverSettings, ...services }
  };
}

/**
 * A setting registry whose plugins' composite values are `values[pluginId]`;
 * change them, then emit `changed` as a settings edit would. `set` stores a
 * value and emits `changed`, as a saved setting does.
 */
export function fakeSettingRegistry(
  values: Record<string, Record<string, unknown>>
) {
  const changed = new Signal<unknown, void>({});
  return {
    values,
    changed,
    load: jest.fn(async (id: string) => ({
      get: (key: string) => ({ composite: values[id]?.[key] }),
      set: async (key: string, value: unknown) => {
        values[id] = { ...values[id], [key]: value };
        changed.emit();
      },
      changed
    }))
  };
}

/**
 * A command palette or launcher that keeps the items currently added
 * (`items`); `add`/`addItem` record every call.
 */
export function fakeItemTarget() {
  const items: any[] = [];
  const add = jest.fn((item: any) => {
    items.push(item);
    return {
      isDisposed: false,
      dispose: () => {
        const index = items.indexOf(item);
        if (index >= 0) {
          items.splice(index, 1);
        }
      }
    };
  });
  return { items, add, addItem: add };
}
