import { Type } from '@sinclair/typebox';
import type { AppInstance } from '../../http/app-types.js';
import { IdParams, Page, PageQuery, errorResponses, Nullable, OneOf } from '../../http/schemas.js';
import { LocaleSchema } from '../users/index.js';
import { CustomerView, OrganizationView, TIERS, TierSchema } from './customers.presenter.js';

const customerFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
  organizationId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
  tier: Type.Optional(TierSchema),
  locale: Type.Optional(LocaleSchema),
};
const orgFields = { name: Type.String({ minLength: 1, maxLength: 200 }), tier: Type.Optional(TierSchema) };

export function customersRoutes(app: AppInstance): void {
  const customers = app.deps.customers;
  app.get(
    '/api/v1/customers',
    {
      config: { permission: 'customers.read' },
      schema: {
        tags: ['customers'],
        summary: 'List customers (requesters) by name',
        querystring: Type.Object(
          {
            ...PageQuery,
            q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the name, email, phone or organization name (% and _ are plain characters)' })),
            organizationId: Type.Optional(Type.String({ format: 'uuid' })),
            tier: Type.Optional(OneOf(TIERS, { description: 'effective tier: the higher of their own and their organization’s' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(CustomerView), ...errorResponses },
      },
    },
    (req) => customers.list({ limit: req.query.limit ?? 50, cursor: req.query.cursor, q: req.query.q, organizationId: req.query.organizationId, tier: req.query.tier }),
  );
  app.post(
    '/api/v1/customers',
    { config: { permission: 'customers.write' }, schema: { tags: ['customers'], summary: 'Create a customer', body: Type.Object(customerFields, { additionalProperties: false }), response: { 201: CustomerView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await customers.create(req.body)),
  );
  app.get(
    '/api/v1/customers/:id',
    { config: { permission: 'customers.read' }, schema: { tags: ['customers'], summary: 'Get a customer', params: IdParams, response: { 200: CustomerView, ...errorResponses } } },
    (req) => customers.get(req.params.id),
  );
  app.patch(
    '/api/v1/customers/:id',
    {
      config: { permission: 'customers.write' },
      schema: { tags: ['customers'], summary: 'Update a customer', params: IdParams, body: Type.Object({ ...customerFields, name: Type.Optional(customerFields.name) }, { additionalProperties: false, minProperties: 1 }), response: { 200: CustomerView, ...errorResponses } },
    },
    (req) => customers.update(req.principal, req.params.id, req.body, req.ip),
  );
  app.delete(
    '/api/v1/customers/:id',
    { config: { permission: 'customers.delete' }, schema: { tags: ['customers'], summary: 'Delete a customer who has no tickets', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await customers.remove(req.params.id, req.principal, req.ip);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/organizations',
    { config: { permission: 'customers.read' }, schema: { tags: ['customers'], summary: 'List organizations by name', querystring: Type.Object({ ...PageQuery, q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the name' })) }, { additionalProperties: false }), response: { 200: Page(OrganizationView), ...errorResponses } } },
    (req) => customers.listOrganizations({ limit: req.query.limit ?? 50, cursor: req.query.cursor, q: req.query.q }),
  );
  app.post(
    '/api/v1/organizations',
    { config: { permission: 'customers.write' }, schema: { tags: ['customers'], summary: 'Create an organization', body: Type.Object(orgFields, { additionalProperties: false }), response: { 201: OrganizationView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await customers.createOrganization(req.body, req.principal, req.ip)),
  );
  app.get(
    '/api/v1/organizations/:id',
    { config: { permission: 'customers.read' }, schema: { tags: ['customers'], summary: 'Get an organization', params: IdParams, response: { 200: OrganizationView, ...errorResponses } } },
    (req) => customers.getOrganization(req.params.id),
  );
  app.patch(
    '/api/v1/organizations/:id',
    { config: { permission: 'customers.write' }, schema: { tags: ['customers'], summary: 'Update an organization', params: IdParams, body: Type.Object({ ...orgFields, name: Type.Optional(orgFields.name) }, { additionalProperties: false, minProperties: 1 }), response: { 200: OrganizationView, ...errorResponses } } },
    (req) => customers.updateOrganization(req.principal, req.params.id, req.body, req.ip),
  );
  app.delete(
    '/api/v1/organizations/:id',
    { config: { permission: 'customers.delete' }, schema: { tags: ['customers'], summary: 'Delete an organization without customers', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await customers.removeOrganization(req.params.id, req.principal, req.ip);
      return reply.status(204).send(null);
    },
  );
}
