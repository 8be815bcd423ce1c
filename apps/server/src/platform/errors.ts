/**
 * Coded domain errors. Services throw these; http/error-handler.ts is the one place that turns them into
 * status codes and Flagsmith-shaped bodies. Nothing else in the server sets an error status by hand.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** The JSON body a client sees. Flagsmith uses `{"detail": ...}` or, for validation, `{"field": ["msg"]}`. */
  abstract body(): unknown;
}

/** 400 `{"field": ["message", ...]}`: Django REST framework's shape, which Flagsmith clients parse. */
export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = 'VALIDATION';
  readonly fields: Readonly<Record<string, unknown>>;
  constructor(fields: Record<string, unknown>) {
    super(
      Object.entries(fields)
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : JSON.stringify(v)}`)
        .join('; '),
    );
    this.fields = fields;
  }
  /** The common case: one field, one message. */
  static field(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: [message] });
  }
  /** `{"field": "message"}`: the string (not list) form some Flagsmith errors use, e.g. the limits of spec §5. */
  static plain(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: message });
  }
  body() {
    return this.fields;
  }
}

abstract class DetailError extends AppError {
  readonly detail: string;
  constructor(detail: string) {
    super(detail);
    this.detail = detail;
  }
  body() {
    return { detail: this.detail };
  }
}

export class NotFoundError extends DetailError {
  readonly status = 404;
  readonly code = 'NOT_FOUND';
  constructor(detail = 'Not found.') {
    super(detail);
  }
}

export class NotAuthenticatedError extends DetailError {
  readonly status = 401;
  readonly code = 'NOT_AUTHENTICATED';
  constructor(detail = 'Authentication credentials were not provided.') {
    super(detail);
  }
}

export class PermissionDeniedError extends DetailError {
  readonly status = 403;
  readonly code = 'PERMISSION_DENIED';
  constructor(detail = 'You do not have permission to perform this action.') {
    super(detail);
  }
}

export class ConflictError extends DetailError {
  readonly status = 409;
  readonly code = 'CONFLICT';
}

export class RateLimitedError extends DetailError {
  readonly status = 429;
  readonly code = 'RATE_LIMITED';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(`Request was throttled. Expected available in ${retryAfterSeconds} seconds.`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class UnavailableError extends DetailError {
  readonly status = 503;
  readonly code = 'UNAVAILABLE';
}
