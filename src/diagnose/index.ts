/**
 * Error diagnosis: the client of the server's catalogue of known Neuron
 * failures.
 */

export * from './client';
