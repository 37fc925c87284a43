/**
 * The Neuron sidebar, composed of the capabilities' sections.
 */

export * from './NeuronPanel';
export * from './plugin';
