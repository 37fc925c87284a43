/**
 * The environment capability: instance, devices, NeuronCores, SDK packages
 * and compile cache of the machine running the server.
 */

export * from './EnvironmentView';
export * from './model';
export * from './plugin';
export * from './section';
