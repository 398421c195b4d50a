/**
 * The console's API types (web/src/api/schema.d.ts) are generated from the server's OpenAPI
 * document by `npm run api:types` and checked in. This regenerates them in memory: when a route's
 * schema changes, the checked-in file differs and this fails until the types are regenerated —
 * and tsc then checks the console against the new contract.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { generateSchemaTypes, SCHEMA_FILE } from '../scripts/api-types.js';

it('web/src/api/schema.d.ts matches the OpenAPI document the server publishes (run `npm run api:types`)', async () => {
  const generated = await generateSchemaTypes();
  const checkedIn = readFileSync(SCHEMA_FILE, 'utf8');
  expect(generated.length, 'the generated API types differ from web/src/api/schema.d.ts: run `npm run api:types` and commit the file').toBe(checkedIn.length);
  expect(generated === checkedIn, 'the generated API types differ from web/src/api/schema.d.ts: run `npm run api:types` and commit the file').toBe(true);
  expect(generated).toContain('"/api/v1/tickets/{id}"');
}, 120_000);
