/**
 * The templates section: the list of templates, and for the open one its
 * preview, its parameter form and what can be done with it.
 */

import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  caretDownIcon,
  caretRightIcon,
  refreshIcon
} from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import {
  MarkdownBlock,
  Notice,
  StateBadge,
  useRerenderOn
} from '../components';
import {
  INeuronEnvironment,
  INeuronTemplates,
  TRANSLATION_DOMAIN
} from '../tokens';
import type { TemplateDraft, TemplateDrafts } from './draft';
import { describeRequestError } from '../request';
import {
  FormValue,
  ParameterIssue,
  describeIssue,
  formatChoice
} from './parameterForm';
import type * as TemplatesAPI from '../api/templates';

/**
 * Properties of {@link TemplatesView}.
 */
export interface ITemplatesViewProps {
  /** The templates service. */
  model: INeuronTemplates;
  /** The form and preview state of each template. */
  drafts: TemplateDrafts;
  /** The panel's translator (`INeuronI18n`). */
  translator: ITranslator;
  /** JupyterLab's renderers, for the Markdown of the explanations. */
  rendermime: IRenderMimeRegistry | null;
  /** The environment, to mark simulated data before a template is opened. */
  environment: INeuronEnvironment | null;
}

/**
 * The list of templates, each with its preview, form and actions.
 */
export function TemplatesView(props: ITemplatesViewProps): JSX.Element {
  const { model, environment, translator } = props;
  useRerenderOn(model.changed, environment?.changed);
  const trans = translator.load(TRANSLATION_DOMAIN);
  const [openId, setOpenId] = useState<string | null>(null);

  // Before a template is opened, the environment model tells whether the
  // parameters will come from the simulator.
  const simulated = !!environment?.report?.simulated;

  return (
    <div className="jp-Neuron-Templates" data-state={model.state}>
      <p className="jp-Neuron-Templates-intro">
        {trans.__(
          'Notebooks that walk you through fine-tuning, compiling and benchmarking on Neuron. Parameters are filled in from this environment.'
        )}
      </p>
      <ListState {...props} trans={trans} />
      {model.templates.length > 0 && (
        <ul className="jp-Neuron-TemplateList">
          {model.templates.map(template => (
            <TemplateCard
              key={template.id}
              {...props}
              trans={trans}
              template={template}
              simulated={simulated}
              open={openId === template.id}
              onToggle={() =>
                setOpenId(openId === template.id ? null : template.id)
              }
            />
          ))}
        </ul>
      )}
      <Problems problems={model.problems} trans={trans} />
    </div>
  );
}

interface ITransProps {
  trans: TranslationBundle;
}

/**
 * Loading, failure and emptiness of the list.
 */
function ListState(
  props: ITemplatesViewProps & ITransProps
): JSX.Element | null {
  const { model, trans } = props;
  switch (model.state) {
    case 'idle':
    case 'loading':
      return model.templates.length === 0 ? (
        <div className="jp-Neuron-Templates-loading" role="status">
          {trans.__('Loading the templates…')}
        </div>
      ) : null;
    case 'error':
      return (
        <Notice
          kind="error"
          title={trans.__('Could not load the templates')}
          message={model.error}
        >
          <Button
            small
            className="jp-Neuron-RefreshButton"
            onClick={() => void model.refresh()}
          >
            <refreshIcon.react tag="span" />
            <span>{trans.__('Try again')}</span>
          </Button>
        </Notice>
      );
    case 'ready':
      return model.templates.length === 0 ? (
        <Notice kind="info" title={trans.__('No templates are available')}>
          <p>
            {trans.__(
              'The server extension lists no usable template. Check the problems below, if any.'
            )}
          </p>
        </Notice>
      ) : null;
  }
}

/**
 * Administrator templates that could not be used.
 */
function Problems(
  props: ITransProps & {
    problems: ReadonlyArray<TemplatesAPI.TemplateProblem>;
  }
): JSX.Element | null {
  const { problems, trans } = props;
  if (problems.length === 0) {
    return null;
  }
  return (
    <Notice
      kind="warning"
      title={trans._n(
        '%1 template could not be used',
        '%1 templates could not be used',
        problems.length
      )}
    >
      <ul className="jp-Neuron-TemplateProblems">
        {problems.map(problem => (
          <li key={problem.path}>
            <code>{problem.path}</code>
            <div>{problem.message}</div>
            {problem.errors.length > 0 && (
              <details className="jp-Neuron-ErrorDetail">
                <summary>{trans.__('Details')}</summary>
                <pre>{problem.errors.join('\n')}</pre>
              </details>
            )}
          </li>
        ))}
      </ul>
    </Notice>
  );
}

