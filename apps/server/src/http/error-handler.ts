import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, RateLimitedError } from '../platform/errors.ts';

interface SchemaIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * Turns a schema-validation failure into Django REST framework's shape, `{"field": ["message"]}`, which Flagsmith's
 * clients and Terraform provider display. Nested paths name the field precisely, e.g. `traits[0].trait_value`.
 */
export function validationBody(
  issues: readonly SchemaIssue[],
  context: string | undefined,
): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of issues) {
    const segments = (issue.instancePath ?? '').split('/').filter(Boolean);
    const missing = issue.keyword === 'required' ? String(issue.params?.missingProperty ?? '') : '';
    if (missing) segments.push(missing);
    const top = segments[0] ?? (context === 'body' || context === undefined ? 'non_field_errors' : context);
    const where = segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
    let message: string;
    if (issue.keyword === 'required') message = 'This field is required.';
    else if (issue.keyword === 'additionalProperties') {
      message = `Unknown field ${where ? `${where}.` : ''}${String(issue.params?.additionalProperty)}.`;
    } else message = `${segments.length > 1 ? `${where}: ` : ''}${issue.message ?? 'Invalid value.'}`;
    fields[top] = [...(fields[top] ?? []), message];
  }
  return fields;
}

/** The one place where errors become HTTP responses. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error instanceof RateLimitedError) reply.header('Retry-After', String(error.retryAfterSeconds));
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(error.status).send(error.body());
  }
  const fe = error as FastifyError & { validation?: SchemaIssue[]; validationContext?: string };
  if (fe.validation) {
    return reply.status(400).send(validationBody(fe.validation, fe.validationContext));
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return reply.status(400).send({ non_field_errors: [`JSON parse error - ${fe.message}`] });
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return reply.status(fe.statusCode).send({ detail: fe.message });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send({ detail: 'Internal server error.' });
}
