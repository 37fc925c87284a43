/**
 * The tutorial guide: the notebook's steps with their status, the current
 * step's explanation, checks and diagnosis, and the buttons that move on.
 */

import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import React from 'react';

import {
  BadgeKind,
  MarkdownBlock,
  Notice,
  StateBadge,
  formatBytes,
  useRerenderOn
} from '../components';
import { TRANSLATION_DOMAIN } from '../tokens';
import type { IDiagnosisActions } from './actions';
import { EvidenceState, EvidenceView, formatCoreLine } from './checks';
import { DiagnosisView } from './DiagnosisView';
import type { ITutorialStep, TutorialStepStatus } from './progress';
import { ILiveCores, ITutorialGuideModel, needsRun } from './session';

/**
 * Properties of {@link GuideView}.
 */
export interface IGuideViewProps {
  /** The notebook in tutorial mode. */
  model: ITutorialGuideModel;
  /** The panel's translator (`INeuronI18n`). */
  translator: ITranslator;
  /** Renders the step explanations (Markdown, sanitized); none: plain text. */
  rendermime: IRenderMimeRegistry | null;
  /** What the diagnosis buttons do; none: no buttons. */
  actions: IDiagnosisActions | null;
  /** Turn the tutorial mode off. */
  onStop?: () => void;
  /** Whether the guide is on screen. */
  visible?: boolean;
}

/**
 * The guide of one notebook in tutorial mode.
 */
export function GuideView(props: IGuideViewProps): JSX.Element {
  const { model, translator } = props;
  useRerenderOn(model.changed);
  const trans = translator.load(TRANSLATION_DOMAIN);
  const progress = model.progress;
  const steps = progress.steps;
  const current = progress.current;
  const counted = steps.filter(step => !step.missing).length;
  return (
    <div className="jp-Neuron-Guide" data-notebook={model.notebookName}>
      <header className="jp-Neuron-Guide-header">
        <h3 className="jp-Neuron-Guide-title">
          {model.templateTitle ?? model.notebookName}
        </h3>
        <div className="jp-Neuron-Guide-facts">
          {model.templateTitle && (
            <span className="jp-Neuron-Guide-notebook">
              {model.notebookName}
            </span>
          )}
          <span className="jp-Neuron-Guide-count">
            {trans.__('%1 of %2 steps done', progress.doneCount, counted)}
          </span>
          {model.smoke && (
            <StateBadge
              kind="info"
              label={trans.__('CPU smoke mode')}
              title={trans.__(
                'The notebook runs on the CPU with small settings; steps that need Neuron hardware are skipped.'
              )}
            />
          )}
          {model.simulated && (
            <StateBadge
              kind="simulated"
              label={trans.__('Made on a simulated instance')}
            />
          )}
        </div>
        {!progress.fromTemplate && steps.length > 0 && (
          <p className="jp-Neuron-Muted">
            {trans.__(
              'This notebook has no template steps: the guide follows its headings.'
            )}
          </p>
        )}
      </header>
      {steps.length === 0 ? (
        <Notice kind="info" title={trans.__('This notebook has no steps yet')}>
          <p>
            {trans.__(
              'Add cells from a template, or Markdown headings, and the guide follows them.'
            )}
          </p>
        </Notice>
      ) : (
        <>
          {progress.allDone && (
            <Finished model={model} counted={counted} trans={trans} />
          )}
          {current && <StepCard {...props} step={current} trans={trans} />}
          <StepList model={model} trans={trans} />
        </>
      )}
      {props.onStop && (
        <div className="jp-Neuron-Guide-footer">
          <Button small minimal onClick={props.onStop}>
            {trans.__('Turn tutorial mode off')}
          </Button>
        </div>
      )}
    </div>
  );
}

