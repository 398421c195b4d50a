export { AuditService, type AuditAction, type AuditInput } from './audit.service.js';
export { auditRoutes } from './audit.routes.js';
