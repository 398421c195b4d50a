export { AuditService, auditActor, type AuditAction, type AuditActor, type AuditInput } from './audit.service.js';
export { auditRoutes } from './audit.routes.js';
