export { AuthService, TOKEN_PREFIX } from './auth.service.js';
export { authRoutes } from './auth.routes.js';
export { can, PERMISSIONS, type Permission } from './auth.policy.js';
export { ROLES, LOCALES, type Role, type Locale, type Principal } from './auth.types.js';
export { hashPassword } from './password.js';
