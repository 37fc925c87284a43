/**
 * The diagnosis of a failed step: what the error means, why it happens on
 * Neuron, what to do, the buttons that do it, and the raw error.
 */

import type { ISessionContext } from '@jupyterlab/apputils';
import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useId, useState } from 'react';

import { Notice, StateBadge, useRerenderOn } from '../components';
import { stripAnsi } from '../diagnose';
import { TRANSLATION_DOMAIN } from '../tokens';
import type { ICoreHolder, IDiagnosisActions } from './actions';
import type { IStepDiagnosis } from './diagnosis';
import type * as DiagnoseAPI from '../api/diagnose';

/**
 * Properties of {@link DiagnosisView}.
 */
export interface IDiagnosisViewProps {
  diagnosis: IStepDiagnosis;
  /** What the buttons do; `null` shows the steps without buttons. */
  actions: IDiagnosisActions | null;
  /** The failed notebook's session (for its own kernel). */
  sessionContext: ISessionContext | null;
  translator: ITranslator;
  /** Whether the view is on screen (the holders list needs the monitor then). */
  visible?: boolean;
}

/**
 * Shows a diagnosis in its state: loading, failed, a known failure or the
 * fallback for an unknown error.
 */
export function DiagnosisView(props: IDiagnosisViewProps): JSX.Element {
  const { diagnosis, translator } = props;
  const trans = translator.load(TRANSLATION_DOMAIN);
  const match = diagnosis.result?.match ?? null;
  return (
    <section
      className="jp-Neuron-Diagnosis"
      data-state={diagnosis.state}
      data-entry={match?.id ?? (diagnosis.state === 'ready' ? 'unknown' : '')}
      aria-label={trans.__('Error diagnosis')}
    >
      <h4 className="jp-Neuron-Diagnosis-heading">
        {trans.__('Error diagnosis')}
      </h4>
      {diagnosis.state === 'loading' && (
        <p className="jp-Neuron-Muted" role="status">
          {trans.__('Diagnosing the error…')}
        </p>
      )}
      {diagnosis.state === 'error' && (
        <Notice
          kind="warning"
          title={trans.__('The error could not be diagnosed')}
          message={diagnosis.error}
        />
      )}
      {diagnosis.state === 'ready' && match && diagnosis.result?.match && (
        <KnownFailure
          {...props}
          trans={trans}
          match={match}
          details={diagnosis.result.details}
        />
      )}
      {diagnosis.state === 'ready' && !match && (
        <UnknownFailure diagnosis={diagnosis} trans={trans} />
      )}
      <details className="jp-Neuron-Diagnosis-raw">
        <summary>{trans.__('Full error')}</summary>
        <pre>{stripAnsi(diagnosis.text)}</pre>
      </details>
    </section>
  );
}

interface IKnownFailureProps extends IDiagnosisViewProps {
  trans: TranslationBundle;
  match: DiagnoseAPI.DiagnoseMatch;
  details: Record<string, string | number>;
}

function KnownFailure(props: IKnownFailureProps): JSX.Element {
  const { match, details, trans, actions, diagnosis } = props;
  const available = (action: DiagnoseAPI.DiagnoseActionId) =>
    !!actions && actions.isAvailable(action, details);
  const showsHolders =
    match.actions.includes('show-core-holders') ||
    match.actions.includes('shut-down-kernel');
  const unavailable = (action: DiagnoseAPI.DiagnoseActionId) =>
    actions?.whyUnavailable(action, details) ?? null;
  const buttons = match.actions.filter(
    action =>
      action !== 'shut-down-kernel' &&
      action !== 'choose-kernel' &&
      (available(action) || unavailable(action) !== null) &&
      !(action === 'show-core-holders' && !actions?.canOpenMonitor)
  );
  // One sentence for the buttons that cannot work here (they share a cause).
  const reasons = Array.from(
    new Set(
      buttons
        .map(unavailable)
        .filter((reason): reason is string => reason !== null)
    )
  );
  return (
    <div className="jp-Neuron-Diagnosis-match">
      <p className="jp-Neuron-Diagnosis-title">{match.title}</p>
      <h5>{trans.__('What it means')}</h5>
      <p>
        <InlineCode text={match.explanation} />
      </p>
      <h5>{trans.__('Why it happens on Neuron')}</h5>
      <p>
        <InlineCode text={match.cause} />
      </p>
      <CoreRequest details={details} trans={trans} />
      <h5>{trans.__('What to do')}</h5>
      <ol className="jp-Neuron-Diagnosis-steps">
        {match.steps.map((step, index) => (
          <li key={index}>
            <InlineCode text={step} />
          </li>
        ))}
      </ol>
      {buttons.length > 0 && (
        <div className="jp-Neuron-Diagnosis-actions">
          {buttons.map(action => (
            <ActionButton
              key={action}
              action={action}
              label={diagnosis.labels[action] ?? action}
              unavailable={available(action) ? null : unavailable(action)}
              {...props}
            />
          ))}
        </div>
      )}
      {reasons.map(reason => (
        <p
          key={reason}
          className="jp-Neuron-Diagnosis-unavailable jp-Neuron-Muted"
        >
          {reason}
        </p>
      ))}
      {showsHolders && (
        <CoreHolders
          actions={actions && available('show-core-holders') ? actions : null}
          sessionContext={props.sessionContext}
          canShutDown={available('shut-down-kernel')}
          shutDownLabel={diagnosis.labels['shut-down-kernel']}
          trans={trans}
          visible={props.visible ?? true}
        />
      )}
      {match.actions.includes('choose-kernel') &&
        actions &&
        props.sessionContext && (
          <KernelChoices
            actions={actions}
            sessionContext={props.sessionContext}
            label={diagnosis.labels['choose-kernel']}
            trans={trans}
          />
        )}
      {match.excerpt && (
        <div className="jp-Neuron-Diagnosis-excerpt">
          <span>{trans.__('Matched line')}</span>
          <code>{match.excerpt}</code>
        </div>
      )}
      <Reference reference={match.reference} trans={trans} />
    </div>
  );
}

