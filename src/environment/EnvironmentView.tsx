/**
 * The environment section: what the Neuron tools report about this machine.
 */

import type { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import {
  DataTable,
  Facts,
  Notice,
  RefreshButton,
  Section,
  SectionToolbar,
  ServerMissingNotice,
  StateBadge,
  formatBytes,
  useRerenderOn
} from '../components';
import {
  INeuronEnvironment,
  NEURON_API_VERSION,
  TRANSLATION_DOMAIN
} from '../tokens';
import { FRONTEND_VERSION } from '../version';
import type * as EnvironmentAPI from '../api/environment';

/**
 * Properties of {@link EnvironmentView}.
 */
export interface IEnvironmentViewProps {
  /** The model to show; the view re-renders when it changes. */
  model: INeuronEnvironment;
  /** The panel's translator (`INeuronI18n`). */
  translator: ITranslator;
}

/**
 * Shows the environment model: a clear notice for every state, else the
 * instance, its devices and NeuronCores, the SDK packages and the compile
 * cache. Simulated data carries a prominent badge.
 */
export function EnvironmentView(props: IEnvironmentViewProps): JSX.Element {
  const { model, translator } = props;
  useRerenderOn(model.changed);
  const trans = translator.load(TRANSLATION_DOMAIN);
  const locale = translator.languageCode;
  const report = model.report;

  return (
    <div
      className="jp-Neuron-Environment"
      data-state={model.state}
      aria-busy={model.isBusy}
    >
      {report?.simulated && shouldShowReport(model) && (
        <SimulatedBanner report={report} trans={trans} />
      )}
      <SectionToolbar
        noteClassName="jp-Neuron-Environment-updated"
        note={
          report && model.state === 'ready'
            ? trans.__(
                'Updated %1',
                new Date(report.collected_at * 1000).toLocaleTimeString(locale)
              )
            : ''
        }
      >
        <RefreshButton
          label={trans.__('Refresh')}
          title={trans.__('Run the Neuron tools again and reload this report')}
          disabled={model.isBusy}
          onClick={() => void model.refresh()}
        />
      </SectionToolbar>
      <ModelStateNotice model={model} trans={trans} />
      {report && shouldShowReport(model) && (
        <ReportView report={report} trans={trans} locale={locale} />
      )}
    </div>
  );
}

function shouldShowReport(model: INeuronEnvironment): boolean {
  // A report from before an error is still worth seeing; not once the server
  // extension is gone or is another version.
  return model.state === 'ready' || model.state === 'error';
}

interface ITransProps {
  trans: TranslationBundle;
}

/**
 * The notice for the states of the model itself (before any report).
 */
function ModelStateNotice(
  props: ITransProps & { model: INeuronEnvironment }
): JSX.Element | null {
  const { model, trans } = props;
  switch (model.state) {
    case 'loading':
      return (
        <div className="jp-Neuron-Environment-loading" role="status">
          {trans.__('Checking the Neuron environment…')}
        </div>
      );
    case 'server-missing':
      return (
        <ServerMissingNotice trans={trans}>
          <p>
            {trans.__(
              'This panel cannot reach its server part. Install the package in the Python environment that runs JupyterLab, then restart JupyterLab:'
            )}
          </p>
          <pre className="jp-Neuron-Command">pip install jupyterlab-neuron</pre>
          <p>
            {trans.__(
              'If it is already installed, check that it is listed as enabled:'
            )}
          </p>
          <pre className="jp-Neuron-Command">jupyter server extension list</pre>
        </ServerMissingNotice>
      );
    case 'version-mismatch': {
      const server = model.serverVersion;
      return (
        <Notice
          kind="warning"
          title={trans.__('The server extension does not match this page')}
        >
          <p>
            {trans.__(
              'Server extension: version %1 (API %2). This page: version %3 (API %4).',
              server?.version ?? '?',
              server?.api ?? '?',
              FRONTEND_VERSION,
              NEURON_API_VERSION
            )}
          </p>
          <p>
            {trans.__(
              'Install a single version of the package, restart JupyterLab and reload this page:'
            )}
          </p>
          <pre className="jp-Neuron-Command">
            pip install --upgrade jupyterlab-neuron
          </pre>
        </Notice>
      );
    }
    case 'error':
      return (
        <Notice
          kind="error"
          title={trans.__('Could not load the Neuron environment')}
          message={model.error}
        >
          <p>
            {model.report
              ? trans.__(
                  'Retrying automatically. The last report is shown below.'
                )
              : trans.__(
                  'Retrying automatically; press Refresh to try again now.'
                )}
          </p>
        </Notice>
      );
    case 'ready':
      return null;
  }
}

/**
 * The prominent banner of simulated data: a badge naming the simulated
 * instance and a sentence saying it is not real hardware.
 */
function SimulatedBanner(
  props: ITransProps & { report: EnvironmentAPI.Environment }
): JSX.Element {
  const { report, trans } = props;
  const instance = report.simulated_instance ?? report.instance_type;
  return (
    <div className="jp-Neuron-SimulatedBanner">
      <StateBadge
        kind="simulated"
        label={
          instance ? trans.__('Simulated: %1', instance) : trans.__('Simulated')
        }
      />
      <p className="jp-Neuron-SimulatedNote">
        {trans.__(
          'Simulated data from the Neuron simulator, not real Neuron hardware.'
        )}
      </p>
    </div>
  );
}

interface IReportProps extends ITransProps {
  report: EnvironmentAPI.Environment;
  locale: string;
}

/**
 * A collected report: the tools' state, then what is known regardless of it.
 */
function ReportView(props: IReportProps): JSX.Element {
  const { report, trans } = props;
  return (
    <div
      className={
        report.simulated
          ? 'jp-Neuron-Report jp-Neuron-Report-simulated'
          : 'jp-Neuron-Report'
      }
      data-report-state={report.state}
    >
      {report.state === 'tools_not_found' && <ToolsNotFound {...props} />}
      {report.state === 'no_device' && <NoDevice {...props} />}
      {report.state === 'tool_error' && <ToolError {...props} />}
      {report.state === 'ok' && (
        <>
          <InstanceSummary {...props} />
          <DevicesTable {...props} />
          <ProcessesTable {...props} />
        </>
      )}
      {report.state === 'ok' && report.problems.length > 0 && (
        <Notice kind="warning" title={trans.__('Problems found')}>
          <ul>
            {report.problems.map((problem, index) => (
              <li key={index}>{problem}</li>
            ))}
          </ul>
        </Notice>
      )}
      <PackagesTable {...props} />
      <CompileCacheView {...props} />
      <ToolsView {...props} />
    </div>
  );
}

function ToolsNotFound(props: IReportProps): JSX.Element {
  const { report, trans } = props;
  return (
    <Notice kind="warning" title={trans.__('Neuron tools were not found')}>
      <p>{trans.__('neuron-ls was not found in these folders:')}</p>
      <ul className="jp-Neuron-SearchedFolders">
        {report.tools.searched.map(folder => (
          <li key={folder}>
            <code>{folder}</code>
          </li>
        ))}
      </ul>
      <p>
        {trans.__(
          'Install the aws-neuronx-tools package from the Neuron apt or yum repository. Its tools are installed in /opt/aws/neuron/bin.'
        )}
      </p>
      <pre className="jp-Neuron-Command">
        {
          'sudo apt-get install aws-neuronx-tools\nsudo yum install aws-neuronx-tools'
        }
      </pre>
      <ErrorDetail {...props} />
    </Notice>
  );
}

function NoDevice(props: IReportProps): JSX.Element {
  const { trans } = props;
  return (
    <Notice kind="warning" title={trans.__('No Neuron device was found')}>
      <p>
        {trans.__(
          'neuron-ls found no Inferentia or Trainium device. Run JupyterLab on an inf2, trn1 or trn2 instance, and check that the Neuron driver (aws-neuronx-dkms) is installed and loaded.'
        )}
      </p>
      <ErrorDetail {...props} />
    </Notice>
  );
}

function ToolError(props: IReportProps): JSX.Element {
  const { report, trans } = props;
  const error = report.error;
  return (
    <Notice
      kind="error"
      title={trans.__('neuron-ls failed')}
      message={error?.message}
    >
      {error && (
        <Facts
          items={[
            [trans.__('Error code'), <code>{error.code}</code>],
            error.exit_status !== null && error.exit_status !== undefined
              ? [trans.__('Exit status'), error.exit_status]
              : null
          ]}
        />
      )}
      <ErrorDetail {...props} />
    </Notice>
  );
}

/**
 * The tool's own words (stderr tail, parse error), when there are any.
 */
function ErrorDetail(props: IReportProps): JSX.Element | null {
  const { report, trans } = props;
  const detail = report.error?.detail;
  if (!detail) {
    return null;
  }
  return (
    <details className="jp-Neuron-ErrorDetail">
      <summary>{trans.__('Details')}</summary>
      <pre>{detail}</pre>
    </details>
  );
}

function InstanceSummary(props: IReportProps): JSX.Element {
  const { report, trans, locale } = props;
  const unknown = trans.__('Unknown');
  const memory = report.device_memory_bytes;
  return (
    <Section title={trans.__('Instance')}>
      <Facts
        items={[
          [trans.__('Instance type'), report.instance_type ?? unknown],
          [trans.__('Instance ID'), report.instance_id ?? unknown],
          [trans.__('Neuron devices'), report.devices.length],
          [trans.__('NeuronCores'), report.neuroncores],
          [
            trans.__('NeuronCores per device'),
            report.neuroncores_per_device ?? unknown
          ],
          report.logical_neuroncore_config !== null
            ? [
                trans.__('Logical NeuronCore config (LNC)'),
                report.logical_neuroncore_config
              ]
            : null,
          [
            trans.__('Memory per device'),
            memory !== null ? formatBytes(memory, locale) : unknown
          ],
          report.workers
            ? [
                trans.__('torchrun workers'),
                <span
                  className="jp-Neuron-Workers"
                  data-workers={report.workers.recommended}
                >
                  {describeWorkers(report.workers, trans)}
                </span>
              ]
            : null
        ]}
      />
    </Section>
  );
}

function DevicesTable(props: IReportProps): JSX.Element {
  const { report, trans, locale } = props;
  const none = trans.__('None');
  const count = report.devices.length;
  return (
    <Section
      title={trans.__('Devices')}
      summary={trans._n('%1 device', '%1 devices', count)}
    >
      <DataTable
        className="jp-Neuron-DevicesTable"
        columns={[
          trans.__('Device'),
          trans.__('NeuronCore IDs'),
          trans.__('Memory'),
          trans.__('NUMA node'),
          trans.__('Connected to')
        ]}
      >
        {report.devices.map(device => (
          <tr key={device.index} title={device.bdf ?? undefined}>
            <td>{device.index}</td>
            <td>
              {device.neuroncore_ids.join(', ')}
              {device.logical_neuroncore_config !== null && (
                <span className="jp-Neuron-Muted">
                  {' '}
                  {trans.__('(LNC %1)', device.logical_neuroncore_config)}
                </span>
              )}
            </td>
            <td>
              {device.memory_bytes !== null
                ? formatBytes(device.memory_bytes, locale)
                : trans.__('Unknown')}
            </td>
            <td>{formatNumaNode(device.numa_node, none)}</td>
            <td>
              {device.connected_to && device.connected_to.length > 0
                ? device.connected_to.join(', ')
                : none}
            </td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}

/** `neuron-ls` prints the NUMA node as a string, `"-1"` when there is none. */
function formatNumaNode(numaNode: string | null, none: string): string {
  if (numaNode === null || numaNode.trim() === '' || numaNode === '-1') {
    return none;
  }
  return numaNode;
}

/**
 * One process holding NeuronCores, with every device it uses.
 */
interface IProcessRow {
  pid: number;
  command: string;
  runtimeVersion: string | null;
  devices: number[];
}

function collectProcesses(report: EnvironmentAPI.Environment): IProcessRow[] {
  const byPid = new Map<number, IProcessRow>();
  for (const device of report.devices) {
    for (const process of device.processes ?? []) {
      const row = byPid.get(process.pid) ?? {
        pid: process.pid,
        command: process.command,
        runtimeVersion: process.runtime_version,
        devices: []
      };
      row.devices.push(device.index);
      byPid.set(process.pid, row);
    }
  }
  return [...byPid.values()].sort((a, b) => a.pid - b.pid);
}

function ProcessesTable(props: IReportProps): JSX.Element {
  const { report, trans } = props;
  const rows = collectProcesses(report);
  return (
    <Section
      title={trans.__('Running Neuron processes')}
      summary={trans._n('%1 process', '%1 processes', rows.length)}
    >
      {rows.length === 0 ? (
        <p className="jp-Neuron-Muted">
          {trans.__('No process is using NeuronCores right now.')}
        </p>
      ) : (
        <DataTable
          className="jp-Neuron-ProcessesTable"
          columns={[
            trans.__('PID'),
            trans.__('Command'),
            trans.__('Devices'),
            trans.__('Runtime version')
          ]}
        >
          {rows.map(row => (
            <tr key={row.pid}>
              <td>{row.pid}</td>
              <td>
                <code>{row.command}</code>
              </td>
              <td>{row.devices.join(', ')}</td>
              <td>{row.runtimeVersion ?? trans.__('Unknown')}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Section>
  );
}

function PackagesTable(props: IReportProps): JSX.Element {
  const { report, trans } = props;
  const names = Object.keys(report.packages);
  return (
    <Section title={trans.__('Neuron SDK packages')}>
      <Facts
        items={[
          [
            trans.__('SDK generation'),
            <span
              className="jp-Neuron-SdkGeneration"
              data-generation={report.sdk?.generation ?? 'unknown'}
            >
              {describeSdk(report.sdk, trans)}
            </span>
          ]
        ]}
      />
      {report.packages_python && (
        <p className="jp-Neuron-Muted">
          {trans.__(
            'Versions installed for %1. Notebook kernels often use another Python environment.',
            report.packages_python
          )}
        </p>
      )}
      <DataTable
        className="jp-Neuron-PackagesTable"
        columns={[trans.__('Package'), trans.__('Version')]}
      >
        {names.map(name => {
          const version = report.packages[name];
          return (
            <tr key={name}>
              <td>
                <code>{name}</code>
              </td>
              <td className={version ? '' : 'jp-Neuron-Muted'}>
                {version ?? trans.__('not installed')}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </Section>
  );
}

/**
 * The recommended worker count in words: "8 on NeuronCores 8-15
 * (NEURON_RT_VISIBLE_CORES=8-15; valid: 1, 2, 8, 32)".
 */
export function describeWorkers(
  workers: EnvironmentAPI.Environment.Workers,
  trans: TranslationBundle
): string {
  if (workers.counts.length === 0) {
    return trans.__('None: an inference instance');
  }
  const counts = workers.counts.join(trans.__(', '));
  if (!workers.recommended || !workers.visible_cores) {
    return trans.__('None fits in the free NeuronCores (valid: %1)', counts);
  }
  return trans.__(
    '%1 on NeuronCores %2 (NEURON_RT_VISIBLE_CORES=%2; valid: %3)',
    workers.recommended,
    workers.visible_cores,
    counts
  );
}

/**
 * The SDK generation in words: "XLA (torch-neuronx 2.9, training supported)",
 * "TorchNeuron (torch-neuronx 2.10)", "None (torch-neuronx is not installed)".
 */
export function describeSdk(
  sdk: EnvironmentAPI.Environment.Sdk | null,
  trans: TranslationBundle
): string {
  if (!sdk) {
    return trans.__('Unknown (the packages could not be listed)');
  }
  const line = sdk.line ?? sdk.torch_neuronx_version ?? '?';
  switch (sdk.generation) {
    case 'none':
      return trans.__('None (torch-neuronx is not installed)');
    case 'torchneuron':
      return trans.__('TorchNeuron (torch-neuronx %1)', line);
    case 'xla':
      if (sdk.missing.length > 0) {
        return trans.__(
          'XLA (torch-neuronx %1, %2 missing)',
          line,
          sdk.missing.join(', ')
        );
      }
      return sdk.can_train
        ? trans.__('XLA (torch-neuronx %1, training supported)', line)
        : trans.__('XLA (torch-neuronx %1, inference only)', line);
  }
}

function CompileCacheView(props: IReportProps): JSX.Element {
  const { report, trans } = props;
  const cache = report.compile_cache;
  const root = cache.root ?? report.compile_cache_root;
  const source =
    cache.source === 'default'
      ? trans.__('Default (no setting)')
      : trans.__('Environment variable %1', cache.source);
  return (
    <Section title={trans.__('Compile cache')}>
      {cache.disabled && (
        <Notice
          kind="warning"
          title={trans.__('The compile cache is disabled')}
        >
          {trans.__(
            'NEURON_CC_FLAGS contains --no_cache, so every run compiles its graphs again.'
          )}
        </Notice>
      )}
      <Facts
        items={[
          [
            trans.__('Cache root in use'),
            <>
              {root ? <code className="jp-Neuron-Path">{root}</code> : '—'}
              {cache.remote && (
                <>
                  {' '}
                  <StateBadge kind="info" label={trans.__('Remote (S3)')} />
                </>
              )}
            </>
          ],
          [trans.__('Set by'), source]
        ]}
      />
    </Section>
  );
}

function ToolsView(props: IReportProps): JSX.Element {
  const { report, trans } = props;
  const notFound = trans.__('not found');
  return (
    <Section title={trans.__('Neuron tools')} defaultOpen={false}>
      <Facts
        items={[
          [
            'neuron-ls',
            report.tools.neuron_ls ? (
              <code className="jp-Neuron-Path">{report.tools.neuron_ls}</code>
            ) : (
              notFound
            )
          ],
          [
            'neuron-monitor',
            report.tools.neuron_monitor ? (
              <code className="jp-Neuron-Path">
                {report.tools.neuron_monitor}
              </code>
            ) : (
              notFound
            )
          ]
        ]}
      />
    </Section>
  );
}
