/**
 * Serialises like PHP's json_encode on a Bitrix24 portal: an empty associative array has no way to be `{}`
 * in PHP, so every empty map goes out as `[]`, and `/` is escaped as `\/`.
 */
export function toPhpJson(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return [];
    return v;
  });
  return json.replace(/\//g, '\\/');
}
