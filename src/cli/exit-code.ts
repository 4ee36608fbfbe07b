import { RequestIdReusedError, RequestRefusedError } from '../admin/refusal';
import { ConfigurationError } from './configuration';

/** 2: the command was refused (configuration, rules, a reused request id) and did nothing; 1: it failed. */
export function exitCodeFor(error: unknown): number {
  const refused = error instanceof ConfigurationError || error instanceof RequestRefusedError || error instanceof RequestIdReusedError;
  return refused ? 2 : 1;
}
