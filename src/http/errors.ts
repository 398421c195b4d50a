import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, statusOfCode, type ErrorCode } from '../lib/errors.js';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

function fromFastifyValidation(err: FastifyError): ErrorBody['error'] {
  const problems = (err.validation ?? []).map((v) => {
    const base = String(err.validationContext ?? 'body');
    const path = v.instancePath ? v.instancePath.slice(1).replace(/\//g, '.') : '';
    const params = v.params as Record<string, unknown>;
    if (v.keyword === 'additionalProperties') {
      const field = [path, String(params.additionalProperty)].filter(Boolean).join('.');
      return { field: `${base}.${field}`, message: 'is not a known field; remove it' };
    }
    if (v.keyword === 'required') {
      const field = [path, String(params.missingProperty)].filter(Boolean).join('.');
      return { field: `${base}.${field}`, message: 'is required' };
    }
    if (v.keyword === 'pattern' || v.keyword === 'format') {
      // Say what the value should look like (the schema's description), not the regular expression.
      const verbose = v as { parentSchema?: { description?: string }; data?: unknown }; // ajv's verbose mode
      const description = verbose.parentSchema?.description;
      const got = typeof verbose.data === 'string' ? ` (got ${JSON.stringify(verbose.data.slice(0, 60))})` : '';
      if (description) return { field: `${base}${path ? '.' + path : ''}`, message: `must be ${description.replace(/\.$/, '')}${got}` };
    }
    if (v.keyword === 'enum') {
      return { field: `${base}${path ? '.' + path : ''}`, message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    }
    return { field: `${base}${path ? '.' + path : ''}`, message: v.message ?? 'is invalid' };
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

/** The 404 body for a path no route serves. */
export const notFoundBody = (method: string, url: string, requestId: string) => ({
  error: { code: 'not_found', message: `No route for ${method} ${url.split('?')[0]}.`, requestId },
});
