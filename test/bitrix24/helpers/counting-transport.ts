import { AxiosTransport, type Transport } from '../../../src/bitrix24';
import { type AxiosTransportOptions, type HttpResponse, type RequestOptions } from '../../../src/bitrix24/transport';

/** The real axios transport, counting requests so tests can assert how many HTTP calls a feature makes. */
export class CountingTransport implements Transport {
  restRequests = 0;
  tokenRequests = 0;
  private readonly inner: AxiosTransport;

  constructor(options: AxiosTransportOptions = {}) {
    this.inner = new AxiosTransport(options);
  }

  postJson(url: string, body: unknown, options?: RequestOptions): Promise<HttpResponse> {
    this.restRequests += 1;
    return this.inner.postJson(url, body, options);
  }

  postForm(url: string, form: Record<string, string>, options?: RequestOptions): Promise<HttpResponse> {
    this.tokenRequests += 1;
    return this.inner.postForm(url, form, options);
  }
}
