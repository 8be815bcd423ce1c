// The syntax tree of an RFC 9535 JSONPath query.

export type JsonPathSelector =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'index'; readonly index: number }
  | {
      readonly kind: 'slice';
      readonly start: number | undefined;
      readonly end: number | undefined;
      readonly step: number | undefined;
    }
  | { readonly kind: 'filter'; readonly expression: LogicalExpression };

export interface JsonPathSegment {
  readonly descendant: boolean;
  readonly selectors: readonly JsonPathSelector[];
}

export interface JsonPathQuery {
  /** `$` (the root) or `@` (the current node inside a filter). */
  readonly root: '$' | '@';
  readonly segments: readonly JsonPathSegment[];
}

export type JsonLiteral = string | number | boolean | null;

export type FunctionName = 'length' | 'count' | 'match' | 'search' | 'value';

export interface FunctionCall {
  readonly kind: 'function';
  readonly name: FunctionName;
  readonly args: readonly FunctionArgument[];
}

/** A function argument (RFC 9535 also allows logical expressions, which no standard function takes). */
export type FunctionArgument =
  | { readonly kind: 'literal'; readonly value: JsonLiteral }
  | { readonly kind: 'query'; readonly query: JsonPathQuery }
  | FunctionCall;

export type Comparable =
  | { readonly kind: 'literal'; readonly value: JsonLiteral }
  | { readonly kind: 'query'; readonly query: JsonPathQuery }
  | FunctionCall;

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type LogicalExpression =
  | { readonly kind: 'or'; readonly operands: readonly LogicalExpression[] }
  | { readonly kind: 'and'; readonly operands: readonly LogicalExpression[] }
  | { readonly kind: 'not'; readonly operand: LogicalExpression }
  | {
      readonly kind: 'comparison';
      readonly operator: ComparisonOperator;
      readonly left: Comparable;
      readonly right: Comparable;
    }
  | { readonly kind: 'exists'; readonly query: JsonPathQuery }
  | { readonly kind: 'test'; readonly call: FunctionCall };
