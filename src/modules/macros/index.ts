// Macros / canned replies (issue 15 §2).
export { MacrosService } from './macros.service.js';
export { macrosRoutes } from './macros.routes.js';
export { MacroView, AppliedMacroView } from './macros.presenter.js';
export * from './macros.types.js';
