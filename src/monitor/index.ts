/**
 * The monitor capability: live NeuronCore utilization, memory and processes
 * from the server's neuron-monitor, in a dashboard, a sidebar section and the
 * status bar.
 */

export * from './CoreUtilization';
export * from './dashboard';
export * from './format';
export * from './history';
export * from './model';
export * from './DashboardView';
export * from './MonitorState';
export * from './plugin';
export * from './ProcessTable';
export * from './profiling';
export * from './ResourceViews';
export * from './section';
export * from './statusbar';
export * from './stream';
export * from './TimeSeriesChart';
