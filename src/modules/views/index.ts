// Saved views (issue 15 §2).
export { ViewsService, type ViewInput } from './views.service.js';
export { viewsRoutes } from './views.routes.js';
export { SavedView, ViewCounts } from './views.presenter.js';
export * from './views.types.js';
