/** HTTP: raise a hand, the supervisors' claim and thread, outcomes, phone state, configuration. */
import { Type } from '@sinclair/typebox';
import { auditActor } from '../audit/index.js';
import type { AppInstance } from '../../http/app-types.js';
import { Id, IdParams, OneOf, errorResponses } from '../../http/schemas.js';
import { CallView, FloorView, HandsReportView, HandDetailView, HandEventView, HandView, HandsConfigView } from './hands.presenter.js';
import { CallBody, CloseHandBody, EscalateHandBody, HandAvailabilityBody, HandMessageBody, HandsConfigSchema, JoinCallBody, RaiseHandBody } from './hands.schema.js';
import { HAND_STATES } from './hands.types.js';

const NoContent = { 204: Type.Null() };

export function handsRoutes(app: AppInstance): void {
  const hands = app.deps.hands;
  const tags = ['hands'];
  const read = { permission: 'escalations.read' as const };
  const write = { permission: 'escalations.write' as const };

  app.post(
    '/api/v1/hands',
    { config: write, schema: { tags, summary: 'Raise a hand: a live question to a supervisor, conclusion first (category and ask or concern)', body: RaiseHandBody, response: { 201: HandView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await hands.raise(req.principal!, req.body)),
  );
  app.get(
    '/api/v1/hands',
    {
      config: read,
      schema: {
        tags,
        summary: 'Hands: supervisors see every hand (open ones oldest first), operators their own',
        querystring: Type.Object(
          {
            state: Type.Optional(OneOf(HAND_STATES)),
            team: Type.Optional(Id),
            mine: Type.Optional(Type.Boolean({ description: 'only hands I raised' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(HandView) }), ...errorResponses },
      },
    },
    (req) => hands.list(req.principal!, { ...(req.query.state && { state: req.query.state }), ...(req.query.team && { teamId: req.query.team }), ...(req.query.mine && { mine: true }), ...(req.query.limit && { limit: req.query.limit }) }),
  );
  app.get(
    '/api/v1/hands/config',
    { config: read, schema: { tags, summary: 'Raise a hand configuration: tiers, categories, playbook examples, temperature rule', response: { 200: HandsConfigView, ...errorResponses } } },
    () => hands.config(),
  );
  app.put(
    '/api/v1/hands/config',
    { config: { permission: 'settings.manage' }, schema: { tags, summary: 'Replace the raise a hand configuration (audited)', body: HandsConfigSchema, response: { 200: HandsConfigView, ...errorResponses } } },
    (req) => hands.updateConfig(auditActor(req), req.body),
  );
  app.get(
    '/api/v1/hands/floor',
    { config: { permission: 'escalations.supervise' }, schema: { tags, summary: 'The floor: supervisors (available for hands, on a call, hands held) and who is on a call', response: { 200: FloorView, ...errorResponses } } },
    () => hands.floor(),
  );
  app.get(
    '/api/v1/hands/report',
    {
      config: { permission: 'escalations.supervise' },
      schema: {
        tags,
        summary: 'Hands report: time to claim and to answer (p50/p90/max) per team, supervisor, category and hour; share claimed within target; hands per operator per hour; outcomes; hold time; escalations',
        querystring: Type.Object({ from: Type.Optional(Type.String({ format: 'date-time' })), to: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
        response: { 200: HandsReportView, ...errorResponses },
      },
    },
    (req) => {
      const to = req.query.to ? Date.parse(req.query.to) : app.deps.clock.now();
      const from = req.query.from ? Date.parse(req.query.from) : to - 7 * 86400_000;
      return hands.report(req.principal!, from, to);
    },
  );
  app.get(
    '/api/v1/hands/:id',
    { config: read, schema: { tags, summary: 'A hand with its thread and every transition (actor and instant)', params: IdParams, response: { 200: HandDetailView, ...errorResponses } } },
    (req) => hands.detail(req.principal!, req.params.id),
  );
  app.post(
    '/api/v1/hands/:id/claim',
    { config: { permission: 'escalations.supervise' }, schema: { tags, summary: 'Claim a hand (exclusive: 409 hand_already_claimed names who claimed it)', params: IdParams, response: { 200: HandView, ...errorResponses } } },
    (req) => hands.claim(req.principal!, req.params.id),
  );
  app.post(
    '/api/v1/hands/:id/messages',
    { config: write, schema: { tags, summary: 'Add a line to the live thread (operator or claiming supervisor)', params: IdParams, body: HandMessageBody, response: { 201: HandEventView, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await hands.addMessage(req.principal!, req.params.id, req.body.body)),
  );
  app.post(
    '/api/v1/hands/:id/typing',
    { config: write, schema: { tags, summary: 'Tell the other side of the thread that I am typing (live event hand.typing; nothing stored)', params: IdParams, response: { ...NoContent, ...errorResponses } } },
    async (req, reply) => {
      await hands.typing(req.principal!, req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/v1/hands/:id/joining',
    { config: { permission: 'escalations.supervise' }, schema: { tags, summary: 'Record that the claiming supervisor joins the call (monitor, whisper or barge in the phone system)', params: IdParams, body: JoinCallBody, response: { 200: HandView, ...errorResponses } } },
    (req) => hands.joinCall(req.principal!, req.params.id, req.body.mode),
  );
  app.post(
    '/api/v1/hands/:id/close',
    { config: write, schema: { tags, summary: 'Close a hand: answered (answer kept), callback (follow-up due on the ticket) or resolved_self', params: IdParams, body: CloseHandBody, response: { 200: HandView, ...errorResponses } } },
    (req) => hands.close(req.principal!, req.params.id, req.body),
  );
  app.post(
    '/api/v1/hands/:id/escalate',
    { config: write, schema: { tags, summary: "Turn the hand into an escalation of its ticket, the brief pre-filled from the hand and its thread", params: IdParams, body: EscalateHandBody, response: { 200: HandView, ...errorResponses } } },
    (req) => hands.escalate(req.principal!, req.params.id, req.body),
  );
  app.post(
    '/api/v1/hands/:id/cancel',
    { config: write, schema: { tags, summary: 'Cancel a hand (the operator who raised it)', params: IdParams, response: { 200: HandView, ...errorResponses } } },
    (req) => hands.cancel(req.principal!, req.params.id),
  );

  // ---- phone state (CTI / PBX edge) and hands availability
  const ptags = ['phone state'];
  app.get(
    '/api/v1/me/call',
    { config: { signedIn: true }, schema: { tags: ptags, summary: 'My phone state and whether I am available for hands', response: { 200: CallView, ...errorResponses } } },
    (req) => hands.callState(req.principal!.userId),
  );
  app.put(
    '/api/v1/me/call',
    { config: { signedIn: true }, schema: { tags: ptags, summary: 'On a call / off a call, with the caller number and call id (hands carry the call; the customer is found by number)', body: CallBody, response: { 200: CallView, ...errorResponses } } },
    (req) => hands.setCall(req.principal!.userId, req.body),
  );
  app.put(
    '/api/v1/users/:id/call',
    { config: { permission: 'users.manage' }, schema: { tags: ptags, summary: "An agent's phone state, for a CTI or PBX integration's token", params: IdParams, body: CallBody, response: { 200: CallView, ...errorResponses } } },
    (req) => hands.setCall(req.params.id, req.body),
  );
  app.put(
    '/api/v1/me/hand-availability',
    { config: { permission: 'escalations.supervise' }, schema: { tags: ptags, summary: 'Available for hands (independent of ticket availability)', body: HandAvailabilityBody, response: { 200: CallView, ...errorResponses } } },
    (req) => hands.setAvailability(req.principal!.userId, req.body.availableForHands),
  );
}