function UnknownFailure(props: {
  diagnosis: IStepDiagnosis;
  trans: TranslationBundle;
}): JSX.Element {
  const { diagnosis, trans } = props;
  const fallback = diagnosis.fallback;
  return (
    <div className="jp-Neuron-Diagnosis-unknown">
      <p className="jp-Neuron-Diagnosis-title">
        {fallback?.title ??
          trans.__('This error is not one of the known Neuron errors')}
      </p>
      {fallback && <p>{fallback.explanation}</p>}
      {fallback && <Reference reference={fallback.reference} trans={trans} />}
    </div>
  );
}

/**
 * "Requested: 1 NeuronCore, free: 0", when the error says so.
 */
function CoreRequest(props: {
  details: Record<string, string | number>;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { details, trans } = props;
  const requested = details.requested_cores ?? details.requested;
  if (requested === undefined || details.available === undefined) {
    return null;
  }
  return (
    <p className="jp-Neuron-Diagnosis-request">
      {trans.__(
        'Requested: %1 · available: %2',
        String(requested),
        String(details.available)
      )}
    </p>
  );
}

function ActionButton(
  props: IKnownFailureProps & {
    action: DiagnoseAPI.DiagnoseActionId;
    label: string;
    /** Why the action cannot be done here (the button is disabled). */
    unavailable: string | null;
  }
): JSX.Element {
  const { action, actions, details, sessionContext } = props;
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!actions) {
      return;
    }
    setBusy(true);
    try {
      switch (action) {
        case 'restart-kernel':
          if (sessionContext) {
            await actions.restartKernel(sessionContext);
          }
          break;
        case 'delete-failed-cache-entry':
          await actions.deleteFailedEntry(details);
          break;
        case 'clear-stale-locks':
          await actions.clearStaleLocks(details);
          break;
        case 'show-compile-cache':
        case 'show-device-memory':
        case 'show-core-holders':
          await actions.open(action);
          break;
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      small
      className="jp-Neuron-Diagnosis-action jp-mod-styled"
      data-action={action}
      disabled={busy || props.unavailable !== null}
      title={props.unavailable ?? undefined}
      onClick={() => void run()}
    >
      {props.label}
    </Button>
  );
}

/**
 * The processes holding NeuronCores, with a button to shut their kernel down.
 */
function CoreHolders(props: {
  actions: IDiagnosisActions | null;
  sessionContext: ISessionContext | null;
  canShutDown: boolean;
  shutDownLabel: string | undefined;
  trans: TranslationBundle;
  visible: boolean;
}): JSX.Element {
  const { actions, trans } = props;
  const viewer = `tutorial-diagnosis-${useId()}`;
  useRerenderOn(actions?.changed);
  useEffect(() => {
    if (!actions) {
      return;
    }
    actions.watchHolders(viewer, props.visible);
    return () => {
      actions.watchHolders(viewer, false);
    };
  }, [actions, viewer, props.visible]);

  const heading = <h5>{trans.__('Processes holding NeuronCores')}</h5>;
  if (!actions || actions.holdersState === 'no-monitor') {
    return (
      <div className="jp-Neuron-Diagnosis-holders" data-state="no-monitor">
        {heading}
        <p className="jp-Neuron-Muted">
          <InlineCode
            text={trans.__(
              'The NeuronCore monitor is not available here, so the processes cannot be listed. In a terminal, `neuron-top` shows them.'
            )}
          />
        </p>
      </div>
    );
  }
  if (actions.holdersState === 'waiting') {
    return (
      <div className="jp-Neuron-Diagnosis-holders" data-state="waiting">
        {heading}
        <p className="jp-Neuron-Muted" role="status">
          {trans.__('Waiting for the NeuronCore monitor…')}
        </p>
      </div>
    );
  }
  const holders = actions.holders(props.sessionContext);
  return (
    <div className="jp-Neuron-Diagnosis-holders" data-state="ready">
      {heading}
      {actions.monitorSimulated && (
        <p>
          <StateBadge
            kind="simulated"
            label={trans.__('Simulated monitor data')}
            title={trans.__(
              'The monitor runs on the simulator: processes marked simulated do not exist.'
            )}
          />
        </p>
      )}
      {holders.length === 0 ? (
        <p className="jp-Neuron-Muted">
          {trans.__('No process holds NeuronCores now.')}
        </p>
      ) : (
        <ul className="jp-Neuron-Diagnosis-holderList">
          {holders.map((holder, index) => (
            <HolderRow
              key={`${holder.pid ?? 'none'}-${index}`}
              holder={holder}
              actions={actions}
              canShutDown={props.canShutDown}
              shutDownLabel={props.shutDownLabel}
              trans={trans}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function HolderRow(props: {
  holder: ICoreHolder;
  actions: IDiagnosisActions;
  canShutDown: boolean;
  shutDownLabel: string | undefined;
  trans: TranslationBundle;
}): JSX.Element {
  const { holder, actions, trans } = props;
  const [busy, setBusy] = useState(false);
  const cores = holder.cores.map(core => `NC${core}`).join(', ');
  const owner = holder.kernel
    ? (holder.kernel.notebook_path ??
      trans.__('kernel %1 (no notebook)', holder.kernel.kernel_id.slice(0, 8)))
    : null;
  return (
    <li
      className="jp-Neuron-Diagnosis-holder"
      data-pid={holder.pid ?? ''}
      data-kernel={holder.kernel?.kernel_id ?? ''}
    >
      <div className="jp-Neuron-Diagnosis-holderFacts">
        <span className="jp-Neuron-Diagnosis-holderCores">{cores}</span>
        <span>
          {trans.__('Process %1', holder.pid ?? '?')}
          {holder.command ? ` · ${holder.command}` : ''}
        </span>
        {holder.simulated && (
          <StateBadge kind="simulated" label={trans.__('Simulated process')} />
        )}
        {holder.isThisNotebook && (
          <StateBadge kind="info" label={trans.__('This notebook')} />
        )}
      </div>
      <div className="jp-Neuron-Diagnosis-holderOwner">
        {owner
          ? trans.__('Notebook: %1', owner)
          : trans.__('Not a kernel of this Jupyter server')}
      </div>
      {props.canShutDown && holder.canShutDown && (
        <Button
          small
          className="jp-Neuron-Diagnosis-shutDown jp-mod-styled jp-mod-warn"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await actions.shutDownKernel(holder);
            } finally {
              setBusy(false);
            }
          }}
        >
          {props.shutDownLabel ?? trans.__('Shut down this kernel')}
        </Button>
      )}
    </li>
  );
}

/**
 * The kernels installed, to switch the notebook to one with the Neuron
 * packages.
 */
function KernelChoices(props: {
  actions: IDiagnosisActions;
  sessionContext: ISessionContext;
  label: string | undefined;
  trans: TranslationBundle;
}): JSX.Element {
  const { actions, sessionContext, trans } = props;
  useRerenderOn(actions.changed, sessionContext.kernelChanged);
  const choices = actions.kernelChoices(sessionContext);
  return (
    <div className="jp-Neuron-Diagnosis-kernels">
      <h5>{props.label ?? trans.__('Choose another kernel')}</h5>
      {choices.length === 0 ? (
        <p className="jp-Neuron-Muted">{trans.__('No kernels are listed.')}</p>
      ) : (
        <ul>
          {choices.map(choice => (
            <li key={choice.name} data-kernel-name={choice.name}>
              <span>{choice.displayName}</span>
              {choice.current ? (
                <StateBadge kind="info" label={trans.__('In use')} />
              ) : (
                <Button
                  small
                  minimal
                  onClick={() =>
                    void actions.changeKernel(sessionContext, choice.name)
                  }
                >
                  {trans.__('Use this kernel')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Reference(props: {
  reference: DiagnoseAPI.DiagnoseReference;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <p className="jp-Neuron-Diagnosis-reference">
      {props.trans.__('Reference:')}{' '}
      <a href={props.reference.url} target="_blank" rel="noopener noreferrer">
        {props.reference.title}
      </a>
    </p>
  );
}

/**
 * Text with `inline code` in backticks shown as code; nothing else is
 * interpreted (the text comes from the server, never as HTML).
 */
export function InlineCode(props: { text: string }): JSX.Element {
  const parts = props.text.split(/(`[^`]+`)/g);
  return (
    <>
      {parts.map((part, index) =>
        part.length > 2 && part.startsWith('`') && part.endsWith('`') ? (
          <code key={index}>{part.slice(1, -1)}</code>
        ) : (
          <React.Fragment key={index}>{part}</React.Fragment>
        )
      )}
    </>
  );
}
