import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Container } from '../container.js';
import type { Permission } from '../modules/auth/auth.policy.js';
import type { Principal } from '../modules/auth/auth.types.js';

export type AppInstance = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider> & {
  deps: Container;
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a caller needs; checked by the auth hook before validation. */
    permission?: Permission;
    /** Reachable without signing in (login, health, public forms). */
    public?: boolean;
    /** Allows a signed-in caller without permission checks beyond being signed in. */
    signedIn?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}
