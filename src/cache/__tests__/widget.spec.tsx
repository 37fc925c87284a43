import { FakeServer } from '../../__tests__/fakeServer';
import { NeuronI18n } from '../../i18n';
import { CacheModel } from '../model';
import { CacheViewWidget } from '../widget';

describe('CacheViewWidget', () => {
  it('names its tab in the panel language and follows it until disposed', () => {
    const server = new FakeServer();
    const i18n = new NeuronI18n({ setting: 'en' });
    const cache = new CacheModel({
      serverSettings: server.serverSettings,
      i18n
    });
    const widget = new CacheViewWidget({ cache, i18n });
    const content = widget.content;
    expect(widget.title.label).toBe('Compile cache');
    expect(widget.title.caption).toBe(
      'Neuron compile caches: entries and cleaning'
    );

    let updates = 0;
    const update = content.update.bind(content);
    content.update = () => {
      updates += 1;
      update();
    };
    i18n.setting = 'ja';
    expect(widget.title.label).toBe('コンパイルキャッシュ');
    expect(updates).toBe(1);

    widget.dispose();
    expect(content.isDisposed).toBe(true);
    i18n.setting = 'en';
    expect(widget.title.label).not.toBe('Compile cache');
    expect(updates).toBe(1);
    cache.dispose();
  });
});
