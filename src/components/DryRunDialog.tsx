/**
 * Confirm a destructive action with its dry run: show what would be removed
 * first, and only on confirmation do the real run of that same plan.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import type { ITranslator } from '@jupyterlab/translation';
import React from 'react';

import { describeRequestError } from '../request';
import { TRANSLATION_DOMAIN } from '../tokens';
import { formatBytes } from './formatBytes';
import { Notice } from './Notice';

/**
 * One thing a dry run would remove.
 */
export interface IDryRunItem {
  /** A stable key (the item's id). */
  key: string;
  /** What it is, e.g. a folder name. */
  label: string;
  /** More about it, e.g. its parent folder or state. */
  detail?: string;
  /** Its size, when it has one. */
  bytes?: number;
}

/**
 * What a dry run found, in the form the dialog shows.
 */
export interface IDryRunFigures {
  /** How many things would be removed. */
  count: number;
  /** How many bytes would be freed. */
  bytes: number;
  /** The things, in removal order (only the first ones are listed). */
  items: IDryRunItem[];
  /** A (translated) sentence saying what the count is made of. */
  summary?: string;
  /** (Translated) things kept on purpose, warnings. */
  notes?: string[];
}

/**
 * Properties of {@link DryRunSummary}.
 */
export interface IDryRunSummaryProps {
  /** The dry run's figures. */
  figures: IDryRunFigures;
  /** The panel's translator (`INeuronI18n`). */
  translator: ITranslator;
  /** A (translated) explanation of the action, shown first. */
  intro?: React.ReactNode;
  /** Set when the real run was refused because things changed since the previous dry run. */
  conflict?: string | null;
  /** Most items listed (default 200). */
  listLimit?: number;
}

/**
 * The body of the dialog: the figures of the dry run, then its list.
 */
export function DryRunSummary(props: IDryRunSummaryProps): JSX.Element {
  const { figures, translator } = props;
  const trans = translator.load(TRANSLATION_DOMAIN);
  const locale = translator.languageCode ?? 'en';
  const limit = props.listLimit ?? DEFAULT_LIST_LIMIT;
  const shown = figures.items.slice(0, limit);
  const hidden = figures.items.length - shown.length;
  const number = new Intl.NumberFormat(locale);
  return (
    <div className="jp-Neuron-DryRun" data-count={figures.count}>
      {props.conflict && (
        <Notice
          kind="warning"
          title={trans.__(
            'Nothing was removed: things changed after the dry run'
          )}
        >
          <p className="jp-Neuron-Message">{props.conflict}</p>
          <p>
            {trans.__(
              'The dry run was made again. Check the new list before you confirm.'
            )}
          </p>
        </Notice>
      )}
      {props.intro && (
        <div className="jp-Neuron-DryRun-intro">{props.intro}</div>
      )}
      <dl className="jp-Neuron-DryRun-figures">
        <div>
          <dt>{trans.__('To remove')}</dt>
          <dd className="jp-Neuron-DryRun-count">
            {number.format(figures.count)}
          </dd>
        </div>
        <div>
          <dt>{trans.__('Space freed')}</dt>
          <dd className="jp-Neuron-DryRun-bytes">
            {formatBytes(figures.bytes, locale)}
          </dd>
        </div>
      </dl>
      {figures.summary && (
        <p className="jp-Neuron-DryRun-summary">{figures.summary}</p>
      )}
      {figures.count === 0 ? (
        <p className="jp-Neuron-Muted">
          {trans.__('There is nothing to remove.')}
        </p>
      ) : (
        <>
          <ul
            className="jp-Neuron-DryRun-list"
            aria-label={trans.__('What would be removed')}
          >
            {shown.map(item => (
              <li key={item.key}>
                <span className="jp-Neuron-DryRun-label">{item.label}</span>
                <span className="jp-Neuron-DryRun-detail" title={item.detail}>
                  {item.detail}
                </span>
                <span className="jp-Neuron-DryRun-size">
                  {item.bytes !== undefined
                    ? formatBytes(item.bytes, locale)
                    : ''}
                </span>
              </li>
            ))}
          </ul>
          {hidden > 0 && (
            <p className="jp-Neuron-Muted">
              {trans._n('…and %1 more item', '…and %1 more items', hidden)}
            </p>
          )}
        </>
      )}
      {figures.notes && figures.notes.length > 0 && (
        <ul className="jp-Neuron-DryRun-notes">
          {figures.notes.map((note, index) => (
            <li key={index}>{note}</li>
          ))}
        </ul>
      )}
      <p className="jp-Neuron-DryRun-footnote">
        {trans.__('This is a dry run: nothing has been removed yet.')}
      </p>
    </div>
  );
}

/** Most items listed by default: the figures above count them all. */
const DEFAULT_LIST_LIMIT = 200;