interface ICardProps extends ITemplatesViewProps, ITransProps {
  template: TemplatesAPI.TemplateSummary;
  simulated: boolean;
  open: boolean;
  onToggle: () => void;
}

/**
 * One template of the list; opening it shows its detail.
 */
function TemplateCard(props: ICardProps): JSX.Element {
  const { template, trans, open, onToggle, rendermime } = props;
  const draft = props.drafts.get(template.id);
  useRerenderOn(draft.changed);
  useEffect(() => {
    if (open) {
      void draft.ensureLoaded();
    }
  }, [open, draft]);

  const simulated = draft.detail?.environment.simulated ?? props.simulated;
  const Caret = open ? caretDownIcon : caretRightIcon;
  const bodyId = `jp-Neuron-template-${template.id}`;
  const [summary] = template.description.split(/\n\s*\n/);

  return (
    <li
      className="jp-Neuron-TemplateCard"
      data-template-id={template.id}
      data-open={open}
    >
      <button
        type="button"
        className="jp-Neuron-TemplateCard-header"
        aria-expanded={open}
        aria-controls={bodyId}
        onClick={onToggle}
      >
        <Caret.react tag="span" className="jp-Neuron-Section-caret" />
        <span className="jp-Neuron-TemplateCard-title">{template.title}</span>
      </button>
      <div className="jp-Neuron-TemplateCard-meta">
        {simulated && (
          <StateBadge
            kind="simulated"
            label={trans.__('Simulated')}
            title={trans.__(
              'Parameters are derived from a simulated environment, not real Neuron hardware.'
            )}
          />
        )}
        {template.origin === 'admin' && (
          <StateBadge
            kind="info"
            label={trans.__('Added by your administrator')}
          />
        )}
        <span className="jp-Neuron-TemplateCard-targets">
          {trans.__('For %1', template.target_instances.join(', '))}
        </span>
        <span className="jp-Neuron-Muted">
          {trans._n('%1 step', '%1 steps', template.steps.length)}
        </span>
      </div>
      {!open && (
        <MarkdownBlock
          className="jp-Neuron-TemplateCard-summary"
          source={summary ?? ''}
          rendermime={rendermime}
        />
      )}
      {open && (
        <div id={bodyId} className="jp-Neuron-TemplateCard-body">
          <TemplateDetailView {...props} draft={draft} />
        </div>
      )}
    </li>
  );
}

/**
 * The outcome of the last action, shown under the action buttons.
 */
interface IStatus {
  kind: 'success' | 'error';
  text: string;
  warnings?: string[];
  /** Under the action buttons, or under the steps (one step inserted). */
  where: 'actions' | 'steps';
}

interface IDetailProps extends ICardProps {
  draft: TemplateDraft;
}

/**
 * The open template: environment, warnings, parameters, steps and actions.
 */
