import { Type } from '@sinclair/typebox';
import { demoLogins } from '../../demo/seed.js';
import type { AppInstance } from '../../http/app-types.js';
import { getSetting } from '../../lib/settings.js';

const WorkspaceView = Type.Object({
  demo: Type.Boolean({ description: 'true on the demo workspace seeded by `npm start`' }),
  demoLogins: Type.Optional(
    Type.Array(Type.Object({ email: Type.String(), name: Type.String(), role: Type.String(), password: Type.String() }), {
      description: 'only on the demo workspace: the accounts to try',
    }),
  ),
});

/** Public facts the sign-in screen needs before anyone is signed in. */
export function workspaceRoutes(app: AppInstance): void {
  app.get(
    '/api/v1/workspace',
    { config: { public: true }, schema: { tags: ['workspace'], summary: 'Public workspace facts for the sign-in screen', response: { 200: WorkspaceView } } },
    async () => {
      const demo = (await getSetting<boolean>(app.deps.database.db, 'workspace.demo')) === true;
      return demo ? { demo, demoLogins: demoLogins() } : { demo };
    },
  );
}