/**
 * The namespace of {@link confirmWithDryRun}.
 */
export namespace DryRunDialog {
  /**
   * What to confirm and how.
   *
   * @typeParam P - the dry run's answer (the plan)
   * @typeParam R - the real run's answer
   */
  export interface IOptions<P, R> {
    /** The (translated) dialog title, e.g. "Delete failed entries". */
    title: string;
    /** The panel's translator (`INeuronI18n`). */
    translator: ITranslator;
    /** Ask for the plan: what would be removed. Called again after a conflict. */
    dryRun: () => Promise<P>;
    /** Carry out exactly this plan. */
    run: (plan: P) => Promise<R>;
    /** The figures of a plan, as the dialog shows them. */
    figures: (plan: P) => IDryRunFigures;
    /** The (translated) label of the confirm button for a plan. */
    confirmLabel: (plan: P) => string;
    /** A (translated) explanation of the action, shown above the figures. */
    intro?: React.ReactNode;
    /** Whether a failed real run means "changed since the dry run" (default: HTTP 409). */
    isConflict?: (reason: unknown) => boolean;
    /** A (translated) sentence for a failure (default: describeRequestError). */
    describeError?: (reason: unknown) => string;
    /** Dry runs made in a row after conflicts before giving up (default 3). */
    maxAttempts?: number;
    /** The dialog function (tests replace it). */
    showDialog?: typeof showDialog;
  }

  /**
   * How it ended.
   */
  export type Outcome<P, R> =
    | { kind: 'done'; plan: P; result: R }
    | { kind: 'cancelled'; plan: P }
    | { kind: 'nothing'; plan: P }
    | { kind: 'failed'; plan: P | null; error: unknown };
}

/**
 * Show the dry run's result and, when confirmed, do the real run with it.
 *
 * The dry run comes first and its figures (count, bytes, the list) are shown
 * before anything can be confirmed. Cancel is the default button, so Enter
 * never removes anything. When the real run is refused because things changed
 * since the dry run, the dry run is made again and shown with a clear
 * message, to be confirmed again. Failures are shown in a dialog; the
 * returned outcome says how it ended.
 */
export async function confirmWithDryRun<P, R>(
  options: DryRunDialog.IOptions<P, R>
): Promise<DryRunDialog.Outcome<P, R>> {
  const trans = options.translator.load(TRANSLATION_DOMAIN);
  const show = options.showDialog ?? showDialog;
  const isConflict = options.isConflict ?? isConflictResponse;
  const describe =
    options.describeError ??
    ((reason: unknown) => describeRequestError(reason, trans));
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);

  let conflict: string | null = null;
  for (let attempt = 1; ; attempt++) {
    let plan: P;
    try {
      plan = await options.dryRun();
    } catch (reason) {
      await showFailure(
        show,
        options,
        trans.__('The dry run failed. Nothing was removed.'),
        describe(reason)
      );
      return { kind: 'failed', plan: null, error: reason };
    }

    const figures = options.figures(plan);
    const body = (
      <DryRunSummary
        figures={figures}
        translator={options.translator}
        intro={options.intro}
        conflict={conflict}
      />
    );
    if (figures.count === 0) {
      await show({
        title: options.title,
        body,
        buttons: [Dialog.okButton({ label: trans.__('Close') })]
      });
      return { kind: 'nothing', plan };
    }

    const answer = await show({
      title: options.title,
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: options.confirmLabel(plan) })
      ],
      defaultButton: 0,
      hasClose: true
    });
    if (!answer.button.accept) {
      return { kind: 'cancelled', plan };
    }

    try {
      const result = await options.run(plan);
      return { kind: 'done', plan, result };
    } catch (reason) {
      if (isConflict(reason) && attempt < maxAttempts) {
        conflict = describe(reason);
        continue;
      }
      await showFailure(
        show,
        options,
        isConflict(reason)
          ? trans.__(
              'Things keep changing while you confirm. Nothing was removed; try again later.'
            )
          : trans.__('The action failed.'),
        describe(reason)
      );
      return { kind: 'failed', plan, error: reason };
    }
  }
}

async function showFailure(
  show: typeof showDialog,
  options: { title: string; translator: ITranslator },
  headline: string,
  message: string
): Promise<void> {
  const trans = options.translator.load(TRANSLATION_DOMAIN);
  await show({
    title: options.title,
    body: (
      <Notice kind="error" title={headline}>
        <p className="jp-Neuron-Message">{message}</p>
      </Notice>
    ),
    buttons: [Dialog.okButton({ label: trans.__('Close') })]
  });
}

/** HTTP 409: what our server answers when a plan is out of date. */
function isConflictResponse(reason: unknown): boolean {
  return (
    reason instanceof ServerConnection.ResponseError &&
    reason.response.status === 409
  );
}
