import { Type } from '@sinclair/typebox';
import { demoLoginsToOffer, isDemoWorkspace } from '../../demo/demo-workspace.js';
import type { AppInstance } from '../../http/app-types.js';

const WorkspaceView = Type.Object({
  demo: Type.Boolean({ description: 'true on the demo workspace seeded by `npm start`' }),
  demoLogins: Type.Optional(
    Type.Array(Type.Object({ email: Type.String(), name: Type.String(), role: Type.String(), password: Type.String() }), {
      description: 'only on the demo workspace of a developer machine (not in a production-like start, not once a real administrator exists): the accounts to try',
    }),
  ),
});

/** Public facts the sign-in screen needs before anyone is signed in. */
export function workspaceRoutes(app: AppInstance): void {
  app.get(
    '/api/v1/workspace',
    { config: { public: true }, schema: { tags: ['workspace'], summary: 'Public workspace facts for the sign-in screen', response: { 200: WorkspaceView } } },
    async () => {
      const demo = await isDemoWorkspace(app.deps.database.db);
      const logins = demo ? await demoLoginsToOffer(app.deps) : null;
      return logins ? { demo, demoLogins: logins } : { demo };
    },
  );
}
