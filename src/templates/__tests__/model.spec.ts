import {
  FakeServer,
  captureError,
  jsonResponse
} from '../../__tests__/fakeServer';
import { settle } from '../../__tests__/waiting';
import { NeuronI18n } from '../../i18n';
import { TemplatesModel } from '../model';
import { detail, renderedCells, templateList } from './fixtures';

describe('TemplatesModel', () => {
  let server: FakeServer;
  let i18n: NeuronI18n;
  let model: TemplatesModel;

  beforeEach(() => {
    server = new FakeServer();
    server.routes.set('templates', request => {
      const lang = new URL(request.url).searchParams.get('lang');
      const list = templateList();
      if (lang === 'ja') {
        list.templates[0].title = '日本語 BERT によるテキスト分類';
      }
      return jsonResponse(200, list);
    });
    i18n = new NeuronI18n({ setting: 'en' });
    model = new TemplatesModel({ serverSettings: server.serverSettings, i18n });
  });

  afterEach(() => {
    model.dispose();
  });

  it('fetches nothing until a view is shown', async () => {
    await settle();
    expect(server.requests).toHaveLength(0);
    expect(model.state).toBe('idle');

    model.setVisible(true);
    await model.ensureList();
    expect(model.state).toBe('ready');
    expect(model.templates.map(t => t.id)).toEqual(['bert-ja', 'vit-beans']);
    expect(server.requestsTo('templates')).toHaveLength(1);
  });

  it('loads the list once, however often it is asked for', async () => {
    const listed = jest.fn();
    model.listChanged.connect(listed);
    await Promise.all([model.ensureList(), model.ensureList()]);
    model.setVisible(true);
    model.setVisible(false);
    model.setVisible(true);
    await model.ensureList();
    expect(server.requestsTo('templates')).toHaveLength(1);
    expect(listed).toHaveBeenCalledTimes(1);
  });

  it('asks in the panel language, and again when it changes', async () => {
    await model.ensureList();
    const first = server.requestsTo('templates')[0];
    expect(first.query.get('lang')).toBe('en');
    expect(first.headers.get('Accept-Language')).toBe('en');

    i18n.setting = 'ja';
    await settle();
    await model.ensureList();
    const second = server.requestsTo('templates')[1];
    expect(second.query.get('lang')).toBe('ja');
    expect(second.headers.get('Accept-Language')).toBe('ja');
    expect(model.summary('bert-ja')?.title).toBe(
      '日本語 BERT によるテキスト分類'
    );
  });

  it('keeps only the newest answer when the language changes mid-request', async () => {
    let release: () => void = () => undefined;
    const slow = new Promise<void>(resolve => (release = resolve));
    const routes = server.routes.get('templates') as (r: Request) => Response;
    server.routes.set('templates', async request => {
      if (new URL(request.url).searchParams.get('lang') === 'en') {
        await slow;
      }
      return routes(request);
    });
    const first = model.ensureList();
    i18n.setting = 'ja';
    await model.ensureList();
    release();
    await first;
    expect(model.summary('bert-ja')?.title).toBe(
      '日本語 BERT によるテキスト分類'
    );
  });

  it('reports a failure with the server message, then recovers', async () => {
    server.routes.set(
      'templates',
      jsonResponse(500, { message: 'The template folder is unreadable.' })
    );
    await model.ensureList();
    expect(model.state).toBe('error');
    expect(model.error).toBe('The template folder is unreadable.');

    server.routes.set('templates', jsonResponse(200, templateList()));
    await model.refresh();
    expect(model.state).toBe('ready');
    expect(model.error).toBeNull();
  });

  it('passes the problems of bad administrator templates on', async () => {
    const list = templateList();
    list.problems = [
      {
        path: '/srv/templates/broken.json',
        origin: 'admin',
        kind: 'invalid',
        message: 'Not a valid template.',
        errors: ['steps: required']
      }
    ];
    server.routes.set('templates', jsonResponse(200, list));
    await model.ensureList();
    expect(model.problems).toHaveLength(1);
    expect(model.templates).toHaveLength(2);
  });

  it('gets a template with the values the user chose', async () => {
    server.routes.set('templates/bert-ja', jsonResponse(200, detail()));
    const result = await model.getTemplate('bert-ja', {
      smoke: false,
      epochs: 3
    });
    expect(result.parameters.length).toBeGreaterThan(0);
    const request = server.requestsTo('templates/bert-ja')[0];
    expect(request.method).toBe('GET');
    expect(request.query.get('lang')).toBe('en');
    expect(JSON.parse(request.query.get('params')!)).toEqual({
      smoke: false,
      epochs: 3
    });

    await model.getTemplate('bert-ja');
    expect(server.requestsTo('templates/bert-ja')[1].query.has('params')).toBe(
      false
    );
  });

  it('gives the server message of a bad parameter', async () => {
    server.routes.set(
      'templates/bert-ja',
      jsonResponse(400, { message: 'epochs must be at least 1 (got 0).' })
    );
    const error = await captureError(
      model.getTemplate('bert-ja', { epochs: 0 })
    );
    expect(error.message).toBe('epochs must be at least 1 (got 0).');
  });

  it('renders cells and notebooks with a POST in the panel language', async () => {
    server.routes.set('templates/bert-ja/render', async request => {
      const body = await request.json();
      return jsonResponse(
        200,
        body.format === 'notebook'
          ? {
              template: 'bert-ja',
              lang: body.lang,
              step: null,
              smoke: true,
              parameters: {},
              warnings: [],
              notebook: {
                cells: renderedCells(),
                metadata: {},
                nbformat: 4,
                nbformat_minor: 5
              }
            }
          : {
              template: 'bert-ja',
              lang: body.lang,
              step: body.step,
              smoke: true,
              parameters: {},
              warnings: [],
              cells: renderedCells(),
              metadata: {}
            }
      );
    });
    i18n.setting = 'ja';
    const cells = await model.renderCells('bert-ja', {
      params: { epochs: 2 },
      step: 'prepare',
      include_setup: false
    });
    expect(cells.cells).toHaveLength(4);
    const notebook = await model.renderNotebook('bert-ja');
    expect(notebook.notebook.nbformat).toBe(4);

    const [first, second] = server.requestsTo('templates/bert-ja/render');
    expect(first.method).toBe('POST');
    expect(first.headers.get('Accept-Language')).toBe('ja');
    expect(first.headers.get('Content-Type')).toBe('application/json');
    expect(second.method).toBe('POST');
  });

  it('sends exactly the render body the server expects', async () => {
    const bodies: unknown[] = [];
    server.routes.set('templates/vit-beans/render', async request => {
      bodies.push(await request.json());
      return jsonResponse(200, { cells: [], warnings: [] });
    });
    await model.renderCells('vit-beans', {
      params: { workers: 1 },
      step: 'train',
      include_setup: true
    });
    await model.renderNotebook('vit-beans');
    expect(bodies).toEqual([
      {
        lang: 'en',
        params: { workers: 1 },
        step: 'train',
        include_setup: true,
        format: 'cells'
      },
      { lang: 'en', format: 'notebook' }
    ]);
  });

  it('escapes template ids in paths', async () => {
    server.routes.set('templates/my%20template', jsonResponse(200, detail()));
    await model.getTemplate('my template');
    expect(server.requestsTo('templates/my%20template')).toHaveLength(1);
  });

  it('cannot insert without notebook services', async () => {
    expect(model.editsNotebooks).toBe(false);
    expect(model.canInsert).toBe(false);
    expect(model.insertTarget).toBeNull();
    await expect(model.insert('bert-ja')).rejects.toThrow(/notebook services/);
  });
});
