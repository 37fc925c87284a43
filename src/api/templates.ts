/**
 * REST payloads of the templates routes (`templates`, `templates/<id>`,
 * `templates/<id>/render`; docs/templates-api.md).
 */

import type { NeuronLanguage } from './common';

/**
 * The value of a template parameter.
 */
export type TemplateParameterValue = boolean | number | string | number[];

/**
 * Parameter name -> value.
 */
export type TemplateParameterValues = Record<string, TemplateParameterValue>;

/**
 * `GET templates`.
 */
export type TemplateList = {
  templates: TemplateSummary[];
  problems: TemplateProblem[];
};

/**
 * One template in the list, in the requested language.
 */
export type TemplateSummary = {
  id: string;
  title: string;
  /** Markdown. */
  description: string;
  /** The languages the template is written in. */
  languages: string[];
  /** Instance types the template is written and checked for. */
  target_instances: string[];
  sdk: { generation: string; note: string };
  /** `builtin` (shipped) or `admin` (from a Jupyter data directory). */
  origin: 'builtin' | 'admin';
  steps: { id: string; title: string }[];
};

/**
 * A template file that could not be used.
 */
export type TemplateProblem = {
  path: string;
  origin: string;
  kind: string;
  /** Localized. */
  message: string;
  errors: string[];
};

/**
 * `GET templates/<id>[?params=...]`: the template, its parameters resolved
 * for the environment, and its steps.
 */
export type TemplateDetail = Omit<TemplateSummary, 'steps'> & {
  lang: NeuronLanguage;
  environment: TemplateEnvironment;
  /** Whether the resolved parameters turn the CPU smoke mode on. */
  smoke: boolean;
  parameters: TemplateParameter[];
  steps: TemplateStep[];
  /** Localized warnings (not a target instance, NeuronCores in use...). */
  warnings: string[];
};

/**
 * The environment facts the parameters were derived from.
 */
export type TemplateEnvironment = {
  source: 'detected' | 'simulated' | 'instance' | 'none';
  instance_type: string | null;
  neuroncores: number;
  simulated: boolean;
  runs_on_neuron: boolean;
  compile_cache_dir: string;
  busy_processes: { pid: number; command: string; device: number }[];
  /** Localized, e.g. `trn1.2xlarge (2 NeuronCores, simulated)`. */
  description: string;
};

/**
 * The type of a parameter, as the form edits it.
 */
export type TemplateParameterType =
  'boolean' | 'integer' | 'number' | 'string' | 'integer_list';

/**
 * A parameter with the value the notebook would use, and why.
 */
export type TemplateParameter = {
  name: string;
  /** The Python variable in the notebook (`name` upper-cased). */
  variable: string;
  type: TemplateParameterType;
  label: string;
  description: string;
  default: TemplateParameterValue;
  smoke_default: TemplateParameterValue | null;
  value: TemplateParameterValue;
  origin: 'user' | 'smoke_default' | 'derived' | 'default';
  derive: string | null;
  /** Localized: how the value was derived from the environment. */
  derivation: string | null;
  choices: TemplateParameterValue[] | null;
  minimum: number | null;
  maximum: number | null;
  /** Shown folded away in the form. */
  advanced: boolean;
};

/**
 * One step of a template, for the preview.
 */
export type TemplateStep = {
  id: string;
  number: number;
  title: string;
  /** Markdown, with the parameter values filled in. */
  explanation: string;
  /** The Markdown of the step's first cell (heading, explanation, duration). */
  markdown: string;
  /** Whether the step needs Neuron hardware (skipped in smoke mode). */
  neuron_only: boolean;
  /** Instance type -> expected minutes, where known. */
  duration_minutes: Record<string, number>;
  /** Number of cells of the step. */
  cells: number;
  /** Earlier steps defining variables this step uses. */
  depends_on: string[];
  /** Names of the parameters the step uses. */
  parameters: string[];
};

/**
 * The body of `POST templates/<id>/render` (without `format`).
 */
export type TemplateRenderOptions = {
  /** Values the user chose; the others are derived by the server. */
  params?: TemplateParameterValues;
  /** One step only, else the whole template. */
  step?: string | null;
  /** Add the parameters and helper cells before the cells (default true). */
  include_setup?: boolean | null;
  /** Plan for this instance type instead of the detected environment. */
  instance?: string | null;
  lang?: NeuronLanguage;
};

/**
 * `metadata.jupyterlab_neuron` of every rendered cell.
 */
export type TemplateCellMetadata = {
  template: string;
  /** The step id (`setup` for the cells before the first step). */
  step: string;
  role: string;
  lang: NeuronLanguage;
};

/**
 * A rendered cell (nbformat v4, without an id).
 */
export type TemplateCell = {
  cell_type: 'code' | 'markdown';
  source: string;
  metadata: {
    jupyterlab_neuron: TemplateCellMetadata;
    tags?: string[];
    [key: string]: unknown;
  };
  outputs?: unknown[];
  execution_count?: number | null;
  id?: string;
};

/**
 * What every rendering answers.
 */
export type TemplateRenderedBase = {
  template: string;
  lang: NeuronLanguage;
  step: string | null;
  smoke: boolean;
  /** The values used for every parameter. */
  parameters: TemplateParameterValues;
  warnings: string[];
};

/**
 * `POST templates/<id>/render` with `format: "cells"`.
 */
export type TemplateRenderedCells = TemplateRenderedBase & {
  cells: TemplateCell[];
  /** The notebook-level `metadata.jupyterlab_neuron`. */
  metadata: Record<string, unknown>;
};

/**
 * `POST templates/<id>/render` with `format: "notebook"`.
 */
export type TemplateRenderedNotebook = TemplateRenderedBase & {
  notebook: {
    cells: TemplateCell[];
    metadata: Record<string, unknown>;
    nbformat: number;
    nbformat_minor: number;
  };
};
