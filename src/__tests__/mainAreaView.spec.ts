import { Widget } from '@lumino/widgets';

import { neuronIcon } from '../components';
import { NeuronI18n } from '../i18n';
import { addMainAreaView } from '../mainAreaView';
import { fakeApp, fakeItemTarget } from './fakeApp';
import { FakeServer } from './fakeServer';

const OPEN = 'jupyterlab-neuron:open-test-view';

function setUp(restorer: unknown = null) {
  const app = fakeApp(new FakeServer().serverSettings);
  const palette = fakeItemTarget();
  const launcher = fakeItemTarget();
  const create = jest.fn(() => {
    const widget = new Widget();
    widget.id = `test-view-${create.mock.calls.length}`;
    return widget;
  });
  const tracker = addMainAreaView({
    app,
    command: OPEN,
    namespace: 'jupyterlab-neuron-test-view',
    restoreName: 'test-view',
    label: () => 'Open Test View',
    launcherLabel: () => 'Test View',
    caption: () => 'A view for the test',
    create,
    i18n: new NeuronI18n({ setting: 'en' }),
    rank: 7,
    palette: palette as any,
    launcher: launcher as any,
    restorer: restorer as any
  });
  return { app, palette, launcher, create, tracker };
}

describe('addMainAreaView', () => {
  it('labels the command for the palette and for the launcher card', () => {
    const { app, palette, launcher } = setUp();
    expect(app.commands.label(OPEN)).toBe('Open Test View');
    expect(app.commands.label(OPEN, { isLauncher: true })).toBe('Test View');
    expect(app.commands.caption(OPEN)).toBe('A view for the test');
    expect(app.commands.icon(OPEN, { isPalette: true })).toBeUndefined();
    expect(app.commands.icon(OPEN)).toBe(neuronIcon);
    expect(palette.items).toEqual([{ command: OPEN, category: 'Neuron' }]);
    expect(launcher.items).toEqual([
      { command: OPEN, args: { isLauncher: true }, rank: 7, category: 'Neuron' }
    ]);
  });

  it('opens one view and brings it forward after that', async () => {
    const { app, create, tracker } = setUp();
    const first = await app.commands.execute(OPEN);
    expect(create).toHaveBeenCalledTimes(1);
    expect(app.shell.add).toHaveBeenCalledWith(first, 'main');
    expect(tracker.has(first)).toBe(true);

    const again = await app.commands.execute(OPEN);
    expect(again).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
    expect(app.shell.activateById).toHaveBeenLastCalledWith(first.id);

    first.dispose();
    const next = await app.commands.execute(OPEN);
    expect(next).not.toBe(first);
    expect(create).toHaveBeenCalledTimes(2);
    next.dispose();
  });

  it('restores the view with the layout under its name', () => {
    const restorer = { restore: jest.fn().mockResolvedValue(undefined) };
    const { tracker } = setUp(restorer);
    expect(restorer.restore).toHaveBeenCalledWith(tracker, {
      command: OPEN,
      name: expect.any(Function)
    });
    expect(restorer.restore.mock.calls[0][1].name()).toBe('test-view');
  });
});