function StepList(props: {
  model: ITutorialGuideModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const current = model.progress.current;
  return (
    <>
      <h4 className="jp-Neuron-Guide-stepsHeading">{trans.__('Steps')}</h4>
      <ol className="jp-Neuron-Guide-steps" aria-label={trans.__('Steps')}>
        {model.progress.steps.map(step => (
          <li
            key={step.id}
            className="jp-Neuron-Guide-step"
            data-step={step.id}
            data-status={step.status}
            data-missing={step.missing || undefined}
            aria-current={step.id === current?.id ? 'step' : undefined}
          >
            <button
              type="button"
              className="jp-Neuron-Guide-stepButton"
              onClick={() => model.select(step.id)}
            >
              <span className="jp-Neuron-Guide-stepNumber">
                {stepNumber(step)}
              </span>
              <span className="jp-Neuron-Guide-stepTitle">{step.title}</span>
              {step.missing ? (
                <StateBadge kind="warning" label={trans.__('Cells missing')} />
              ) : (
                <StatusBadge status={step.status} trans={trans} />
              )}
            </button>
          </li>
        ))}
      </ol>
    </>
  );
}

function stepNumber(step: ITutorialStep): string {
  return step.number >= 0 ? `${step.number}.` : '•';
}

/**
 * The badge of a step status.
 */
export function StatusBadge(props: {
  status: TutorialStepStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { status, trans } = props;
  const look: Record<TutorialStepStatus, [BadgeKind, string]> = {
    'not-started': ['info', trans.__('Not started')],
    running: ['warning', trans.__('Running')],
    done: ['ok', trans.__('Done')],
    failed: ['error', trans.__('Failed')]
  };
  const [kind, label] = look[status];
  return (
    <span className="jp-Neuron-Guide-status" data-status={status}>
      <StateBadge kind={kind} label={label} />
    </span>
  );
}

function StepCard(
  props: IGuideViewProps & { step: ITutorialStep; trans: TranslationBundle }
): JSX.Element {
  const { model, step, trans } = props;
  const steps = model.progress.steps;
  const isLast = steps[steps.length - 1]?.id === step.id;
  const diagnosis = model.diagnosis(step);
  const evidence = model.evidence(step);
  const live = model.liveCores(step);
  const codeCells = step.codeCellIds.length;
  const finished = model.finishedStep;
  return (
    <article
      className="jp-Neuron-Guide-current"
      data-step={step.id}
      data-status={step.status}
      aria-label={trans.__('Current step')}
    >
      {finished && finished.status === 'done' && (
        <FinishedStep step={finished} model={model} trans={trans} />
      )}
      <div className="jp-Neuron-Guide-currentHeader">
        <h4>
          {step.number >= 0 ? `${step.number}. ` : ''}
          {step.title}
        </h4>
        {!step.missing && <StatusBadge status={step.status} trans={trans} />}
      </div>
      <Duration step={step} model={model} trans={trans} />
      {step.neuronOnly && model.smoke && (
        <p className="jp-Neuron-Guide-smokeNote">
          {trans.__(
            'CPU smoke mode: the Neuron part of this step is skipped; the cell prints the command it would run.'
          )}
        </p>
      )}
      {step.missing ? (
        <Notice
          kind="warning"
          title={trans.__('The cells of this step are not in the notebook')}
        >
          <p>
            {trans.__(
              'They were deleted, or their step metadata was removed. Insert the step again from the templates, or go on with the next step.'
            )}
          </p>
        </Notice>
      ) : (
        <>
          {step.removedCellIds.length > 0 && (
            <Notice
              kind="warning"
              title={trans._n(
                '%1 cell of this step was deleted',
                '%1 cells of this step were deleted',
                step.removedCellIds.length
              )}
            >
              <p>
                {trans.__(
                  'The step runs the cells that remain; the result may differ from the template.'
                )}
              </p>
            </Notice>
          )}
          {step.addedCellIds.length > 0 && (
            <p className="jp-Neuron-Muted">
              {trans._n(
                'The %1 cell you added inside this step runs with it.',
                'The %1 cells you added inside this step run with it.',
                step.addedCellIds.length
              )}
            </p>
          )}
        </>
      )}
      <StepButtons model={model} step={step} isLast={isLast} trans={trans} />
      {!step.missing && codeCells > 0 && (
        <p className="jp-Neuron-Guide-cellsRun">
          {trans.__('Code cells run: %1 of %2', step.cellsRun, codeCells)}
        </p>
      )}
      {step.status === 'done' && (
        <p className="jp-Neuron-Guide-doneNote" role="status">
          {codeCells > 0
            ? trans.__('Done: every cell of this step ran without error.')
            : trans.__('Done: this step has nothing to run.')}
        </p>
      )}
      {(evidence.length > 0 || live) && (
        <div className="jp-Neuron-Guide-checks">
          <h5>{trans.__('Checks')}</h5>
          {live && <LiveCores live={live} evidence={evidence} trans={trans} />}
          <ul>
            {evidence.map(item => (
              <EvidenceItem key={item.kind} evidence={item} trans={trans} />
            ))}
          </ul>
        </div>
      )}
      {step.status === 'failed' && step.error && (
        <p className="jp-Neuron-Guide-error">
          {trans.__(
            'A cell of this step failed: %1',
            [step.error.ename, step.error.evalue].filter(Boolean).join(': ') ||
              trans.__('see its output')
          )}
        </p>
      )}
      {diagnosis && (
        <DiagnosisView
          diagnosis={diagnosis}
          actions={props.actions}
          sessionContext={model.sessionContext}
          translator={props.translator}
          visible={props.visible}
        />
      )}
      {step.explanation && (
        <MarkdownBlock
          source={step.explanation}
          rendermime={props.rendermime}
          className="jp-Neuron-Guide-explanation"
        />
      )}
    </article>
  );
}

/**
 * "Run this step" and "Next", with the "Next runs the step first" choice.
 *
 * With that choice on, Next on a step whose cells have not all run without
 * error runs them and moves on once they succeed ("Run and continue"); on
 * the last step it finishes the tutorial.
 */
function StepButtons(props: {
  model: ITutorialGuideModel;
  step: ITutorialStep;
  isLast: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, step, isLast, trans } = props;
  const codeCells = step.codeCellIds.length;
  const advancing = model.advancingFrom === step.id;
  const runsFirst = model.runOnNext && needsRun(step);
  let nextLabel: string | null;
  let nextTitle: string;
  if (advancing) {
    nextLabel = trans.__('Running…');
    nextTitle = trans.__(
      'The guide moves on to the next step when every cell of this one has run without error.'
    );
  } else if (isLast) {
    if (runsFirst) {
      nextLabel = trans.__('Run and finish');
      nextTitle = trans.__(
        "Run this step's cells; the tutorial is finished when they all succeed."
      );
    } else if (!step.missing && codeCells === 0 && step.status !== 'done') {
      nextLabel = trans.__('Finish');
      nextTitle = trans.__('Mark this last step as read.');
    } else {
      nextLabel = null;
      nextTitle = '';
    }
  } else if (runsFirst) {
    nextLabel = trans.__('Run and continue');
    nextTitle = trans.__(
      "Run this step's cells, then move on to the next step when they all succeed."
    );
  } else {
    nextLabel = trans._p('tutorial', 'Next');
    nextTitle = trans.__('Move on to the next step.');
  }
  const primaryIsNext = model.runOnNext || step.status === 'done';
  return (
    <>
      <div className="jp-Neuron-Guide-buttons">
        <Button
          small
          className={`jp-Neuron-Guide-run jp-mod-styled${
            step.status === 'done' || primaryIsNext ? '' : ' jp-mod-accept'
          }`}
          disabled={
            step.missing ||
            step.status === 'running' ||
            codeCells === 0 ||
            advancing
          }
          onClick={() => void model.runStep(step.id)}
        >
          {step.status === 'running'
            ? trans.__('Running…')
            : step.status === 'done' || step.status === 'failed'
              ? trans.__('Run this step again')
              : trans.__('Run this step')}
        </Button>
        {nextLabel !== null && (
          <Button
            small
            className={`jp-Neuron-Guide-next jp-mod-styled${
              primaryIsNext ? ' jp-mod-accept' : ''
            }`}
            title={nextTitle}
            disabled={advancing}
            onClick={() => void model.next()}
          >
            {nextLabel}
          </Button>
        )}
      </div>
      <label className="jp-Neuron-Guide-runOnNext">
        <input
          type="checkbox"
          checked={model.runOnNext}
          onChange={event => model.setRunOnNext(event.currentTarget.checked)}
        />
        {trans.__('Next runs the step first')}
      </label>
      {advancing && (
        <p className="jp-Neuron-Guide-advancing" role="status">
          {isLast
            ? trans.__('The tutorial is finished when this step succeeds.')
            : trans.__('When this step succeeds, the guide moves on.')}
        </p>
      )}
    </>
  );
}

/**
 * The step "Next" just ran and left: done, with what its checks found.
 */
function FinishedStep(props: {
  step: ITutorialStep;
  model: ITutorialGuideModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { step, model, trans } = props;
  const evidence = model.evidence(step);
  return (
    <div className="jp-Neuron-Guide-finished" data-step={step.id} role="status">
      <p>
        <StateBadge kind="ok" label={trans.__('Done')} />{' '}
        {trans.__(
          'Step %1 "%2" ran without error.',
          step.number >= 0 ? step.number : '•',
          step.title
        )}
      </p>
      {evidence.length > 0 && (
        <ul>
          {evidence.map(item => (
            <EvidenceItem key={item.kind} evidence={item} trans={trans} />
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Every step is done: what was achieved, and what comes next.
 */
function Finished(props: {
  model: ITutorialGuideModel;
  counted: number;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, counted, trans } = props;
  return (
    <Notice kind="ok" title={trans.__('Every step is done')}>
      <p className="jp-Neuron-Guide-allDone">
        {trans._n(
          'The %1 step of this notebook ran without error.',
          'All %1 steps of this notebook ran without error.',
          counted
        )}
      </p>
      {model.smoke && (
        <p>
          {trans.__(
            'This was a CPU smoke run: it proves that every cell works, not how accurate or fast the model is. On an Inferentia2 or Trainium instance, a notebook made from the template with smoke mode off runs the same steps on the NeuronCores.'
          )}
        </p>
      )}
    </Notice>
  );
}

function Duration(props: {
  step: ITutorialStep;
  model: ITutorialGuideModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { step, model, trans } = props;
  const entries = Object.entries(step.durationMinutes);
  if (entries.length === 0) {
    return null;
  }
  const mine = model.instanceType
    ? entries.filter(([instance]) => instance === model.instanceType)
    : [];
  const shown = mine.length > 0 ? mine : entries;
  return (
    <p className="jp-Neuron-Guide-duration">
      {trans.__('Expected time:')}{' '}
      {shown
        .map(([instance, minutes]) =>
          trans.__('about %1 min on %2', minutes, instance)
        )
        .join(trans.__(', '))}
    </p>
  );
}

/**
 * "NC0: 85% / NC1: 0%: 1 worker uses only one NeuronCore", live.
 */
function LiveCores(props: {
  live: ILiveCores;
  evidence: EvidenceView[];
  trans: TranslationBundle;
}): JSX.Element {
  const { live, trans } = props;
  const cores = props.evidence.find(item => item.kind === 'cores');
  const workers =
    cores && cores.kind === 'cores' ? cores.check.expectedCores : null;
  const expectation =
    workers === 1
      ? trans.__('1 worker uses only one NeuronCore')
      : workers
        ? trans.__('%1 workers use %1 NeuronCores', workers)
        : null;
  return (
    <p className="jp-Neuron-Guide-live" data-simulated={live.simulated}>
      <span className="jp-Neuron-Guide-liveCores">
        {formatCoreLine(live.utilization)}
      </span>
      {expectation ? `: ${expectation}` : ''}
      {live.simulated && (
        <>
          {' '}
          <StateBadge kind="simulated" label={trans.__('Simulated')} />
        </>
      )}
    </p>
  );
}

const EVIDENCE_LOOK: Record<EvidenceState, BadgeKind> = {
  ok: 'ok',
  warning: 'warning',
  pending: 'info',
  unavailable: 'info',
  simulated: 'simulated',
  skipped: 'info'
};

/**
 * One piece of evidence: its state and what it says.
 */
export function EvidenceItem(props: {
  evidence: EvidenceView;
  trans: TranslationBundle;
}): JSX.Element {
  const { evidence, trans } = props;
  const labels: Record<EvidenceState, string> = {
    ok: trans.__('Confirmed'),
    warning: trans.__('Check this'),
    pending: trans.__('Waiting'),
    unavailable: trans.__('Cannot be checked'),
    simulated: trans.__('Simulated'),
    skipped: trans.__('Skipped')
  };
  return (
    <li
      className="jp-Neuron-Guide-evidence"
      data-kind={evidence.kind}
      data-state={evidence.state}
    >
      <StateBadge
        kind={EVIDENCE_LOOK[evidence.state]}
        label={labels[evidence.state]}
      />
      <span>{describeEvidence(evidence, trans)}</span>
    </li>
  );
}

/**
 * What a piece of evidence says, in a sentence.
 */
export function describeEvidence(
  evidence: EvidenceView,
  trans: TranslationBundle
): string {
  switch (evidence.kind) {
    case 'cores': {
      const { check, data, busy } = evidence;
      const peak = data ? formatCoreLine(data.peak) : '';
      switch (evidence.state) {
        case 'skipped':
          return trans.__(
            'CPU smoke mode: training runs on the CPU, so no NeuronCore is used.'
          );
        case 'unavailable':
          return evidence.reason === 'no-monitor'
            ? trans.__(
                'The NeuronCore monitor is not available in this JupyterLab, so core usage cannot be checked.'
              )
            : trans.__(
                'No monitor data came in while the step ran, so core usage was not checked.'
              );
        case 'pending':
          return check.expectedCores === 1
            ? trans.__(
                'While the step runs, the guide checks that exactly one NeuronCore is busy.'
              )
            : trans.__(
                'While the step runs, the guide checks that %1 NeuronCores are busy.',
                check.expectedCores
              );
        case 'simulated':
          return trans.__(
            'The monitor data is simulated, so it says nothing about this run (peak %1).',
            peak
          );
        case 'ok':
          return data?.attributed
            ? trans._n(
                '%1 NeuronCore was busy for this notebook (peak %2).',
                '%1 NeuronCores were busy for this notebook (peak %2).',
                busy,
                peak
              )
            : trans._n(
                '%1 NeuronCore was busy (peak %2); the busy process could not be tied to this notebook.',
                '%1 NeuronCores were busy (peak %2); the busy processes could not be tied to this notebook.',
                busy,
                peak
              );
        case 'warning':
          return check.expectedCores === 1
            ? trans.__(
                'Expected exactly one busy NeuronCore but saw %1 (peak %2).',
                busy,
                peak
              )
            : trans.__(
                'Expected %1 busy NeuronCores but saw %2 (peak %3).',
                check.expectedCores,
                busy,
                peak
              );
      }
      break;
    }
    case 'compile-cache': {
      const { data, gained } = evidence;
      switch (evidence.state) {
        case 'skipped':
          return trans.__(
            'CPU smoke mode: pre-compilation is skipped, so the compile cache does not change.'
          );
        case 'pending':
          return trans.__(
            'The compile cache is measured before and after the step.'
          );
        case 'unavailable':
          return evidence.reason === 'no-before'
            ? trans.__(
                'The compile cache was not measured when the step started, so its growth is unknown.'
              )
            : trans.__(
                'The compile cache could not be read: %1',
                data?.problem ?? ''
              );
        case 'simulated':
          return trans.__(
            'The compile cache is simulated (%1 → %2 entries), so it says nothing about this run.',
            data?.before?.entries ?? '?',
            data?.after?.entries ?? '?'
          );
        case 'ok':
          return trans._n(
            'The compile cache gained %1 entry (%2).',
            'The compile cache gained %1 entries (%2).',
            gained?.entries ?? 0,
            formatBytes(Math.max(0, gained?.bytes ?? 0))
          );
        case 'warning':
          return trans.__(
            'The compile cache gained no entries. If these graphs were compiled before, they came from the cache; otherwise read the output of the step.'
          );
      }
      break;
    }
    case 'traced-model': {
      const { check, data } = evidence;
      switch (evidence.state) {
        case 'pending':
          return trans.__(
            'After the step, the guide looks for the traced model in %1.',
            check.folder
          );
        case 'ok': {
          const files = data?.files ?? [];
          return trans._n(
            '%1 traced model found: %2',
            '%1 traced models found: %2',
            files.length,
            files
              .map(file =>
                file.size !== null
                  ? `${file.name} (${formatBytes(file.size)})`
                  : file.name
              )
              .join(', ')
          );
        }
        case 'warning':
          return evidence.reason === 'no-folder'
            ? trans.__(
                'The folder %1 does not exist: no traced model was saved.',
                check.folder
              )
            : trans.__('No traced model file was found in %1.', check.folder);
        default:
          return trans.__(
            'The folder %1 could not be read: %2',
            check.folder,
            data?.problem ?? ''
          );
      }
    }
  }
  return '';
}
