import { Widget } from '@lumino/widgets';

import { NeuronI18n } from '../../i18n';
import { followLanguage } from '../followLanguage';

describe('followLanguage', () => {
  it('applies now and again on every language change', () => {
    const i18n = new NeuronI18n({ setting: 'en' });
    const widget = new Widget();
    const labels: string[] = [];
    followLanguage(widget, i18n, () => {
      widget.title.label = i18n.trans.__('Compile cache');
      labels.push(i18n.language);
    });
    expect(labels).toEqual(['en']);
    i18n.setting = 'ja';
    expect(labels).toEqual(['en', 'ja']);
    expect(widget.title.label).toBe('コンパイルキャッシュ');
  });

  it('stops following once the widget is disposed', () => {
    const i18n = new NeuronI18n({ setting: 'en' });
    const widget = new Widget();
    const apply = jest.fn();
    followLanguage(widget, i18n, apply);
    widget.dispose();
    i18n.setting = 'ja';
    expect(apply).toHaveBeenCalledTimes(1);
  });

  it('re-renders the widget by default', () => {
    const i18n = new NeuronI18n({ setting: 'en' });
    const widget = new Widget();
    const update = jest.spyOn(widget, 'update');
    followLanguage(widget, i18n);
    update.mockClear();
    i18n.setting = 'ja';
    expect(update).toHaveBeenCalledTimes(1);
  });
});
