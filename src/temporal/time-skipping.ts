import type { ConnectionPlugin } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { type EphemeralServerExecutable, TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from './search-attributes';

/**
 * The test environment's client pings the server every 30 s. A sleep across a burst of timers is one call open for
 * minutes with nothing else on that connection; the Java test server answers the pings with GOAWAY (too_many_pings)
 * and the client's retry sends the sleep again — the duplicate leaves a time-skipping lock behind, and from then on
 * workflow time only passes at wall-clock speed. Measured: 2 000 customers' year stopped at the 17 December reminders
 * until one extra unlock released it; this is also why earlier 10 000-customer runs "never finished". Without
 * keepalive pings no GOAWAY comes, and without retries a broken call fails loudly instead of silently doubling.
 */
const longSleepsStayOneCall: ConnectionPlugin = {
  name: 'loyalty-long-sleeps-stay-one-call',
  configureConnection: (options) => ({
    ...options,
    channelArgs: { ...options.channelArgs, 'grpc.keepalive_time_ms': 2 ** 31 - 1, 'grpc.keepalive_permit_without_calls': 0 },
    interceptors: [],
  }),
};

/**
 * A private Java time-skipping server whose `sleep` survives a long burst of workflow work, with the engine's search
 * attributes registered: it starts with no custom ones, and the engine's start requests carry them.
 */
export async function createTimeSkippingEnvironment(executable: EphemeralServerExecutable): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable }, plugins: [longSleepsStayOneCall] });
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  const searchAttributes = Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, keyword]));
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
  return env;
}
