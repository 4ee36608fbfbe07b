/**
 * Our marker on a product row we discounted: the undiscounted base price exactly as we took it, with the tax terms it
 * was taken under.
 *
 *   rowMarker({ basePriceMinor, taxRateBasisPoints, taxIncluded })  → "b24loyalty:1:99990:2000:Y"
 *   markedBasePrice(snapshot, expectedNetto)                          → the marked base, or null if it no longer applies
 *
 * Why: Bitrix24 holds a row's undiscounted price as PRICE_NETTO (net) and re-derives PRICE_BRUTTO from it, so a
 * tax-included price no net price maps to (99.99 at 20 % → net 83.33 → 100.00) would come back a minor unit off. The
 * marker keeps the exact base. It applies only while the row still has the net price, tax rate and tax mode it was
 * written with; once someone edits those, the row's own prices are the new base. Store it with the row (e.g. XML_ID)
 * or next to it, and hand it back as `marker` when reading the rows.
 */

const PREFIX = 'b24loyalty:1:';
const MARKER = /^b24loyalty:1:(\d+):(\d+|-):([YN])$/;

export interface MarkedTerms {
  basePriceMinor: number;
  taxRateBasisPoints: number | null;
  taxIncluded: boolean;
}

export function rowMarker(terms: MarkedTerms): string {
  return `${PREFIX}${terms.basePriceMinor}:${terms.taxRateBasisPoints ?? '-'}:${terms.taxIncluded ? 'Y' : 'N'}`;
}

function parseMarker(marker: string): MarkedTerms | null {
  const match = MARKER.exec(marker);
  if (!match) return null;
  const [, base = '', tax = '', included = ''] = match;
  const basePriceMinor = Number(base);
  const taxRateBasisPoints = tax === '-' ? null : Number(tax);
  if (!Number.isSafeInteger(basePriceMinor) || (taxRateBasisPoints !== null && !Number.isSafeInteger(taxRateBasisPoints))) return null;
  return { basePriceMinor, taxRateBasisPoints, taxIncluded: included === 'Y' };
}

export interface MarkedRow {
  marker?: string | null;
  PRICE_NETTO: number;
  TAX_RATE: number | null;
  TAX_INCLUDED: 'Y' | 'N';
}

/**
 * The base price the marker holds, if the row still matches it: same tax rate and mode, and the net price the marked
 * base gives (`nettoOf`) is the row's PRICE_NETTO. Otherwise (no marker, someone else's, or an edited row) null.
 */
export function markedBasePrice(row: MarkedRow, nettoOf: (terms: MarkedTerms) => number): number | null {
  const terms = typeof row.marker === 'string' ? parseMarker(row.marker) : null;
  if (terms === null || terms.taxRateBasisPoints !== row.TAX_RATE || terms.taxIncluded !== (row.TAX_INCLUDED === 'Y')) return null;
  return nettoOf(terms) === row.PRICE_NETTO ? terms.basePriceMinor : null;
}

/**
 * Where the markers live: one deal field holding the markers of the deal's rows, one per line in row order (the
 * sandbox and many portals do not keep a row's XML_ID through `productrows.set`). A row whose line is missing or no
 * longer matches it (someone added, removed or edited rows) simply has no marker and is read at its own prices.
 */
export function markersFieldValue(markers: readonly string[]): string {
  return markers.join('\n');
}

export function markersFromField(value: string | null, rowCount: number): (string | null)[] {
  const lines = (value ?? '').split('\n');
  return Array.from({ length: rowCount }, (_, i) => (lines[i] ?? '').trim() || null);
}
