import { expect, it } from 'vitest';
import { describeEachDb, type Actor, type TestContext } from '../../../test/helpers/app.js';

/**
 * Issue 19 at 1,000,000 messages: a word in a large share of the desk matches far more
 * documents than can be ranked, so a query ranks the newest `rankCandidates` matches the viewer
 * may see (made small here). The visibility condition and the filters apply before that bound,
 * so documents of restricted teams never take the places of visible ones.
 */
async function search(c: TestContext, actor: Actor, q: string, extra = '') {
  const r = await c.request('GET', `/api/v1/search?q=${encodeURIComponent(q)}${extra}`, actor);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as {
    items: {
      kind: string;
      ticketId: string | null;
      score: number;
      snippet: { text: string; ranges: [number, number][] };
    }[];
    nextCursor: string | null;
  };
}

describeEachDb('search: a match set larger than what is ranked', (get) => {
  it('ranks the newest matches the viewer may see; restricted ones do not take their places', async () => {
    const c = get();
    const legal = await c.request('POST', '/api/v1/teams', c.actors.admin, {
      name: 'Legal',
      restricted: true,
      members: [{ userId: c.actors.agent.id, role: 'member' }],
    });
    expect(legal.status).toBe(201);
    const make = async (subject: string, teamId?: string) => {
      const r = await c.request('POST', '/api/v1/tickets', c.actors.agent, {
        subject,
        description: 'see the subject',
        requesterEmail: 'kato@example.com',
        ...(teamId ? { teamId } : {}),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    // Oldest first; the oldest is the best match of all.
    const oldest = await make('zebra zebra zebra zebra crossing');
    const older = await make('zebra at the zoo');
    const mid = await make('zebra zebra report');
    const secret1 = await make('zebra zebra zebra confidential', legal.body.id);
    const latest = await make('a zebra was seen');
    const secret2 = await make('zebra zebra zebra zebra zebra settlement', legal.body.id);
    const ids = (r: Awaited<ReturnType<typeof search>>) => r.items.map((i) => i.ticketId);

    // Every match ranked: the best first, whatever its age.
    const all = await search(c, c.otherAgent, 'zebra', '&type=ticket');
    expect(ids(all)[0]).toBe(oldest);
    expect(new Set(ids(all))).toEqual(new Set([oldest, older, mid, latest]));

    const svc = c.deps.search;
    const bound = svc.rankCandidates;
    const window = svc.newestWindow;
    // PostgreSQL walks the newest documents first (here the last ten: tickets 2-6 and their
    // messages), then the index: both ways give the same answers.
    for (const newest of [window, 10]) {
      svc.rankCandidates = 3;
      svc.newestWindow = newest;
      try {
        // The outsider: the newest three visible matches (the two restricted ones skipped, not
        // counted), best first; equal scores newest first.
        const out = await search(c, c.otherAgent, 'zebra', '&type=ticket');
        expect(ids(out)).toEqual([mid, latest, older]);
        expect(out.items[0]!.score).toBeGreaterThan(out.items[1]!.score);
        const [first] = out.items;
        expect(first!.snippet.ranges.map(([x, y]) => first!.snippet.text.slice(x, y))).toEqual([
          'zebra',
          'zebra',
        ]);
        // The member sees the restricted tickets among the newest three.
        expect(ids(await search(c, c.actors.agent, 'zebra', '&type=ticket'))).toEqual([
          secret2,
          secret1,
          latest,
        ]);
        // Exclusions and paging work within the bound.
        // (bm25 and ts_rank order these three differently.)
        expect(new Set(ids(await search(c, c.otherAgent, 'zebra -zoo', '&type=ticket')))).toEqual(
          new Set([oldest, mid, latest]),
        );
        const p1 = await search(c, c.otherAgent, 'zebra', '&type=ticket&limit=2');
        expect(ids(p1)).toEqual([mid, latest]);
        const p2 = await search(c, c.otherAgent, 'zebra', `&type=ticket&limit=2&cursor=${p1.nextCursor}`);
        expect(ids(p2)).toEqual([older]);
        expect(p2.nextCursor).toBeNull();
      } finally {
        svc.rankCandidates = bound;
        svc.newestWindow = window;
      }
    }
  });
});
