/**
 * JSON bodies as the suites read them. Tests reach deep into responses (`body.results[0].id`); a precise type per
 * endpoint would restate the server's schemas, and the assertions are the real check.
 */
// biome-ignore lint/suspicious/noExplicitAny: JSON read by tests, checked by assertions rather than types.
export type Json = any;
