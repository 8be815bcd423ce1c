/**
 * Spec §3.3: a rule's type quantifies a list of results — ALL (every), ANY (some), NONE (not any). Callers only
 * combine non-empty lists (an empty part of a rule holds). An unknown type never holds (Python raises KeyError).
 */
export function combine(type: unknown, results: readonly boolean[]): boolean {
  switch (type) {
    case 'ALL':
      return results.every(Boolean);
    case 'ANY':
      return results.some(Boolean);
    case 'NONE':
      return !results.some(Boolean);
    default:
      return false;
  }
}
