import type { ColumnType, Generated } from 'kysely';

/** Column types shared by the table interfaces in schema.ts and schema-runtime.ts. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type Id = Generated<number>;
export type Uuid = Generated<string>;
export type Flag = Generated<boolean>;
