import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { databaseFault, type DatabaseFault } from '../db/dialect.js';
import { AppError, statusOfCode, type ErrorCode } from '../lib/errors.js';

/** What a person reads when the database is in trouble, and when to try again (seconds). */
export const faultAnswers: Record<DatabaseFault, { message: string; retryAfterS: number }> = {
  database_unavailable: {
    message: 'The database cannot be reached right now; nothing was changed. Try again shortly.',
    retryAfterS: 5,
  },
  storage_full: {
    message: 'The disk under the database is full; nothing was changed. An administrator must free space.',
    retryAfterS: 60,
  },
  storage_read_only: {
    message:
      'The database accepts no changes right now (it is read-only); nothing was changed. An administrator must make it writable.',
    retryAfterS: 30,
  },
};

const isFault = (code: string): code is DatabaseFault => code in faultAnswers;

/** Sends the 503/507 answer for a database fault, with Retry-After, in the error shape. */
export function sendFault(
  reply: FastifyReply,
  fault: DatabaseFault,
  requestId: string,
  message = faultAnswers[fault].message,
) {
  return reply
    .status(statusOfCode[fault])
    .header('retry-after', String(faultAnswers[fault].retryAfterS))
    .send({ error: { code: fault, message, requestId } });
}

interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

/** JSON Schema keywords as problem codes (texts: the console's problem lookup, ja and en). */
const schemaProblemCode: Record<string, string> = {
  pattern: 'wrong_format',
  format: 'wrong_format',
  maxLength: 'too_long',
  minLength: 'too_short',
  maximum: 'too_large',
  exclusiveMaximum: 'too_large',
  minimum: 'too_small',
  exclusiveMinimum: 'too_small',
  maxItems: 'too_many',
  minItems: 'too_few',
  type: 'wrong_type',
  const: 'invalid',
  anyOf: 'invalid',
};

function fromFastifyValidation(err: FastifyError): ErrorBody['error'] {
  const problems = (err.validation ?? []).map((v) => {
    const base = String(err.validationContext ?? 'body');
    const path = v.instancePath ? v.instancePath.slice(1).replace(/\//g, '.') : '';
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'additionalProperties') {
      const field = [path, String(params.additionalProperty)].filter(Boolean).join('.');
      return { field: `${base}.${field}`, message: 'is not a known field; remove it', code: 'unknown_field' };
    }
    if (v.keyword === 'required') {
      const field = [path, String(params.missingProperty)].filter(Boolean).join('.');
      return { field: `${base}.${field}`, message: 'is required', code: 'required' };
    }
    if (v.keyword === 'pattern' || v.keyword === 'format') {
      // Say what the value should look like (the schema's description), not the regular expression.
      const verbose = v as { parentSchema?: { description?: string }; data?: unknown }; // ajv's verbose mode
      const description = verbose.parentSchema?.description;
      const got = typeof verbose.data === 'string' ? ` (got ${JSON.stringify(verbose.data.slice(0, 60))})` : '';
      if (description) return { field: `${base}${path ? '.' + path : ''}`, message: `must be ${description.replace(/\.$/, '')}${got}`, code: 'wrong_format' };
    }
    if (v.keyword === 'enum') {
      return { field: `${base}${path ? '.' + path : ''}`, message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`, code: 'one_of', params: { values: (params.allowedValues as unknown[]).join(', ') } };
    }
    // A code per kind of rule, so the console can say it in the reader's language.
    const limit = typeof params.limit === 'number' && v.keyword in schemaProblemCode ? { limit: params.limit } : undefined;
    return { field: `${base}${path ? '.' + path : ''}`, message: v.message ?? 'is invalid', code: schemaProblemCode[v.keyword] ?? 'invalid', ...(limit && { params: limit }) };
  });
  return {
    code: 'validation_failed',
    message: problems.map((p) => `${p.field} ${p.message}`).join('; ') || err.message,
    details: { problems },
  };
}

const fastifyCodeMap: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
};

/** Maps every error to one body shape, once. Unknown errors are 500 with the request id, logged with cause. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    // Database trouble is not a bug: say what it is, and when to try again. The log keeps the
    // driver's error (SQLITE_FULL, 57P01, ECONNREFUSED…).
    const fault =
      err instanceof AppError
        ? err.code === 'internal'
          ? databaseFault(err.cause)
          : null
        : databaseFault(err);
    if (fault) {
      request.log.warn({ err, fault }, `request failed: ${fault}`);
      return sendFault(reply, fault, request.id);
    }
    if (err instanceof AppError && isFault(err.code)) {
      request.log.warn({ err }, err.message);
      return sendFault(reply, err.code, request.id, err.message);
    }
    if (err instanceof AppError) {
      if (err.status >= 500) request.log.error({ err }, err.message);
      return reply.status(err.status).send({
        error: { code: err.code, message: err.message, details: err.details, requestId: request.id },
      });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({ error: { ...fromFastifyValidation(fe), requestId: request.id } });
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code: ErrorCode =
        fastifyCodeMap[fe.code] ??
        (status === 429 ? 'rate_limited' : status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : status === 404 ? 'not_found' : 'bad_request');
      let message = fe.message;
      if (fe instanceof SyntaxError || /JSON/i.test(fe.message)) message = `The request body is not valid JSON: ${fe.message}`;
      if (code === 'payload_too_large') message = 'The request body is too large.';
      return reply.status(statusOfCode[code] === status ? status : status).send({ error: { code, message, requestId: request.id } });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({
      error: { code: 'internal', message: 'An unexpected error occurred. Quote the request id when reporting it.', requestId: request.id },
    });
  });
}

/** Requests that are not even HTTP (bad headers, headers too large) get the error shape too. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: import('node:net').Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy(err);
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({
    error: tooLarge
      ? { code: 'payload_too_large', message: 'The request headers are too large.' }
      : { code: 'bad_request', message: 'The request is not valid HTTP.' },
  });
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The 404 body for a path no route serves. */
export const notFoundBody = (method: string, url: string, requestId: string) => ({
  error: { code: 'not_found', message: `No route for ${method} ${url.split('?')[0]}.`, requestId },
});