function TemplateDetailView(props: IDetailProps): JSX.Element {
  const { draft, trans, model, rendermime, template } = props;
  useRerenderOn(model.insertTargetChanged);
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState<IStatus | null>(null);
  const [includeSetup, setIncludeSetup] = useState(true);
  const detail = draft.detail;

  if (!detail) {
    return draft.state === 'error' ? (
      <Notice
        kind="error"
        title={trans.__('Could not load the template')}
        message={draft.error}
      >
        <Button small onClick={() => void draft.load()}>
          {trans.__('Try again')}
        </Button>
      </Notice>
    ) : (
      <div className="jp-Neuron-Templates-loading" role="status">
        {trans.__('Loading the template…')}
      </div>
    );
  }

  /** Check the form, then run an action with the user's values. */
  const run = async (
    key: string,
    action: (
      params: TemplatesAPI.TemplateParameterValues
    ) => Promise<Omit<IStatus, 'where'>>
  ): Promise<void> => {
    const where = key.startsWith('step:') ? 'steps' : 'actions';
    const validation = draft.validate();
    if (!validation.valid) {
      setStatus({
        kind: 'error',
        text: trans.__('Correct the highlighted parameters first.'),
        where
      });
      return;
    }
    setBusy(key);
    setStatus(null);
    try {
      setStatus({ ...(await action(validation.params)), where });
    } catch (reason) {
      setStatus({
        kind: 'error',
        text: describeRequestError(reason, trans),
        where
      });
    } finally {
      setBusy(null);
    }
  };

  const insert = (step: TemplatesAPI.TemplateStep | null) =>
    run(step ? `step:${step.id}` : 'insert', async params => {
      const result = await model.insert(template.id, {
        params,
        step: step?.id ?? null,
        includeSetup: step ? includeSetup : null
      });
      return {
        kind: 'success',
        text: trans._n(
          'Inserted %1 cell into %2. Press Z in command mode (or Edit › Undo) to remove it again.',
          'Inserted %1 cells into %2. Press Z in command mode (or Edit › Undo) to remove them all in one step.',
          result.count,
          result.path
        ),
        warnings: result.warnings
      };
    });

  const createNotebook = () =>
    run('notebook', async params => {
      const result = await model.createNotebook(template.id, { params });
      return {
        kind: 'success',
        text: trans.__('Created and opened %1.', result.path),
        warnings: result.warnings
      };
    });

  const editable = model.editsNotebooks;
  const canInsert = editable && model.canInsert;
  const insertHint = canInsert
    ? trans.__(
        'Cells are inserted below the active cell of %1.',
        model.insertTarget ?? ''
      )
    : trans.__('Open a notebook to insert into it, or create a new notebook.');

  return (
    <div
      className="jp-Neuron-TemplateDetail"
      aria-busy={draft.isBusy || busy !== null}
    >
      <MarkdownBlock source={detail.description} rendermime={rendermime} />
      <EnvironmentLine detail={detail} trans={trans} />
      {detail.warnings.length > 0 && (
        <Notice kind="warning" title={trans.__('Before you start')}>
          <ul>
            {detail.warnings.map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </Notice>
      )}
      {draft.error && (
        <Notice
          kind="error"
          title={trans.__('Could not update the template')}
          message={draft.error}
        />
      )}
      {editable && (
        <div className="jp-Neuron-TemplateActions">
          <Button
            className={primaryIf(canInsert, 'jp-Neuron-TemplateInsert')}
            disabled={!canInsert || busy !== null}
            title={insertHint}
            onClick={() => void insert(null)}
          >
            {busy === 'insert'
              ? trans.__('Inserting…')
              : trans.__('Insert into notebook')}
          </Button>
          <Button
            className={primaryIf(!canInsert, 'jp-Neuron-TemplateNewNotebook')}
            disabled={busy !== null}
            onClick={() => void createNotebook()}
          >
            {busy === 'notebook'
              ? trans.__('Creating…')
              : trans.__('New notebook')}
          </Button>
          <p className="jp-Neuron-Muted jp-Neuron-TemplateActions-hint">
            {insertHint}
          </p>
        </div>
      )}
      {status?.where === 'actions' && <StatusView status={status} />}
      <ParameterForm draft={draft} detail={detail} trans={trans} />
      <StepsPreview
        detail={detail}
        trans={trans}
        rendermime={rendermime}
        showInsert={editable}
        canInsert={canInsert && busy === null}
        busy={busy}
        includeSetup={includeSetup}
        onIncludeSetupChange={setIncludeSetup}
        onInsertStep={step => void insert(step)}
      />
      {status?.where === 'steps' && <StatusView status={status} />}
    </div>
  );
}

/**
 * The outcome of the last action, where the user started it.
 */
function StatusView(props: { status: IStatus }): JSX.Element {
  const { status } = props;
  return (
    <div
      className={`jp-Neuron-TemplateStatus jp-Neuron-TemplateStatus-${status.kind}`}
      role={status.kind === 'error' ? 'alert' : 'status'}
    >
      <p>{status.text}</p>
      {status.warnings && status.warnings.length > 0 && (
        <ul>
          {status.warnings.map((warning, index) => (
            <li key={index}>{warning}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The classes of an action button: the action the user most likely wants
 * (insert when a notebook is open, else a new notebook) stands out.
 */
function primaryIf(primary: boolean, className: string): string {
  return primary
    ? `${className} jp-mod-styled jp-mod-accept`
    : `${className} jp-mod-styled`;
}

/**
 * Which environment the parameters were derived from.
 */
function EnvironmentLine(
  props: ITransProps & { detail: TemplatesAPI.TemplateDetail }
): JSX.Element {
  const { detail, trans } = props;
  const environment = detail.environment;
  return (
    <div className="jp-Neuron-TemplateEnvironment">
      <span>
        {trans.__('Parameters derived from: %1', environment.description)}
      </span>
      {detail.smoke && (
        <StateBadge
          kind="info"
          label={trans.__('CPU smoke mode')}
          title={trans.__(
            'The notebook runs on CPU with a tiny model to check the whole flow; Neuron-only commands are shown, not run.'
          )}
        />
      )}
    </div>
  );
}

/**
 * The parameter form: the main parameters, then the advanced ones folded.
 */
function ParameterForm(
  props: ITransProps & {
    draft: TemplateDraft;
    detail: TemplatesAPI.TemplateDetail;
  }
): JSX.Element {
  const { draft, detail, trans } = props;
  const main = detail.parameters.filter(parameter => !parameter.advanced);
  const advanced = detail.parameters.filter(parameter => parameter.advanced);
  const field = (parameter: TemplatesAPI.TemplateParameter) => (
    <ParameterField
      key={parameter.name}
      templateId={detail.id}
      parameter={parameter}
      value={draft.value(parameter.name)}
      issue={draft.issue(parameter.name)}
      edited={draft.isEdited(parameter.name)}
      trans={trans}
      onChange={value => draft.setValue(parameter.name, value)}
    />
  );
  return (
    <fieldset className="jp-Neuron-ParameterForm">
      <legend>{trans.__('Parameters')}</legend>
      {main.map(field)}
      {advanced.length > 0 && (
        <details className="jp-Neuron-ParameterForm-advanced">
          <summary>
            {trans._n(
              '%1 advanced parameter',
              '%1 advanced parameters',
              advanced.length
            )}
          </summary>
          {advanced.map(field)}
        </details>
      )}
      {draft.editedCount > 0 && (
        <Button
          small
          minimal
          className="jp-Neuron-ParameterForm-reset"
          onClick={() => void draft.reset()}
        >
          {trans.__('Reset to the derived values')}
        </Button>
      )}
    </fieldset>
  );
}

interface IFieldProps extends ITransProps {
  templateId: string;
  parameter: TemplatesAPI.TemplateParameter;
  value: FormValue;
  issue: ParameterIssue | null;
  edited: boolean;
  onChange: (value: FormValue) => void;
}

/**
 * One parameter: a checkbox, a choice or a text input, its help, where its
 * value comes from, and what is wrong with it.
 */
function ParameterField(props: IFieldProps): JSX.Element {
  const { parameter, value, issue, edited, trans, onChange } = props;
  const id = `jp-Neuron-param-${props.templateId}-${parameter.name}`;
  const helpId = `${id}-help`;
  const issueId = `${id}-issue`;
  const describedBy = issue ? `${helpId} ${issueId}` : helpId;

  let input: JSX.Element;
  if (parameter.type === 'boolean') {
    input = (
      <input
        id={id}
        type="checkbox"
        checked={value === true}
        aria-describedby={describedBy}
        onChange={event => onChange(event.currentTarget.checked)}
      />
    );
  } else if (parameter.choices && parameter.choices.length > 0) {
    const options = parameter.choices.map(formatChoice);
    const current = String(value);
    input = (
      <select
        id={id}
        className="jp-mod-styled"
        value={current}
        aria-invalid={!!issue}
        aria-describedby={describedBy}
        onChange={event => onChange(event.currentTarget.value)}
      >
        {!options.includes(current) && (
          <option value={current}>{current}</option>
        )}
        {options.map(option => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else {
    const numeric =
      parameter.type === 'integer' || parameter.type === 'integer_list';
    input = (
      <input
        id={id}
        type="text"
        className="jp-mod-styled"
        inputMode={
          parameter.type === 'number'
            ? 'decimal'
            : numeric
              ? 'numeric'
              : undefined
        }
        spellCheck={false}
        value={String(value)}
        aria-invalid={!!issue}
        aria-describedby={describedBy}
        onChange={event => onChange(event.currentTarget.value)}
      />
    );
  }

  const origin = edited
    ? trans.__('Changed by you.')
    : parameter.origin === 'derived'
      ? parameter.derivation
      : parameter.origin === 'smoke_default'
        ? trans.__('Smaller value for the CPU smoke mode.')
        : null;

  return (
    <div
      className={`jp-Neuron-ParameterField jp-Neuron-ParameterField-${parameter.type}`}
      data-parameter={parameter.name}
      data-invalid={!!issue}
    >
      <label htmlFor={id}>
        {parameter.type === 'boolean' && input}
        <span className="jp-Neuron-ParameterField-label">
          {parameter.label}
        </span>
        <code className="jp-Neuron-ParameterField-variable">
          {parameter.variable}
        </code>
      </label>
      {parameter.type !== 'boolean' && input}
      <div id={helpId} className="jp-Neuron-ParameterField-help">
        {parameter.description}
        {origin && (
          <span className="jp-Neuron-ParameterField-origin"> {origin}</span>
        )}
      </div>
      {issue && (
        <div
          id={issueId}
          className="jp-Neuron-ParameterField-issue"
          role="alert"
        >
          {describeIssue(issue, trans)}
        </div>
      )}
    </div>
  );
}

interface IStepsProps extends ITransProps {
  detail: TemplatesAPI.TemplateDetail;
  rendermime: IRenderMimeRegistry | null;
  showInsert: boolean;
  canInsert: boolean;
  busy: string | null;
  includeSetup: boolean;
  onIncludeSetupChange: (value: boolean) => void;
  onInsertStep: (step: TemplatesAPI.TemplateStep) => void;
}

/**
 * The steps: titles, expected durations, and each explanation on demand.
 */
function StepsPreview(props: IStepsProps): JSX.Element {
  const { detail, trans } = props;
  const titles = new Map(detail.steps.map(step => [step.id, step]));
  const setupId = `jp-Neuron-template-${detail.id}-include-setup`;
  return (
    <div className="jp-Neuron-TemplateSteps">
      <div className="jp-Neuron-TemplateSteps-title">{trans.__('Steps')}</div>
      <ol>
        {detail.steps.map(step => (
          <StepItem
            key={step.id}
            {...props}
            step={step}
            dependsOn={step.depends_on.map(id => {
              const other = titles.get(id);
              return other ? `${other.number}. ${other.title}` : id;
            })}
          />
        ))}
      </ol>
      <label className="jp-Neuron-TemplateSteps-setup" htmlFor={setupId}>
        <input
          id={setupId}
          type="checkbox"
          checked={props.includeSetup}
          onChange={event =>
            props.onIncludeSetupChange(event.currentTarget.checked)
          }
        />
        <span>
          {trans.__(
            'With one step, also insert the parameters and helper cells it needs'
          )}
        </span>
      </label>
    </div>
  );
}

function StepItem(
  props: IStepsProps & { step: TemplatesAPI.TemplateStep; dependsOn: string[] }
): JSX.Element {
  const { step, trans, rendermime, dependsOn } = props;
  const [open, setOpen] = useState(false);
  const durations = Object.entries(step.duration_minutes);
  return (
    <li className="jp-Neuron-TemplateStep" data-step-id={step.id}>
      <details
        open={open}
        onToggle={event => setOpen(event.currentTarget.open)}
      >
        <summary>
          <span className="jp-Neuron-TemplateStep-number">{step.number}.</span>{' '}
          <span className="jp-Neuron-TemplateStep-title">{step.title}</span>
          {step.neuron_only && (
            <StateBadge
              kind="warning"
              label={trans.__('Neuron only')}
              title={trans.__(
                'Needs Neuron hardware; in the CPU smoke mode its commands are shown, not run.'
              )}
            />
          )}
          {durations.map(([instance, minutes]) => (
            <span key={instance} className="jp-Neuron-TemplateStep-duration">
              {trans.__('about %1 min on %2', formatMinutes(minutes), instance)}
            </span>
          ))}
        </summary>
        {open && (
          <div className="jp-Neuron-TemplateStep-body">
            <MarkdownBlock source={step.explanation} rendermime={rendermime} />
            <p className="jp-Neuron-Muted">
              {trans._n('%1 cell', '%1 cells', step.cells)}
              {dependsOn.length > 0 &&
                ` · ${trans.__('Uses the results of: %1', dependsOn.join(', '))}`}
            </p>
            {props.showInsert && (
              <Button
                small
                className="jp-Neuron-TemplateStep-insert"
                disabled={!props.canInsert}
                onClick={() => props.onInsertStep(step)}
              >
                {props.busy === `step:${step.id}`
                  ? trans.__('Inserting…')
                  : trans.__('Insert this step')}
              </Button>
            )}
          </div>
        )}
      </details>
    </li>
  );
}

function formatMinutes(minutes: number): string {
  return Number.isInteger(minutes) ? String(minutes) : minutes.toFixed(1);
}
