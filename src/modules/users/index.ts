export { UsersService, type AvailabilityInput, type CreateUserInput, type UpdateUserInput } from './users.service.js';
export { usersRoutes } from './users.routes.js';
export { presentUser, parseOutOfOffice, UserView, RoleSchema, LocaleSchema, type StoredOutOfOffice } from './users.presenter.js';
export { findUserById, findUserByEmail } from './users.repository.js';
export type { User, Availability } from './users.types.js';
export { AVAILABILITY } from './users.types.js';
