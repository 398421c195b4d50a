export { CustomersService, type CustomerInput } from './customers.service.js';
export { customersRoutes } from './customers.routes.js';
export { CustomerView, TIERS, TierSchema, effectiveTier } from './customers.presenter.js';
export { findCustomer, findOrganization } from './customers.repository.js';
