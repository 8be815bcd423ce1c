import type { JsonPathQuery } from '../jsonpath/jsonpath-ast.ts';
import { parseJsonPath } from '../jsonpath/parse-jsonpath.ts';

/**
 * How a condition's `property` is resolved (spec §3.4):
 * - `none`: empty or missing property (the value is None; PERCENTAGE_SPLIT then uses the identity key);
 * - `trait`: a plain trait key;
 * - `path`: a `$.`-prefixed property — a trait named exactly so wins, then the JSONPath over the whole context
 *   (`query` is undefined when it is not valid JSONPath: then only the trait lookup applies). `chain` lists the
 *   member names when the query is a plain `$.a.b.c`, for a walk without the general evaluator.
 */
export type PropertyPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'trait'; readonly name: string }
  | {
      readonly kind: 'path';
      readonly name: string;
      readonly query: JsonPathQuery | undefined;
      readonly chain: readonly string[] | undefined;
    };

const NONE: PropertyPlan = { kind: 'none' };

function memberChain(query: JsonPathQuery): string[] | undefined {
  const names: string[] = [];
  for (const segment of query.segments) {
    const selector = segment.selectors[0];
    if (segment.descendant || segment.selectors.length !== 1 || selector?.kind !== 'name') return undefined;
    names.push(selector.name);
  }
  return names;
}

const cache = new Map<string, PropertyPlan>();

/** The resolution plan of a condition property (cached: the same properties recur across segments). */
export function planProperty(property: unknown): PropertyPlan {
  if (typeof property !== 'string' || property === '') return NONE;
  const cached = cache.get(property);
  if (cached !== undefined) return cached;
  let plan: PropertyPlan;
  if (property.startsWith('$.')) {
    const query = parseJsonPath(property);
    plan = { kind: 'path', name: property, query, chain: query && memberChain(query) };
  } else {
    plan = { kind: 'trait', name: property };
  }
  if (cache.size >= 10_000) cache.clear();
  cache.set(property, plan);
  return plan;
}
