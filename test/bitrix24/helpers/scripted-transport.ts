import { type Transport } from '../../../src/bitrix24';
import { type HttpResponse } from '../../../src/bitrix24/transport';

export interface RecordedRequest {
  url: string;
  body: unknown;
  kind: 'json' | 'form';
}

/** A transport answering from a function, recording every request (for wire-level assertions). */
export class ScriptedTransport implements Transport {
  readonly requests: RecordedRequest[] = [];

  constructor(private readonly answer: (request: RecordedRequest) => HttpResponse | Promise<HttpResponse>) {}

  postJson(url: string, body: unknown): Promise<HttpResponse> {
    return this.record({ url, body, kind: 'json' });
  }

  postForm(url: string, form: Record<string, string>): Promise<HttpResponse> {
    return this.record({ url, body: form, kind: 'form' });
  }

  private async record(request: RecordedRequest): Promise<HttpResponse> {
    this.requests.push(request);
    return this.answer(request);
  }
}

export const ok = (result: unknown, extra: Record<string, unknown> = {}): HttpResponse => ({ status: 200, body: { result, time: {}, ...extra } });
export const fail = (status: number, error: string, description: string, extra: Record<string, unknown> = {}): HttpResponse => ({
  status,
  body: { error, error_description: description, ...extra },
});
