import { type CrmContext } from '../crm/context';
import { type OAuthApp } from '../types';

export type CallerAuth = { kind: 'webhook'; userId: number } | { kind: 'app'; clientId: string; userId: number };

export interface MethodCall {
  ctx: CrmContext;
  params: Record<string, unknown>;
  auth: CallerAuth;
  app(clientId: string): OAuthApp;
}

export interface MethodResult {
  result: unknown;
  total?: number;
  next?: number;
}

export interface MethodDef {
  run(call: MethodCall): MethodResult;
  /** event.bind, event.offline.*: refused for incoming webhooks. */
  appOnly?: boolean;
  /** Legacy CRM methods read top-level parameter names case-insensitively. */
  caseInsensitiveParams?: boolean;
}

export type MethodTable = Record<string, MethodDef>;

export const just = (result: unknown): MethodResult => ({ result });
