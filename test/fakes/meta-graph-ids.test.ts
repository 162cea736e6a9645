import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { request } from '../helpers/http';
import { startFakeMetaGraph } from './meta-graph.fake';

const APP = { id: '1234567890123', secret: 'app-secret-of-the-fake' };
const APP_TOKEN = `${APP.id}|${APP.secret}`;
const proofOf = (token: string, secret: string) =>
  createHmac('sha256', secret).update(token).digest('hex');

interface IdsPage {
  data: { id: string; page: { id: string; name: string } }[];
  paging: { cursors: { before: string; after: string }; next?: string };
}
interface GraphErrorBody {
  error: { message: string; type: string; code: number };
}

describe('fake Meta Graph API: ids_for_pages', () => {
  it('answers a person’s page-scoped IDs page by page, with cursors', async () => {
    await using graph = await startFakeMetaGraph({ app: APP, idsForPagesPageSize: 2 });
    graph.setPageScopedIds('10001', [
      { psid: 'psid-a', pageId: 'page-1' },
      { psid: 'psid-b', pageId: 'page-2', pageName: 'Shop' },
      { psid: 'psid-c', pageId: 'page-3' },
    ]);
    const path = '/v23.0/10001/ids_for_pages';
    const query = `appsecret_proof=${proofOf(APP_TOKEN, APP.secret)}`;
    const first = await request<IdsPage>(graph.url, `${path}?${query}`, { token: APP_TOKEN });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([
      { id: 'psid-a', page: { id: 'page-1', name: 'Page page-1' } },
      { id: 'psid-b', page: { id: 'page-2', name: 'Shop' } },
    ]);
    expect(first.body.paging.next).toContain(`${graph.url}${path}?`);
    const after = encodeURIComponent(first.body.paging.cursors.after);
    const second = await request<IdsPage>(graph.url, `${path}?${query}&after=${after}`, {
      token: APP_TOKEN,
    });
    expect(second.body.data.map((d) => d.id)).toEqual(['psid-c']);
    expect(second.body.paging.next).toBeUndefined();

    const onePage = await request<IdsPage>(graph.url, `${path}?${query}&page=page-2`, {
      token: APP_TOKEN,
    });
    expect(onePage.body.data.map((d) => d.id)).toEqual(['psid-b']);
    const nobody = await request<IdsPage>(graph.url, `/v23.0/999/ids_for_pages?${query}`, {
      token: APP_TOKEN,
    });
    expect(nobody.body.data).toEqual([]);
  });

  it('refuses a missing or foreign app token and a missing or wrong appsecret_proof', async () => {
    await using graph = await startFakeMetaGraph({ app: APP });
    graph.setPageScopedIds('10001', [{ psid: 'psid-a', pageId: 'page-1' }]);
    const path = '/v23.0/10001/ids_for_pages';
    const other = `${APP.id}|another-secret`;
    const cases = [
      { token: undefined, query: '', code: 104 },
      { token: other, query: `appsecret_proof=${proofOf(other, 'another-secret')}`, code: 190 },
      { token: 'EAAG-page-token', query: '', code: 190 },
      { token: APP_TOKEN, query: '', code: 100, message: /require an appsecret_proof/ },
      {
        token: APP_TOKEN,
        query: `appsecret_proof=${proofOf(APP_TOKEN, 'another-secret')}`,
        code: 100,
        message: /Invalid appsecret_proof/,
      },
    ];
    for (const c of cases) {
      const res = await request<GraphErrorBody>(graph.url, `${path}?${c.query}`, {
        ...(c.token ? { token: c.token } : {}),
      });
      expect(res.status, JSON.stringify(c)).toBe(400);
      expect(res.body.error.code, JSON.stringify(c)).toBe(c.code);
      if (c.message) expect(res.body.error.message).toMatch(c.message);
    }
    // The token may come in the query too, as Meta's examples send it.
    const inQuery = await request<IdsPage>(
      graph.url,
      `${path}?access_token=${encodeURIComponent(APP_TOKEN)}&appsecret_proof=${proofOf(APP_TOKEN, APP.secret)}`,
    );
    expect(inQuery.body.data.map((d) => d.id)).toEqual(['psid-a']);
  });
});
