import { Ajv, type Options } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ?? addFormatsImport) as unknown as (ajv: Ajv) => Ajv;

/**
 * Bodies are validated strictly: no type coercion ("5" is not a number), unknown fields are
 * rejected rather than silently dropped, and every problem is reported at once. Query strings
 * and path parameters are text by nature, so they are coerced.
 */
export function installValidation(app: FastifyInstance): void {
  const base: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false, verbose: true };
  const strictAjv = addFormats(new Ajv({ ...base, coerceTypes: false }));
  const coercingAjv = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart !== 'body') return coercingAjv.compile(schema);
    const validate = strictAjv.compile(schema);
    if (!bodyIsOptional(schema)) return validate;
    // A body whose every field is optional may be left out: no body reads as `{}`.
    return (data: unknown) => {
      if (data !== null && data !== undefined) return validate(data) ? true : { error: validate.errors ?? [] };
      const empty = {};
      return validate(empty) ? { value: empty } : { error: validate.errors ?? [] };
    };
  });

  // An empty body sent with `Content-Type: application/json` is no body at all (curl -X POST -H
  // 'content-type: application/json'), not a parse error; routes that need a body still say so.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
    parseJson(req, body as string, done);
  });
}

/** An object schema with no required field (e.g. `{ targetKey?: string }`). */
const bodyIsOptional = (schema: unknown): boolean => {
  const s = schema as { type?: unknown; required?: unknown[] };
  return s.type === 'object' && (!Array.isArray(s.required) || s.required.length === 0);
};
