import { type Static, type TSchema, Type } from 'typebox';

/**
 * TypeBox building blocks shared by every admin route. Request schemas validate with Ajv in coercing mode, so
 * scalar unions use JSON Schema type arrays (coerced only when nothing matches) instead of anyOf, whose first
 * branch would coerce `5` into `"5"`.
 */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const NullableString = (options: { maxLength?: number; description?: string } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
export const NullableInteger = (options: { minimum?: number; maximum?: number; description?: string } = {}) =>
  Type.Unsafe<number | null>({ type: ['integer', 'null'], ...options });
export const NullableBoolean = (options: { description?: string } = {}) =>
  Type.Unsafe<boolean | null>({ type: ['boolean', 'null'], ...options });

/** A flag value: string, number, boolean or null. Numbers that are not 32-bit integers are stored as strings. */
export type FlagValueWire = string | number | boolean | null;
export const FlagValue = (description = 'string, integer, boolean or null') =>
  Type.Unsafe<FlagValueWire>({ type: ['string', 'number', 'boolean', 'null'], description });

export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = NullableString({ description: 'ISO-8601 date-time or null' });
export const Uuid = Type.String({ format: 'uuid' });

/** Path and query ids. */
export const IdParam = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
export const BigIdParam = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

export const Detail = Type.Object(
  { detail: Type.String() },
  { description: 'Error with a human-readable detail' },
);
/** Django REST framework's validation error: field name to a list of messages (or a message). */
export const FieldErrors = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Validation errors by field, e.g. {"name": ["This field is required."]}',
});

/** Error responses every authenticated admin route can give. */
export const ErrorResponses = {
  400: FieldErrors,
  401: Detail,
  403: Detail,
  404: Detail,
} as const;

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, description: 'page number, from 1' })),
  page_size: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 999, description: 'results per page (default 10)' }),
  ),
};

/** Django REST framework's PageNumberPagination envelope. */
export const Paginated = <T extends TSchema>(item: T) =>
  Type.Object({
    count: Type.Integer(),
    next: NullableString(),
    previous: NullableString(),
    results: Type.Array(item),
  });

export type PaginatedWire<T> = { count: number; next: string | null; previous: string | null; results: T[] };
export type StaticOf<T extends TSchema> = Static<T>;

export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null | undefined) => (d ? d.toISOString() : null);
