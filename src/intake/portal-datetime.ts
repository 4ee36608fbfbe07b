import { DateTime, IANAZone } from 'luxon';

/**
 * A datetime filter value as Bitrix24 prints and parses them: `YYYY-MM-DDThh:mm:ss±hh:mm`, whole seconds,
 * with an explicit offset in the portal's zone, so the portal never has to guess a zone (a value without an
 * offset would be read in the portal's own time zone, not ours).
 */
export function portalFilterDateTime(epochMs: number, timeZone: string): string {
  if (!IANAZone.isValidZone(timeZone)) throw new Error(`timeZone: "${timeZone}" is not an IANA time zone such as Europe/Moscow`);
  const wholeSeconds = Math.floor(epochMs / 1000) * 1000;
  return DateTime.fromMillis(wholeSeconds, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}
