import type * as TemplatesAPI from '../../api/templates';
/**
 * Template payloads shaped like the server's answers (a small BERT-ja-like
 * template), built fresh for each test so tests cannot leak changes.
 */

export function summary(
  fields: Partial<TemplatesAPI.TemplateSummary> = {}
): TemplatesAPI.TemplateSummary {
  return {
    id: 'bert-ja',
    title: 'Japanese BERT text classification: from fine-tuning to inference',
    description:
      'Fine-tune `BERT` on Japanese reviews.\n\nThen trace it and benchmark it.',
    languages: ['ja', 'en'],
    target_instances: ['inf2.xlarge', 'trn1.2xlarge'],
    sdk: { generation: 'neuron-sdk-2.x', note: 'Neuron SDK 2.x' },
    origin: 'builtin',
    steps: [
      { id: 'prepare', title: 'Preparation' },
      { id: 'train', title: 'Training' }
    ],
    ...fields
  };
}

export function templateList(): TemplatesAPI.TemplateList {
  return {
    templates: [
      summary(),
      summary({
        id: 'vit-beans',
        title:
          'ViT image classification (beans): from fine-tuning to inference',
        description: 'Fine-tune ViT on `beans`.'
      })
    ],
    problems: []
  };
}

export function parameter(
  fields: Partial<TemplatesAPI.TemplateParameter> & { name: string }
): TemplatesAPI.TemplateParameter {
  return {
    variable: fields.name.toUpperCase(),
    type: 'integer',
    label: fields.name,
    description: `The ${fields.name}.`,
    default: 1,
    smoke_default: null,
    value: 1,
    origin: 'default',
    derive: null,
    derivation: null,
    choices: null,
    minimum: null,
    maximum: null,
    advanced: false,
    ...fields
  };
}

/**
 * The detail of the template as the server resolves it for a simulated
 * trn1.2xlarge: smoke mode on, so `epochs` has its smoke default.
 */
export function detail(
  options: { smoke?: boolean; edited?: Record<string, unknown> } = {}
): TemplatesAPI.TemplateDetail {
  const smoke = options.smoke ?? true;
  const edited = options.edited ?? {};
  const { steps: _steps, ...base } = summary();
  return {
    ...base,
    lang: 'en',
    environment: {
      source: 'simulated',
      instance_type: 'trn1.2xlarge',
      neuroncores: 2,
      simulated: true,
      runs_on_neuron: false,
      compile_cache_dir: '/var/tmp/neuron-compile-cache',
      busy_processes: [],
      description: 'trn1.2xlarge (2 NeuronCores, simulated)'
    },
    smoke,
    parameters: [
      parameter({
        name: 'smoke',
        type: 'boolean',
        default: false,
        value: smoke,
        origin: 'smoke' in edited ? 'user' : 'derived',
        derive: 'smoke',
        derivation: 'No real Neuron device, so CPU smoke mode is on.'
      }),
      parameter({
        name: 'workers',
        default: 2,
        value: 2,
        origin: 'derived',
        derive: 'workers',
        derivation: 'torchrun workers for 2 NeuronCores.',
        choices: [1, 2],
        minimum: 1
      }),
      parameter({
        name: 'epochs',
        default: 8,
        smoke_default: 1,
        value: 'epochs' in edited ? (edited.epochs as number) : smoke ? 1 : 8,
        origin:
          'epochs' in edited ? 'user' : smoke ? 'smoke_default' : 'default',
        minimum: 1
      }),
      parameter({
        name: 'learning_rate',
        type: 'number',
        default: 0.001,
        value: 0.001,
        minimum: 0
      }),
      parameter({
        name: 'benchmark_batch_sizes',
        type: 'integer_list',
        default: [1, 4],
        value: [1, 4],
        minimum: 1
      }),
      parameter({
        name: 'model_id',
        type: 'string',
        default: 'cl-tohoku/bert-base-japanese-whole-word-masking',
        value: 'cl-tohoku/bert-base-japanese-whole-word-masking',
        advanced: true
      })
    ],
    steps: [
      {
        id: 'prepare',
        number: 1,
        title: 'Preparation',
        explanation: 'Install the packages and check **NeuronCores**.',
        markdown: '## 1. Preparation\n\nInstall the packages.',
        neuron_only: false,
        duration_minutes: {},
        cells: 3,
        depends_on: [],
        parameters: ['smoke']
      },
      {
        id: 'train',
        number: 2,
        title: 'Training',
        explanation: 'Train with `torchrun`.',
        markdown: '## 2. Training\n\nTrain with `torchrun`.',
        neuron_only: true,
        duration_minutes: { 'inf2.xlarge': 9, 'trn1.2xlarge': 4.5 },
        cells: 2,
        depends_on: ['prepare'],
        parameters: ['workers', 'epochs']
      }
    ],
    warnings: []
  };
}

/**
 * Rendered cells: the setup (title, parameters) and one step, with the
 * metadata the server writes.
 */
export function renderedCells(
  templateId = 'bert-ja',
  lang: 'ja' | 'en' = 'en'
): TemplatesAPI.TemplateCell[] {
  const meta = (step: string, role: string) => ({
    jupyterlab_neuron: { template: templateId, step, role, lang }
  });
  return [
    {
      cell_type: 'markdown',
      source: '# Japanese BERT text classification',
      metadata: meta('setup', 'title')
    },
    {
      cell_type: 'code',
      source: 'SMOKE = True\nWORKERS = 2',
      metadata: { ...meta('setup', 'parameters'), tags: ['parameters'] },
      outputs: [],
      execution_count: null
    },
    {
      cell_type: 'markdown',
      source: '## 1. Preparation',
      metadata: meta('prepare', 'explanation')
    },
    {
      cell_type: 'code',
      source: 'import neuron_kernel_helpers',
      metadata: meta('prepare', 'code'),
      outputs: [],
      execution_count: null
    }
  ];
}
