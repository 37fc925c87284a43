/**
 * The REST payload types of every capability, one namespace per capability
 * (`CacheAPI.Status`, `MonitorAPI.MonitorSnapshot`...), for other extensions.
 */

import type * as CacheAPI from './cache';
import type * as ClusterAPI from './cluster';
import type * as CoresAPI from './cores';
import type * as DiagnoseAPI from './diagnose';
import type * as EnvironmentAPI from './environment';
import type * as MonitorAPI from './monitor';
import type * as TemplatesAPI from './templates';

export type {
  CacheAPI,
  ClusterAPI,
  CoresAPI,
  DiagnoseAPI,
  EnvironmentAPI,
  MonitorAPI,
  TemplatesAPI
};
